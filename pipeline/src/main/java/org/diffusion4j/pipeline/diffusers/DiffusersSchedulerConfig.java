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
 * Reads a diffusers {@code scheduler_config.json}: {@code DDPMScheduler}, {@code DDIMScheduler},
 * {@code EulerDiscreteScheduler}, {@code EulerAncestralDiscreteScheduler}, {@code HeunDiscreteScheduler},
 * {@code DPMSolverMultistepScheduler}, {@code LMSDiscreteScheduler}, {@code PNDMScheduler},
 * {@code UniPCMultistepScheduler}. Absent fields take that class's defaults (diffusers' {@code __init__}
 * signatures). Every other field, and every value diffusion4j cannot reproduce, is listed in
 * {@link DiffusersImport#unsupported()}, one entry per field, each starting with its JSON path.
 */
public final class DiffusersSchedulerConfig {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The imported scheduler classes. */
    public static final List<String> CLASSES = List.of(
            "DDPMScheduler",
            "DDIMScheduler",
            "EulerDiscreteScheduler",
            "EulerAncestralDiscreteScheduler",
            "HeunDiscreteScheduler",
            "DPMSolverMultistepScheduler",
            "LMSDiscreteScheduler",
            "PNDMScheduler",
            "UniPCMultistepScheduler");

    private static final Set<String> BETAS = Set.of(
            "num_train_timesteps",
            "beta_start",
            "beta_end",
            "beta_schedule",
            "trained_betas",
            "prediction_type",
            "timestep_spacing",
            "steps_offset");
    private static final Set<String> PROCESSING = Set.of(
            "clip_sample", "clip_sample_range", "thresholding", "dynamic_thresholding_ratio", "sample_max_value");
    private static final Set<String> SIGMA_KINDS =
            Set.of("use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas");
    private static final Set<String> METADATA = Set.of("_class_name", "_diffusers_version");

    private DiffusersSchedulerConfig() {}

    /** The fields each class has, beyond {@link #BETAS} and the metadata (diffusers' {@code __init__} parameters). */
    private static Set<String> fieldsOf(String cls) {
        return switch (cls) {
            case "DDPMScheduler" ->
                union(PROCESSING, Set.of("variance_type", "set_alpha_to_one", "rescale_betas_zero_snr"));
            case "DDIMScheduler" ->
                union(PROCESSING, Set.of("set_alpha_to_one", "rescale_betas_zero_snr", "use_clipped_model_output"));
            case "EulerDiscreteScheduler" ->
                union(
                        SIGMA_KINDS,
                        Set.of(
                                "interpolation_type",
                                "sigma_min",
                                "sigma_max",
                                "timestep_type",
                                "rescale_betas_zero_snr",
                                "final_sigmas_type"));
            case "EulerAncestralDiscreteScheduler" -> Set.of("rescale_betas_zero_snr");
            case "HeunDiscreteScheduler" -> union(SIGMA_KINDS, Set.of("clip_sample", "clip_sample_range"));
            case "LMSDiscreteScheduler" -> SIGMA_KINDS;
            case "PNDMScheduler" -> Set.of("skip_prk_steps", "set_alpha_to_one");
            case "DPMSolverMultistepScheduler" ->
                union(
                        SIGMA_KINDS,
                        Set.of(
                                "solver_order",
                                "thresholding",
                                "dynamic_thresholding_ratio",
                                "sample_max_value",
                                "algorithm_type",
                                "solver_type",
                                "lower_order_final",
                                "euler_at_final",
                                "use_lu_lambdas",
                                "use_flow_sigmas",
                                "flow_shift",
                                "final_sigmas_type",
                                "lambda_min_clipped",
                                "variance_type",
                                "rescale_betas_zero_snr"));
            case "UniPCMultistepScheduler" ->
                union(
                        SIGMA_KINDS,
                        Set.of(
                                "solver_order",
                                "thresholding",
                                "dynamic_thresholding_ratio",
                                "sample_max_value",
                                "predict_x0",
                                "solver_type",
                                "lower_order_final",
                                "disable_corrector",
                                "solver_p",
                                "final_sigmas_type",
                                "rescale_betas_zero_snr"));
            default -> Set.of();
        };
    }

    /**
     * Fields read only at diffusers' default value (any other value is unsupported): diffusers writes every
     * {@code __init__} parameter into a saved config, so a config saved by a recent diffusers carries them all.
     * The value {@code NULL} stands for JSON null.
     */
    private static Map<String, Object> defaultOnly(String cls) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        switch (cls) {
            case "EulerDiscreteScheduler" -> {
                m.put("interpolation_type", "linear");
                m.put("sigma_min", NULL);
                m.put("sigma_max", NULL);
                m.put("timestep_type", "discrete");
                m.put("final_sigmas_type", "zero");
            }
            case "DPMSolverMultistepScheduler" -> {
                m.put("solver_type", "midpoint");
                m.put("use_flow_sigmas", false);
                m.put("flow_shift", 1.0);
                m.put("final_sigmas_type", "zero");
                m.put("variance_type", NULL);
                m.put("use_dynamic_shifting", false);
                m.put("time_shift_type", "exponential");
            }
            case "UniPCMultistepScheduler" -> {
                m.put("predict_x0", true);
                m.put("lower_order_final", true);
                m.put("solver_p", NULL);
                m.put("use_flow_sigmas", false);
                m.put("flow_shift", 1.0);
                m.put("final_sigmas_type", "zero");
                m.put("use_dynamic_shifting", false);
                m.put("time_shift_type", "exponential");
                m.put("sigma_min", NULL);
                m.put("sigma_max", NULL);
                m.put("shift_terminal", NULL);
            }
            default -> {}
        }
        return m;
    }

    private static final Object NULL = new Object();

    private static void checkDefaultOnly(JsonNode c, String cls, List<String> bad) {
        for (Map.Entry<String, Object> e : defaultOnly(cls).entrySet()) {
            JsonNode v = c.get(e.getKey());
            Object d = e.getValue();
            if (v == null) {
                continue;
            }
            boolean ok = d == NULL
                    ? v.isNull()
                    : d instanceof Boolean b
                            ? v.isBoolean() && v.booleanValue() == b
                            : d instanceof Number n
                                    ? v.isNumber() && v.doubleValue() == n.doubleValue()
                                    : v.isTextual() && v.asText().equals(d);
            if (!ok) {
                bad.add("/" + e.getKey() + " " + v + ": only "
                        + (d == NULL ? "null" : d instanceof String ? "\"" + d + "\"" : d)
                        + " (diffusers' default) is reproduced");
            }
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    /** Imports a parsed {@code scheduler_config.json}. */
    public static DiffusersImport read(JsonNode config) {
        if (!config.isObject()) {
            throw new IllegalArgumentException("a diffusers scheduler config must be a JSON object, got " + config);
        }
        List<String> unsupported = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String cls = text(config, "_class_name", "DDIMScheduler");
        if (!CLASSES.contains(cls)) {
            unsupported.add("/_class_name '" + cls + "': imported are " + String.join(", ", CLASSES)
                    + " (read here as DDIMScheduler)");
            cls = "DDIMScheduler";
        }
        boolean ddpm = cls.equals("DDPMScheduler");
        boolean ddim = cls.equals("DDIMScheduler");
        if (config.has("_diffusers_version")) {
            notes.add("_diffusers_version " + config.get("_diffusers_version").asText() + " (informational)");
        }
        Set<String> own = union(fieldsOf(cls), defaultOnly(cls).keySet());
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            String k = it.next().getKey();
            if (!BETAS.contains(k) && !METADATA.contains(k) && !own.contains(k)) {
                if (ddim && k.equals("variance_type")) {
                    notes.add("variance_type " + config.get(k) + " has no effect: DDIMScheduler has no variance_type");
                } else {
                    unsupported.add("/" + k + " = " + config.get(k) + ": not a field of " + cls
                            + " that diffusion4j reproduces");
                }
            }
        }

        boolean heun = cls.equals("HeunDiscreteScheduler");
        int T = integer(config, "num_train_timesteps", 1000, unsupported);
        double betaStart = number(config, "beta_start", heun ? 0.00085 : 0.0001, unsupported);
        double betaEnd = number(config, "beta_end", heun ? 0.012 : 0.02, unsupported);
        String betaSchedule = text(config, "beta_schedule", "linear");
        ObjectNode schedule = F.objectNode();
        JsonNode trained = config.get("trained_betas");
        if (trained != null && !trained.isNull()) {
            if (!trained.isArray() || trained.isEmpty()) {
                unsupported.add("/trained_betas " + trained + ": expected an array of numbers");
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
                        unsupported.add("/beta_schedule 'sigmoid': " + cls + " has none (DDPMScheduler has)");
                    }
                    schedule.put("type", "sigmoid");
                    schedule.put("betaStart", betaStart);
                    schedule.put("betaEnd", betaEnd);
                }
                default -> {
                    unsupported.add("/beta_schedule '" + betaSchedule
                            + "': known are linear, scaled_linear, squaredcos_cap_v2" + (ddpm ? ", sigmoid" : ""));
                    schedule.put("type", "linear");
                }
            }
            schedule.put("numTrainTimesteps", T);
        }
        boolean multistep = cls.equals("DPMSolverMultistepScheduler") || cls.equals("UniPCMultistepScheduler");
        boolean ownPlan = ddpm || ddim || cls.equals("PNDMScheduler");
        String spacing = text(config, "timestep_spacing", ownPlan ? "leading" : "linspace");
        if (!Set.of("leading", "trailing", "linspace").contains(spacing)) {
            unsupported.add("/timestep_spacing '" + spacing + "': known are leading, trailing, linspace");
            spacing = "leading";
        }
        int stepsOffset = integer(config, "steps_offset", 0, unsupported);
        boolean rescale = bool(config, "rescale_betas_zero_snr", false, unsupported);
        schedule.put("timestepSpacing", spacing);
        schedule.put("stepsOffset", stepsOffset);
        schedule.put(
                "setAlphaToOne", ddpm || bool(config, "set_alpha_to_one", !cls.equals("PNDMScheduler"), unsupported));
        schedule.put("rescaleBetasZeroSnr", rescale);
        if (ddpm && config.has("set_alpha_to_one")) {
            notes.add("set_alpha_to_one " + config.get("set_alpha_to_one")
                    + " has no effect: DDPMScheduler always ends at alpha_bar = 1");
        }

        ObjectNode sampler = F.objectNode();
        String pt = text(config, "prediction_type", "epsilon");
        if (!Set.of("epsilon", "sample", "v_prediction").contains(pt)) {
            unsupported.add("/prediction_type '" + pt + "': known are epsilon, sample, v_prediction");
            pt = "epsilon";
        }
        if (ddpm || ddim) {
            ddpmOrDdim(config, ddpm, sampler, unsupported, notes);
        } else {
            if (rescale) {
                unsupported.add(
                        "/rescale_betas_zero_snr true: the sigma-space samplers need a finite sigma_max (use DDIMScheduler)");
            }
            sigmaSampler(config, cls, spacing, stepsOffset, multistep, sampler, unsupported, notes);
            if (cls.equals("PNDMScheduler") && pt.equals("sample")) {
                unsupported.add("/prediction_type 'sample': PNDMScheduler supports epsilon and v_prediction only");
            } else if (cls.equals("PNDMScheduler") && pt.equals("v_prediction")) {
                notes.add(
                        "prediction_type v_prediction with PNDMScheduler: each v is converted to epsilon at the point the model"
                                + " was asked (diffusers converts the combined v with the step's starting sample; equal for epsilon models)");
            }
        }
        return new DiffusersImport(cls, schedule, sampler, pt, unsupported, notes);
    }

    private static void ddpmOrDdim(
            JsonNode config, boolean ddpm, ObjectNode sampler, List<String> unsupported, List<String> notes) {
        sampler.put("type", ddpm ? "ddpm" : "ddim");
        boolean thresholding = bool(config, "thresholding", false, unsupported);
        boolean processing = true;
        if (thresholding) {
            // diffusers: thresholding takes precedence over clip_sample
            sampler.put("thresholding", true);
            sampler.put("dynamicThresholdingRatio", number(config, "dynamic_thresholding_ratio", 0.995, unsupported));
            sampler.put("sampleMaxValue", number(config, "sample_max_value", 1.0, unsupported));
        } else if (bool(config, "clip_sample", true, unsupported)) {
            sampler.put("clipSample", number(config, "clip_sample_range", 1.0, unsupported));
        } else {
            processing = false;
        }
        if (!ddpm) {
            // DDIMScheduler.step(use_clipped_model_output=False): the raw ε, not the one recomputed from the clipped
            // x̂0.
            // It is a step() argument in diffusers (DDIMPipeline passes the default); read here when a config carries
            // it.
            boolean clipped = bool(config, "use_clipped_model_output", false, unsupported);
            if (processing) {
                sampler.put("useClippedModelOutput", clipped);
            } else if (clipped) {
                notes.add("use_clipped_model_output true has no effect without clip_sample or thresholding");
            }
        }
        if (ddpm) {
            String v = text(config, "variance_type", "fixed_small");
            switch (v) {
                case "fixed_small", "fixed_small_log" -> sampler.put("variance", "posterior");
                case "fixed_large" -> sampler.put("variance", "beta");
                case "learned_range", "learned" -> {
                    sampler.put("variance", v);
                    notes.add("variance_type " + v
                            + ": the model must return twice the sample's channels along dimension 1"
                            + " (the prediction, then the variance values), as DDPMScheduler.step splits them");
                }
                default ->
                    unsupported.add("/variance_type '" + v + "': known are fixed_small, fixed_small_log, fixed_large,"
                            + " learned_range and learned (fixed_large_log: DDPMScheduler.step takes the square root of a log"
                            + " variance, not a variance)");
            }
            // DDPMScheduler.step adds noise whenever t > 0, also on a last step at t > 0
            sampler.put("lastStepNoise", "diffusers");
        }
    }

    private static void sigmaSampler(
            JsonNode config,
            String cls,
            String spacing,
            int stepsOffset,
            boolean multistep,
            ObjectNode sampler,
            List<String> unsupported,
            List<String> notes) {
        checkDefaultOnly(config, cls, unsupported);
        boolean karras = bool(config, "use_karras_sigmas", false, unsupported);
        boolean exponential = bool(config, "use_exponential_sigmas", false, unsupported);
        boolean beta = bool(config, "use_beta_sigmas", false, unsupported);
        if (karras && exponential) {
            unsupported.add("/use_exponential_sigmas true: together with use_karras_sigmas (diffusers uses Karras)");
            exponential = false;
        }
        if (beta && (karras || exponential)) {
            unsupported.add("/use_beta_sigmas true: together with use_" + (karras ? "karras" : "exponential")
                    + "_sigmas" + " (diffusers allows one)");
            beta = false;
        }
        switch (cls) {
            case "EulerDiscreteScheduler" -> sampler.put("type", "euler");
            case "EulerAncestralDiscreteScheduler" -> {
                sampler.put("type", "euler_a");
                sampler.put("eta", 1.0);
            }
            case "HeunDiscreteScheduler" -> {
                sampler.put("type", "heun");
                if (bool(config, "clip_sample", false, unsupported)) {
                    unsupported.add("/clip_sample true: the sigma-space samplers take no x0 clipping");
                } else if (config.has("clip_sample_range")) {
                    notes.add("clip_sample_range has no effect without clip_sample");
                }
            }
            case "LMSDiscreteScheduler" -> {
                sampler.put("type", "lms");
                sampler.put("order", 4); // LMSDiscreteScheduler.step(order=4), the pipelines' default
            }
            case "PNDMScheduler" -> {
                sampler.put("type", "pndm");
                if (!bool(config, "skip_prk_steps", false, unsupported)) {
                    // the class default: three pseudo Runge-Kutta steps of four model calls (step_prk), then PLMS
                    sampler.put("warmUp", "runge_kutta");
                }
                if (!spacing.equals("leading")) {
                    unsupported.add(
                            "/timestep_spacing '" + spacing + "': PNDMScheduler steps to t - T // n, not the next"
                                    + " timestep (as DDIM, diffusers #12633); only leading, where both agree, is reproduced");
                }
            }
            case "DPMSolverMultistepScheduler" -> {
                String alg = text(config, "algorithm_type", "dpmsolver++");
                switch (alg) {
                    case "dpmsolver++" -> sampler.put("type", "dpmpp_2m");
                    case "sde-dpmsolver++" -> {
                        sampler.put("type", "dpmpp_2m_sde");
                        sampler.put("eta", 1.0);
                    }
                    default -> {
                        unsupported.add(
                                "/algorithm_type '" + alg + "': only dpmsolver++ and sde-dpmsolver++ are reproduced");
                        sampler.put("type", "dpmpp_2m");
                    }
                }
                int order = integer(config, "solver_order", 2, unsupported);
                if (order < 1 || order > 3) {
                    unsupported.add("/solver_order " + order + ": 1, 2 and 3 are reproduced");
                } else if (order != 2 && alg.equals("sde-dpmsolver++")) {
                    unsupported.add(
                            "/solver_order " + order + ": with algorithm_type sde-dpmsolver++ only 2 is reproduced");
                } else if (order != 2) {
                    sampler.put("solverOrder", order);
                    if (order == 3 && !bool(config, "lower_order_final", true, new ArrayList<>())) {
                        unsupported.add(
                                "/lower_order_final false: with solver_order 3 diffusers keeps the third order on the"
                                        + " second-to-last step of a short run; only true is reproduced");
                    }
                }
                if (config.has("lambda_min_clipped")
                        && !config.get("lambda_min_clipped").isNull()) {
                    unsupported.add("/lambda_min_clipped " + config.get("lambda_min_clipped")
                            + ": only -inf (no clipping) is reproduced");
                }
                // with final_sigmas_type zero the last step is first order whatever these say (diffusers'
                // lower_order_final rule)
                if (!bool(config, "lower_order_final", true, unsupported) && order != 3) {
                    notes.add(
                            "lower_order_final false has no effect: with final_sigmas_type zero the last step is first order");
                }
                if (bool(config, "euler_at_final", false, unsupported)) {
                    notes.add(
                            "euler_at_final true has no effect: with final_sigmas_type zero the last step is first order");
                }
            }
            case "UniPCMultistepScheduler" -> {
                sampler.put("type", "unipc");
                int order = integer(config, "solver_order", 2, unsupported);
                if (order < 1 || order > 3) {
                    unsupported.add("/solver_order " + order + ": 1, 2 and 3 are reproduced");
                } else if (order != 2) {
                    sampler.put("solverOrder", order);
                }
                String type = text(config, "solver_type", "bh2");
                switch (type) {
                    case "bh2" -> {}
                    case "bh1" -> sampler.put("solverType", "bh1");
                    default -> unsupported.add("/solver_type '" + type + "': bh1 and bh2 are reproduced");
                }
                JsonNode dc = config.get("disable_corrector");
                if (dc != null && !dc.isNull()) {
                    if (!dc.isArray()) {
                        unsupported.add("/disable_corrector " + dc + ": expected an array of step indices");
                    } else if (!dc.isEmpty()) {
                        ArrayNode steps = sampler.putArray("disableCorrector");
                        for (int i = 0; i < dc.size(); i++) {
                            JsonNode v = dc.get(i);
                            if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0) {
                                steps.add(v.intValue());
                            } else {
                                unsupported.add("/disable_corrector/" + i + " " + v + ": expected a step index >= 0");
                            }
                        }
                    }
                }
            }
            default -> throw new IllegalStateException(cls);
        }
        if (multistep && bool(config, "thresholding", false, unsupported)) {
            // convert_model_output: x0_pred = _threshold_sample(x0_pred), diffusers' dynamic thresholding
            sampler.put("thresholding", true);
            sampler.put("dynamicThresholdingRatio", number(config, "dynamic_thresholding_ratio", 0.995, unsupported));
            sampler.put("sampleMaxValue", number(config, "sample_max_value", 1.0, unsupported));
        } else if (multistep) {
            for (String k : List.of("dynamic_thresholding_ratio", "sample_max_value")) {
                if (config.has(k)) {
                    notes.add(k + " has no effect without thresholding");
                }
            }
        }
        boolean lu = cls.equals("DPMSolverMultistepScheduler") && bool(config, "use_lu_lambdas", false, unsupported);
        if (lu && (karras || exponential)) {
            unsupported.add(
                    "/use_lu_lambdas true: together with use_" + (karras ? "karras" : "exponential") + "_sigmas");
        } else if (lu) {
            // _convert_to_lu: λ uniform between the table's ends (ρ = 1), i.e. log σ uniform = the exponential spacing;
            // its timesteps are rounded unless the betas are squaredcos_cap_v2
            sampler.put("spacing", "exponential");
            if (!text(config, "beta_schedule", "linear").equals("squaredcos_cap_v2")) {
                sampler.put("roundModelTime", true);
            } else {
                sampler.put("truncateModelTime", true); // the int64 cast of the unrounded timesteps
            }
            if (config.has("steps_offset") && stepsOffset != 0) {
                notes.add("steps_offset has no effect with use_lu_lambdas");
            }
            return;
        }
        if (karras || exponential || beta) {
            String kind = karras ? "karras" : exponential ? "exponential" : "beta";
            if (cls.equals("EulerAncestralDiscreteScheduler") || cls.equals("PNDMScheduler")) {
                return; // not fields of these classes: already listed as unsupported
            }
            if (multistep) {
                // the full table's ends, whatever the spacing; DPMSolverMultistep rounds Karras timesteps unless the
                // betas are squaredcos_cap_v2, UniPC always; the others keep fractional timesteps, which the final
                // .to(torch.int64) truncates toward zero
                sampler.put("spacing", kind);
                boolean cosine = text(config, "beta_schedule", "linear").equals("squaredcos_cap_v2");
                if (karras && (cls.equals("UniPCMultistepScheduler") || !cosine)) {
                    sampler.put("roundModelTime", true);
                } else {
                    sampler.put("truncateModelTime", true);
                }
            } else if (spacing.equals("linspace")) {
                sampler.put("spacing", kind); // between the interpolated ends = the table's ends for linspace
            } else {
                unsupported.add(
                        "/use_" + kind + "_sigmas true with timestep_spacing '" + spacing + "': " + cls + " takes the"
                                + " ends from its spaced timesteps, reproduced only for linspace (the table's ends)");
            }
            if (config.has("steps_offset") && stepsOffset != 0) {
                notes.add("steps_offset has no effect with use_" + kind + "_sigmas");
            }
        } else if (cls.equals("PNDMScheduler")) {
            sampler.put("spacing", "schedule"); // the schedule's leading plan and its final level (set_alpha_to_one)
        } else {
            String k = multistep && !spacing.equals("trailing") ? "multistep_" + spacing : spacing;
            sampler.put("spacing", k);
            if (spacing.equals("leading")) {
                sampler.put("stepsOffset", stepsOffset);
            } else if (stepsOffset != 0) {
                notes.add("steps_offset " + stepsOffset + " has no effect with timestep_spacing " + spacing);
            }
        }
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
            bad.add("/" + k + " " + v + ": expected an integer");
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
            bad.add("/" + k + " " + v + ": expected a number");
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
            bad.add("/" + k + " " + v + ": expected true or false");
            return dflt;
        }
        return v.booleanValue();
    }
}
