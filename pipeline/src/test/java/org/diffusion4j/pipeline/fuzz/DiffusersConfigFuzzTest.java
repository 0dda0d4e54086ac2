package org.diffusion4j.pipeline.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.pipeline.ConfigProblem;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.diffusion4j.pipeline.diffusers.DiffusersSchedulerConfig;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target: the diffusers {@code scheduler_config.json} import. The input is the content of the
 * file, read the way a sampling document with {@code "schedule": {"type": "diffusers", "file":
 * "scheduler_config.json"}} reads it, then resolved with a DDIM or DDPM sampler (whichever the
 * config names, with the steps given). Either the pipeline resolves or a {@link PipelineConfigException}
 * reports the problem under {@code /schedule} (or the sampler it implies), nothing else.
 */
class DiffusersConfigFuzzTest {
    private static final List<JsonNode> SEEDS = FuzzSupport.seeds(
            DiffusersConfigFuzzTest.class,
            "schedulerConfig",
            "seed-sd-ddim.json",
            "seed-ddpm.json",
            "seed-ddpm-cosine-vpred.json",
            "seed-thresholding.json",
            "seed-trained-betas.json");
    private static final List<String> WORDS = FuzzSupport.vocabulary(
            SEEDS,
            List.of(
                    "DDPMScheduler",
                    "DDIMScheduler",
                    "PNDMScheduler",
                    "linear",
                    "scaled_linear",
                    "squaredcos_cap_v2",
                    "sigmoid",
                    "leading",
                    "trailing",
                    "linspace",
                    "epsilon",
                    "sample",
                    "v_prediction",
                    "fixed_small",
                    "fixed_large",
                    "learned",
                    "learned_range",
                    "trained_betas",
                    "clip_sample_range",
                    "dynamic_thresholding_ratio",
                    "sample_max_value",
                    "rescale_betas_zero_snr",
                    "variance_type"));
    private static final Path DIR = dir();
    private static final PipelineOptions OPTIONS = FuzzSupport.options().withBaseDirectory(DIR);

    private static Path dir() {
        try {
            Path d = Files.createTempDirectory("d4j-fuzz-diffusers");
            d.toFile().deleteOnExit();
            d.resolve("scheduler_config.json").toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every seed config imports without an unsupported setting. */
    @Test
    void theSeedsImportCompletely() {
        for (JsonNode seed : SEEDS) {
            assertThat(DiffusersSchedulerConfig.read(seed).unsupported())
                    .as("%s", seed)
                    .isEmpty();
        }
    }

    @FuzzTest(maxDuration = "60s")
    void schedulerConfig(FuzzedDataProvider data) throws IOException {
        String config = FuzzSupport.document(data, SEEDS, WORDS);
        int steps = data.remainingBytes() > 0 ? data.consumeInt(1, 1000) : 25;
        Files.writeString(DIR.resolve("scheduler_config.json"), config);
        JsonNode doc = Json.parse("""
                {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "diffusers", "file": "scheduler_config.json"},
                 "sampler": {"steps": %d}, "labels": [0, 1, 2], "samplesPerLabel": 2}""".formatted(steps), "run.json");
        String type = typeOf(config);
        ((ObjectNode) doc.get("sampler")).put("type", type);
        SamplingPipeline p;
        try {
            p = SamplingPipeline.fromJson(doc, OPTIONS);
        } catch (PipelineConfigException e) {
            FuzzSupport.assertWellFormed(e, SamplingPipeline.check(doc, OPTIONS));
            for (ConfigProblem problem : e.problems()) {
                assertThat(problem.path()).as("%s", problem).matches("(?s)/(schedule|sampler|model)(/.*)?");
            }
            return;
        }
        assertThat(p.resolvedConfigs())
                .singleElement()
                .satisfies(r -> assertThat(SamplingPipeline.check(r, OPTIONS))
                        .as("resolved %s", r)
                        .isEmpty());
    }

    /** The sampler a config implies: ddpm for a DDPMScheduler, else ddim (so that the imported settings apply). */
    private static String typeOf(String config) {
        try {
            return Json.parse(config, "c").path("_class_name").asText().equals("DDPMScheduler") ? "ddpm" : "ddim";
        } catch (PipelineConfigException e) {
            return "ddim";
        }
    }
}
