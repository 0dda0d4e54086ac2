package org.diffusion4j.djl;

import org.jspecify.annotations.Nullable;

/**
 * Configuration of the {@code djl} backend, bound from JSON ({@code {"type": "djl", "device": "gpu"}});
 * every field is optional.
 *
 * @param device         {@code cpu} (default), {@code gpu}, {@code gpu(i)}, {@code cuda:i} or {@code auto}
 * @param fallbackToCpu  when the GPU asked for is missing: log a warning and use the CPU (default
 *                       {@code true}), or fail
 * @param threads        PyTorch intra-op threads; 0 (default) keeps PyTorch's choice
 * @param gcThresholdMiB no longer used (default 256, must be positive): native memory is now freed by
 *                       tensor scopes, never by asking the JVM to collect; accepted so that existing
 *                       documents still bind
 * @param graphOptimizer keep PyTorch's TorchScript graph-executor optimiser on (default {@code false}:
 *                       off, so the first batch of a new shape is not slow)
 */
public record DjlConfig(
        @Nullable String device,
        @Nullable Boolean fallbackToCpu,
        @Nullable Integer threads,
        @Nullable Long gcThresholdMiB,
        @Nullable Boolean graphOptimizer) {

    private static final String DEFAULT_DEVICE = "cpu";
    private static final boolean DEFAULT_FALLBACK_TO_CPU = true;
    private static final int DEFAULT_THREADS = 0;
    private static final long DEFAULT_GC_THRESHOLD_MIB = 256L;
    private static final boolean DEFAULT_GRAPH_OPTIMIZER = false;

    /** The defaults: CPU, fall back to CPU, PyTorch's threads, 256 MiB, graph optimiser off. */
    public static final DjlConfig DEFAULT = new DjlConfig(null, null, null, null, null);

    public DjlConfig {
        if (device == null || device.isBlank()) {
            device = DEFAULT_DEVICE;
        }
        String d = device.trim().toLowerCase(java.util.Locale.ROOT);
        if (!d.equals("cpu") && !d.equals("auto") && !d.matches("(?:gpu|cuda)(?:\\(\\d+\\)|:\\d+)?")) {
            throw new IllegalArgumentException("device must be cpu, gpu, gpu(i), cuda:i or auto, got '" + device + "'");
        }
        if (fallbackToCpu == null) {
            fallbackToCpu = DEFAULT_FALLBACK_TO_CPU;
        }
        if (threads == null) {
            threads = DEFAULT_THREADS;
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 0 (0 = PyTorch's default), got " + threads);
        }
        if (gcThresholdMiB == null) {
            gcThresholdMiB = DEFAULT_GC_THRESHOLD_MIB;
        }
        if (gcThresholdMiB <= 0) {
            throw new IllegalArgumentException("gcThresholdMiB must be positive, got " + gcThresholdMiB);
        }
        if (graphOptimizer == null) {
            graphOptimizer = DEFAULT_GRAPH_OPTIMIZER;
        }
    }

    // The accessors below never return null: a component left out takes its default
    // (the compact constructor stores the same default; these only spell that out for the nullness checker).

    @Override
    public String device() {
        return device == null ? DEFAULT_DEVICE : device;
    }

    @Override
    public Boolean fallbackToCpu() {
        return fallbackToCpu == null ? DEFAULT_FALLBACK_TO_CPU : fallbackToCpu;
    }

    @Override
    public Integer threads() {
        return threads == null ? DEFAULT_THREADS : threads;
    }

    @Override
    public Long gcThresholdMiB() {
        return gcThresholdMiB == null ? DEFAULT_GC_THRESHOLD_MIB : gcThresholdMiB;
    }

    @Override
    public Boolean graphOptimizer() {
        return graphOptimizer == null ? DEFAULT_GRAPH_OPTIMIZER : graphOptimizer;
    }

    /** This configuration on another device. */
    public DjlConfig withDevice(String newDevice) {
        return new DjlConfig(newDevice, fallbackToCpu, threads, gcThresholdMiB, graphOptimizer);
    }
}
