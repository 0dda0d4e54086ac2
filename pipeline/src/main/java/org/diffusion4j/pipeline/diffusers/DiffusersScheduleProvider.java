package org.diffusion4j.pipeline.diffusers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.spi.PluginConfigException;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.ScheduleProvider;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.jspecify.annotations.Nullable;

/**
 * Schedule plugin {@code diffusers}: {@code {"type": "diffusers", "file": "scheduler_config.json"}} (or the
 * config inline as {@code "config": {...}}). The imported β schedule is built through the registry
 * (schedules {@code linear}, {@code scaled_linear}, {@code cosine}, {@code sigmoid} or {@code betas});
 * unsupported settings fail unless {@code ignoreUnsupported} is true.
 */
public final class DiffusersScheduleProvider implements ScheduleProvider<DiffusersScheduleProvider.Config> {

    /** The {@link PluginContext} resource holding the folder relative file names are resolved against. */
    public static final String BASE_DIRECTORY = "diffusion4j.baseDirectory";

    /**
     * @param file                the {@code scheduler_config.json}, relative to the document's folder
     * @param config              the same content inline (give {@code file} or {@code config})
     * @param diffusersCompatible reproduce DDIMScheduler's previous-timestep rule {@code t − T div n}
     *                            (default false: step to the next timestep of the trajectory)
     * @param ignoreUnsupported   sample even when some settings cannot be reproduced (default false)
     */
    public record Config(
            @Nullable String file,
            @Nullable JsonNode config,
            @Nullable Boolean diffusersCompatible,
            @Nullable Boolean ignoreUnsupported) {}

    @Override
    public String id() {
        return "diffusers";
    }

    @Override
    public String description() {
        return "a diffusers scheduler_config.json (DDPM, DDIM, Euler, Euler ancestral, Heun, DPM-Solver++ multistep, LMS, PNDM, UniPC schedulers), optionally diffusers-compatible DDIM steps";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public Config defaultConfig() {
        return new Config(null, null, null, null);
    }

    /** Reads and imports the configured scheduler config. */
    public static DiffusersImport importConfig(Config c, PluginContext context) {
        if ((c.file() == null) == (c.config() == null)) {
            throw new PluginConfigException(
                    "", "give exactly one of file (a scheduler_config.json) and config (its content inline)", null);
        }
        JsonNode doc;
        if (c.file() != null) {
            Path base = context.resource(BASE_DIRECTORY, Path.class).orElse(Path.of(""));
            try {
                doc = readConfigFile(base.resolve(c.file()));
            } catch (PipelineConfigException e) {
                throw new PluginConfigException("/file", e.problems().get(0).message(), e);
            }
        } else {
            doc = c.config();
        }
        if (!doc.isObject()) {
            throw new PluginConfigException(
                    c.file() != null ? "/file" : "/config", "a scheduler config must be a JSON object", null);
        }
        DiffusersImport imp = DiffusersSchedulerConfig.read(doc);
        if (!imp.unsupported().isEmpty() && !Boolean.TRUE.equals(c.ignoreUnsupported())) {
            throw new PluginConfigException(
                    c.file() != null ? "/file" : "/config",
                    "the diffusers scheduler config has settings"
                            + " diffusion4j cannot reproduce: " + String.join("; ", imp.unsupported())
                            + ". Set \"ignoreUnsupported\": true to sample anyway (the run report lists them)",
                    null);
        }
        return imp;
    }

    /**
     * Reads a {@code scheduler_config.json}. Python's {@code json.dump} writes DPMSolverMultistepScheduler's default
     * {@code lambda_min_clipped = -inf} as {@code -Infinity}, which JSON does not allow: that one value is read as
     * null (the same default); any other non-finite number stays an error.
     */
    static JsonNode readConfigFile(Path file) {
        String text;
        try {
            text = java.nio.file.Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return Json.read(file); // the usual "no such file" problem
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return Json.parse(LAMBDA_MIN_CLIPPED_INF.matcher(text).replaceAll("$1null"), file.toString());
    }

    private static final java.util.regex.Pattern LAMBDA_MIN_CLIPPED_INF =
            java.util.regex.Pattern.compile("(\"lambda_min_clipped\"\\s*:\\s*)-Infinity\\b");

    @Override
    public Schedule create(Config c, PluginContext context) {
        DiffusersImport imp = importConfig(c, context);
        JsonNode s = imp.schedule();
        Schedule native_ = context.registry().schedule(s.get("type").asText(), s);
        return new DiffusersSchedule(native_, imp, Boolean.TRUE.equals(c.diffusersCompatible()));
    }
}
