package org.diffusion4j.pipeline.diffusers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a diffusers {@code scheduler_config.json} of {@code DDPMScheduler} or {@code DDIMScheduler}.
 * Absent fields take that class's defaults (diffusers' {@code __init__} signatures: T = 1000,
 * β from 1e-4 to 0.02 linear, {@code clip_sample} true, {@code set_alpha_to_one} true,
 * {@code steps_offset} 0, {@code timestep_spacing} leading, {@code prediction_type} epsilon,
 * DDPM {@code variance_type} fixed_small). Every other field, and every value diffusion4j cannot
 * reproduce, is listed in {@link DiffusersImport#unsupported()}.
 */
public final class DiffusersSchedulerConfig {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private static final Set<String> COMMON = Set.of("num_train_timesteps", "beta_start", "beta_end", "beta_schedule",
            "trained_betas", "prediction_type", "timestep_spacing", "steps_offset", "clip_sample", "clip_sample_range",
            "thresholding", "dynamic_thresholding_ratio", "sample_max_value", "rescale_betas_zero_snr");
    private static final Set<String> METADATA = Set.of("_class_name", "_diffusers_version");

    private DiffusersSchedulerConfig() {
    }

    /** Imports a parsed {@code scheduler_config.json}. */
    public static DiffusersImport read(JsonNode config) {
        if (!config.isObject()) {
            throw new IllegalArgumentException("a diffusers scheduler config must be a JSON object, got " + config);
        }
        List<String> unsupported = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String cls = text(config, "_class_name", "DDIMScheduler");
        boolean ddpm = cls.equals("DDPMScheduler");
        if (!ddpm && !cls.equals("DDIMScheduler")) {
            unsupported.add("_class_name '" + cls + "': only DDPMScheduler and DDIMScheduler are imported (read here as DDIMScheduler)");
        }
        if (config.has("_diffusers_version")) {
            notes.add("_diffusers_version " + config.get("_diffusers_version").asText() + " (informational)");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            if (COMMON.contains(k) || METADATA.contains(k)) {
                continue;
            }
            if (k.equals("set_alpha_to_one") && !ddpm) {
                continue;
            }
            if (k.equals("variance_type")) {
                if (!ddpm) {
                    notes.add("variance_type " + e.getValue() + " has no effect: DDIMScheduler has no variance_type");
                }
                continue;
            }
            if (k.equals("set_alpha_to_one")) {
                notes.add("set_alpha_to_one " + e.getValue() + " has no effect: DDPMScheduler always ends at alpha_bar = 1");
                continue;
            }
            unsupported.add(k + " = " + e.getValue() + ": not a DDPMScheduler/DDIMScheduler field diffusion4j reproduces");
        }

        int T = integer(config, "num_train_timesteps", 1000, unsupported);
        double betaStart = number(config, "beta_start", 0.0001, unsupported);
        double betaEnd = number(config, "beta_end", 0.02, unsupported);
        String betaSchedule = text(config, "beta_schedule", "linear");
        ObjectNode schedule = F.objectNode();
        JsonNode trained = config.get("trained_betas");
        if (trained != null && !trained.isNull()) {
            if (!trained.isArray() || trained.isEmpty()) {
                unsupported.add("trained_betas " + trained + ": expected an array of numbers");
            }
            schedule.put("type", "betas");
            ArrayNode a = schedule.putArray("trainedBetas");
            trained.forEach(a::add);
        } else {
            switch (betaSchedule) {
                case "linear", "scaled_linear" -> {
                    schedule.put("type", betaSchedule);
                    schedule.put("betaStart", betaStart);
                    schedule.put("betaEnd", betaEnd);
                }
                case "squaredcos_cap_v2" -> schedule.put("type", "cosine");
                case "sigmoid" -> {
                    if (!ddpm) {
                        unsupported.add("beta_schedule 'sigmoid': DDIMScheduler has none (DDPMScheduler has)");
                    }
                    schedule.put("type", "sigmoid");
                    schedule.put("betaStart", betaStart);
                    schedule.put("betaEnd", betaEnd);
                }
                default -> {
                    unsupported.add("beta_schedule '" + betaSchedule + "': known are linear, scaled_linear, squaredcos_cap_v2"
                            + (ddpm ? ", sigmoid" : ""));
                    schedule.put("type", "linear");
                }
            }
            schedule.put("numTrainTimesteps", T);
        }
        String spacing = text(config, "timestep_spacing", "leading");
        if (!Set.of("leading", "trailing", "linspace").contains(spacing)) {
            unsupported.add("timestep_spacing '" + spacing + "': known are leading, trailing, linspace");
            spacing = "leading";
        }
        schedule.put("timestepSpacing", spacing);
        schedule.put("stepsOffset", integer(config, "steps_offset", 0, unsupported));
        schedule.put("setAlphaToOne", ddpm || bool(config, "set_alpha_to_one", true, unsupported));
        schedule.put("rescaleBetasZeroSnr", bool(config, "rescale_betas_zero_snr", false, unsupported));

        ObjectNode sampler = F.objectNode();
        sampler.put("type", ddpm ? "ddpm" : "ddim");
        boolean thresholding = bool(config, "thresholding", false, unsupported);
        if (thresholding) {
            // diffusers: thresholding takes precedence over clip_sample
            sampler.put("thresholding", true);
            sampler.put("dynamicThresholdingRatio", number(config, "dynamic_thresholding_ratio", 0.995, unsupported));
            sampler.put("sampleMaxValue", number(config, "sample_max_value", 1.0, unsupported));
        } else if (bool(config, "clip_sample", true, unsupported)) {
            sampler.put("clipSample", number(config, "clip_sample_range", 1.0, unsupported));
        }
        if (ddpm) {
            String v = text(config, "variance_type", "fixed_small");
            switch (v) {
                case "fixed_small" -> sampler.put("variance", "posterior");
                case "fixed_large" -> sampler.put("variance", "beta");
                default -> unsupported.add("variance_type '" + v + "': only fixed_small and fixed_large are reproduced"
                        + " (learned variances need the model's variance output)");
            }
        }
        String pt = text(config, "prediction_type", "epsilon");
        if (!Set.of("epsilon", "sample", "v_prediction").contains(pt)) {
            unsupported.add("prediction_type '" + pt + "': known are epsilon, sample, v_prediction");
            pt = "epsilon";
        }
        return new DiffusersImport(ddpm ? "DDPMScheduler" : "DDIMScheduler", schedule, sampler, pt, unsupported, notes);
    }

    private static String text(JsonNode c, String k, String dflt) {
        JsonNode v = c.get(k);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    private static int integer(JsonNode c, String k, int dflt, List<String> bad) {
        JsonNode v = c.get(k);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            bad.add(k + " " + v + ": expected an integer");
            return dflt;
        }
        return v.intValue();
    }

    private static double number(JsonNode c, String k, double dflt, List<String> bad) {
        JsonNode v = c.get(k);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber()) {
            bad.add(k + " " + v + ": expected a number");
            return dflt;
        }
        return v.doubleValue();
    }

    private static boolean bool(JsonNode c, String k, boolean dflt, List<String> bad) {
        JsonNode v = c.get(k);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            bad.add(k + " " + v + ": expected true or false");
            return dflt;
        }
        return v.booleanValue();
    }
}
