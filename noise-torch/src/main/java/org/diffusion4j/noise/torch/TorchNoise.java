package org.diffusion4j.noise.torch;

import java.util.Arrays;
import java.util.Objects;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.tensor.Shape;

/**
 * Noise identical to PyTorch's CPU {@code torch.randn}, so a seed used with PyTorch or diffusers gives
 * the same starting noise and the same per-step noise here. Plugin id {@value #ID}.
 *
 * <h2>The two ways of seeding a run</h2>
 * <ul>
 *   <li>{@link #open(long, int) open(seed, B)}: <b>one</b> generator,
 *   {@code torch.Generator().manual_seed(seed)}, and every draw of the run is one
 *   {@code torch.randn((B, *sampleShape), generator=g)}: the batch is drawn as a whole, so sample
 *   {@code i}'s noise depends on the batch size. This is what diffusers does when a pipeline is given
 *   a single generator.</li>
 *   <li>{@link #openPerSample(long[]) openPerSample(seeds)}: one generator per sample,
 *   {@code manual_seed(seeds[i])}, and every draw takes {@code torch.randn((1, *sampleShape),
 *   generator=g_i)} for {@code i = 0..B−1} and concatenates them along the batch axis. This is what
 *   diffusers' {@code randn_tensor} does when given a list of generators; sample {@code i}'s noise
 *   depends only on {@code seeds[i]}.</li>
 * </ul>
 * In both, consecutive {@link NoiseStream#next} calls continue the generators exactly as consecutive
 * {@code randn} calls in Python, including the spare normal PyTorch keeps between draws of fewer than
 * 16 values. See {@link TorchGenerator} for the algorithm and the meaning of seeds.
 *
 * <p>Immutable and thread-safe; each stream belongs to one run.
 */
public final class TorchNoise implements NoiseSource {

    /** The plugin id. */
    public static final String ID = "torch-cpu";

    private static final TorchNoise AVX2 = new TorchNoise(TorchCpuKernel.AVX2);
    private static final TorchNoise DEFAULT = new TorchNoise(TorchCpuKernel.DEFAULT);

    private final TorchCpuKernel kernel;

    private TorchNoise(TorchCpuKernel kernel) {
        this.kernel = kernel;
    }

    /** Noise reproducing the {@link TorchCpuKernel#AVX2} kernel, what x86-64 machines with AVX2 run. */
    public static TorchNoise avx2() {
        return AVX2;
    }

    /** Noise reproducing the given PyTorch CPU kernel. */
    public static TorchNoise of(TorchCpuKernel kernel) {
        return switch (Objects.requireNonNull(kernel, "kernel")) {
            case AVX2 -> AVX2;
            case DEFAULT -> DEFAULT;
        };
    }

    /** The PyTorch CPU kernel reproduced for draws of 16 or more values. */
    public TorchCpuKernel kernel() {
        return kernel;
    }

    @Override
    public String id() {
        return ID;
    }

    /** One generator seeded with {@code seed} drawing each {@code [B, ...sampleShape]} tensor whole. */
    @Override
    public NoiseStream open(long seed, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("torch-cpu noise: batch size must be at least 1, got " + batchSize);
        }
        return new BatchStream(TorchGenerator.manualSeed(seed, kernel), batchSize);
    }

    /** One generator per sample, {@code seeds[i]} for sample {@code i}, each drawing {@code [1, ...sampleShape]}. */
    @Override
    public NoiseStream openPerSample(long[] seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException(
                    "torch-cpu noise: per-sample seeds must name at least one sample, got none");
        }
        TorchGenerator[] generators = new TorchGenerator[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            generators[i] = TorchGenerator.manualSeed(seeds[i], kernel);
        }
        return new PerSampleStream(generators);
    }

    @Override
    public String toString() {
        return "TorchNoise[" + kernel.id() + "]";
    }

    private static int drawSize(Shape sampleShape, int batch) {
        long n = sampleShape.size() * batch;
        if (sampleShape.size() > Integer.MAX_VALUE || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("torch-cpu noise: a draw of " + batch + " x " + sampleShape + " = " + n
                    + " values is more than a Java array holds (2^31 - 1)");
        }
        return (int) n;
    }

    /** {@code torch.randn((B, *sampleShape), generator=g)} per draw. */
    private static final class BatchStream implements NoiseStream {
        private final TorchGenerator generator;
        private final int batch;

        BatchStream(TorchGenerator generator, int batch) {
            this.generator = generator;
            this.batch = batch;
        }

        @Override
        public int batchSize() {
            return batch;
        }

        @Override
        public float[] next(Shape sampleShape) {
            float[] out = new float[drawSize(sampleShape, batch)];
            generator.randn(out, 0, out.length);
            return out;
        }

        @Override
        public String toString() {
            return "TorchNoise.BatchStream[" + generator + ", batch=" + batch + "]";
        }
    }

    /** {@code cat([torch.randn((1, *sampleShape), generator=g_i) for i], 0)} per draw. */
    private static final class PerSampleStream implements NoiseStream {
        private final TorchGenerator[] generators;

        PerSampleStream(TorchGenerator[] generators) {
            this.generators = generators;
        }

        @Override
        public int batchSize() {
            return generators.length;
        }

        @Override
        public float[] next(Shape sampleShape) {
            int per = drawSize(sampleShape, 1);
            float[] out = new float[drawSize(sampleShape, generators.length)];
            for (int i = 0; i < generators.length; i++) {
                generators[i].randn(out, i * per, per);
            }
            return out;
        }

        @Override
        public String toString() {
            return "TorchNoise.PerSampleStream" + Arrays.toString(generators);
        }
    }
}
