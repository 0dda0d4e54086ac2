package org.diffusion4j.onnx;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Configuration of the {@code onnx} backend, bound from JSON
 * ({@code {"type": "onnx", "device": "cuda", "intraOpThreads": 4}}); every field is optional.
 *
 * @param device         {@code cpu} (default), {@code cuda} or {@code cuda:i}; when the CUDA execution
 *                       provider is not in the onnxruntime build on the class path (the plain
 *                       {@code onnxruntime} artifact has none; {@code onnxruntime_gpu} has it) or cannot
 *                       start, the backend logs a note and uses the CPU
 * @param intraOpThreads threads one operator may use; 0 (default) keeps ONNX Runtime's choice (one per
 *                       physical core)
 * @param interOpThreads threads for running independent operators in parallel; 0 (default) keeps ONNX
 *                       Runtime's choice
 * @param optimization   graph optimisation level: {@code none}, {@code basic}, {@code extended} or
 *                       {@code all}; when absent, the system property {@code diffusion4j.onnx.optimization},
 *                       else the environment variable {@code DIFFUSION4J_ONNX_OPTIMIZATION}, else {@code all}
 *                       (the property and variable let a test run switch ONNX Runtime's fused kernels off,
 *                       as CI does to check that no tolerance depends on one kernel selection)
 * @param model          default model options for every model this backend loads (see
 *                       {@link OnnxModelOptions}); a model's own options override them key by key
 * @param spinning       whether ONNX Runtime's intra-op threads spin while waiting for work; default
 *                       {@code false}: they sleep, which gives the cores back to the sampler's host work and
 *                       to other processes (on the 2-core benchmark machine 4× faster per forward and a
 *                       loop overhead under 1 %, docs/benchmarks.md). {@code true} is ONNX Runtime's own
 *                       default, which may save the wake-up latency on an idle machine with spare cores
 */
public record OnnxConfig(
        @Nullable String device,
        @Nullable Integer intraOpThreads,
        @Nullable Integer interOpThreads,
        @Nullable String optimization,
        @Nullable Map<String, Object> model,
        @Nullable Boolean spinning) {

    /** The optimisation level used when a config names none: see {@code optimization} above. */
    static String defaultOptimization() {
        String p = System.getProperty("diffusion4j.onnx.optimization");
        if (p == null || p.isBlank()) {
            p = System.getenv("DIFFUSION4J_ONNX_OPTIMIZATION");
        }
        return p == null || p.isBlank() ? "all" : p.trim();
    }

    /** The defaults: CPU, ONNX Runtime's thread counts, all graph optimisations, no model defaults. */
    public static final OnnxConfig DEFAULT = new OnnxConfig(null, null, null, null, null, null);

    /** A configuration with the default {@code spinning} (off); see the record components. */
    public OnnxConfig(
            @Nullable String device,
            @Nullable Integer intraOpThreads,
            @Nullable Integer interOpThreads,
            @Nullable String optimization,
            @Nullable Map<String, Object> model) {
        this(device, intraOpThreads, interOpThreads, optimization, model, null);
    }

    public OnnxConfig {
        device = device == null || device.isBlank() ? "cpu" : device.trim().toLowerCase(Locale.ROOT);
        if (!device.equals("cpu") && !device.matches("cuda(:\\d+)?")) {
            throw new IllegalArgumentException("device must be 'cpu', 'cuda' or 'cuda:<index>', got '" + device + "'");
        }
        intraOpThreads = intraOpThreads == null ? 0 : intraOpThreads;
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be >= 0 (0 = ONNX Runtime's default), got " + intraOpThreads);
        }
        interOpThreads = interOpThreads == null ? 0 : interOpThreads;
        if (interOpThreads < 0) {
            throw new IllegalArgumentException(
                    "interOpThreads must be >= 0 (0 = ONNX Runtime's default), got " + interOpThreads);
        }
        optimization = OptimizationLevel.parse(optimization == null ? defaultOptimization() : optimization)
                .name()
                .toLowerCase(Locale.ROOT);
        Map<String, Object> m = new LinkedHashMap<>();
        if (model != null) {
            model.forEach((k, v) -> {
                if (v != null) {
                    m.put(k, v);
                }
            });
            OnnxModelOptions.parse(m); // fail early on unknown keys or bad values
        }
        model = java.util.Collections.unmodifiableMap(m);
        spinning = spinning != null && spinning;
    }

    /** Threads one operator may use; 0 keeps ONNX Runtime's choice. Never null: the constructor defaults it. */
    @Override
    public Integer intraOpThreads() {
        return intraOpThreads == null ? 0 : intraOpThreads;
    }

    /** Threads for independent operators; 0 keeps ONNX Runtime's choice. Never null: the constructor defaults it. */
    @Override
    public Integer interOpThreads() {
        return interOpThreads == null ? 0 : interOpThreads;
    }

    /** Graph optimisation levels of ONNX Runtime. */
    public enum OptimizationLevel {
        NONE,
        BASIC,
        EXTENDED,
        ALL;

        /** Parses {@code none}, {@code basic}, {@code extended} or {@code all}. */
        public static OptimizationLevel parse(String s) {
            for (OptimizationLevel l : values()) {
                if (l.name().equalsIgnoreCase(s.trim())) {
                    return l;
                }
            }
            throw new IllegalArgumentException(
                    "optimization must be one of none, basic, extended, all; got '" + s + "'");
        }
    }

    /** The graph optimisation level. */
    public OptimizationLevel optimizationLevel() {
        return OptimizationLevel.parse(String.valueOf(optimization));
    }

    /** The CUDA device index asked for, if the device is {@code cuda} or {@code cuda:i}. */
    public OptionalInt cudaDevice() {
        String d = String.valueOf(device);
        if (!d.startsWith("cuda")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(d.contains(":") ? Integer.parseInt(d.substring(d.indexOf(':') + 1)) : 0);
    }

    /** The default model options (never null after construction). */
    Map<String, Object> modelDefaults() {
        return model == null ? Map.of() : model;
    }

    /** This configuration with another device. */
    public OnnxConfig withDevice(String newDevice) {
        return new OnnxConfig(newDevice, intraOpThreads, interOpThreads, optimization, model, spinning);
    }

    /** This configuration with another intra-op thread count. */
    public OnnxConfig withIntraOpThreads(int threads) {
        return new OnnxConfig(device, threads, interOpThreads, optimization, model, spinning);
    }

    /** This configuration with intra-op threads that spin ({@code true}) or sleep while waiting for work. */
    public OnnxConfig withSpinning(boolean spin) {
        return new OnnxConfig(device, intraOpThreads, interOpThreads, optimization, model, spin);
    }
}
