package org.diffusion4j.noise.torch;

import java.util.Arrays;
import java.util.Objects;

/**
 * A PyTorch CPU generator: {@code TorchGenerator.manualSeed(s).randn(shape)} returns the float32 values
 * of {@code torch.randn(shape, generator=torch.Generator().manual_seed(s))}, bit for bit, and further
 * calls continue the generator exactly as further {@code torch.randn} calls on the same Python generator.
 *
 * <pre>{@code
 * TorchGenerator g = TorchGenerator.manualSeed(42);
 * float[] x = g.randn(2, 4, 8, 8);   // torch.randn(2, 4, 8, 8, generator=g), row-major
 * float[] eps = g.randn(2, 4, 8, 8); // the next call on the same generator
 * }</pre>
 *
 * <h2>Seeds</h2>
 * The seed is a 64-bit pattern: a negative {@code long} means the unsigned value with the same bits,
 * as PyTorch reads negative Python seeds ({@code manual_seed(-1)} equals {@code manual_seed(2**64 - 1)}).
 * Only the low 32 bits reach MT19937 ({@link #initialSeed()} keeps all 64), so seeds that are equal
 * modulo 2^32 give the same numbers, in PyTorch as here.
 *
 * <h2>Algorithm</h2>
 * A draw of {@code n = prod(shape)} values uses PyTorch's vectorised fill ({@code VectorNormalFill})
 * when {@code n ≥ 16}, and otherwise {@code n} calls of the scalar double Box–Muller
 * ({@code DoubleBoxMuller}), which keeps a spare normal in the generator between calls. The vectorised
 * result depends on PyTorch's CPU kernel ({@link TorchCpuKernel}); {@link TorchCpuKernel#AVX2} is the
 * one x86-64 machines with AVX2 run.
 *
 * <p>Not thread-safe: one generator belongs to one thread, like a {@code torch.Generator} used from one
 * Python thread. {@link #copy()} forks an independent generator in the same state.
 */
public final class TorchGenerator {
    private final long seed;
    private final TorchCpuKernel kernel;
    private final Mt19937 engine;
    private double cachedNormal;
    private boolean hasCachedNormal;

    private TorchGenerator(long seed, TorchCpuKernel kernel, Mt19937 engine) {
        this.seed = seed;
        this.kernel = kernel;
        this.engine = engine;
    }

    /** {@code torch.Generator().manual_seed(seed)}, reproducing the {@link TorchCpuKernel#AVX2} kernel. */
    public static TorchGenerator manualSeed(long seed) {
        return manualSeed(seed, TorchCpuKernel.AVX2);
    }

    /** {@code torch.Generator().manual_seed(seed)}, reproducing the given CPU kernel for large draws. */
    public static TorchGenerator manualSeed(long seed, TorchCpuKernel kernel) {
        return new TorchGenerator(seed, Objects.requireNonNull(kernel, "kernel"), new Mt19937(seed));
    }

    /** The seed as given ({@code Generator.initial_seed()}, a 64-bit pattern). */
    public long initialSeed() {
        return seed;
    }

    /** The CPU kernel reproduced for draws of 16 or more values. */
    public TorchCpuKernel kernel() {
        return kernel;
    }

    /**
     * {@code torch.randn(shape, generator=this)}: {@code prod(shape)} standard normals in row-major
     * order. An empty shape is a scalar (one value), as in PyTorch.
     *
     * @throws IllegalArgumentException for a negative dimension or more than 2^31 − 1 elements
     */
    public float[] randn(int... shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException("randn: shape " + Arrays.toString(shape)
                        + " has a negative dimension " + shape[i] + " at index " + i);
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("randn: shape " + Arrays.toString(shape)
                        + " has more elements than a Java array holds (2^31 - 1)");
            }
        }
        float[] out = new float[(int) n];
        randn(out, 0, out.length);
        return out;
    }

    /**
     * One {@code torch.randn} call of {@code count} values written to {@code out[offset, offset + count)}.
     * The values depend on {@code count} (below 16 the scalar sampler, otherwise the vectorised fill),
     * so one call of {@code 2n} values differs from two calls of {@code n}, as in PyTorch.
     *
     * @throws IndexOutOfBoundsException if the range does not fit in {@code out}
     */
    public void randn(float[] out, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, out.length);
        if (count >= VectorNormalFill.BLOCK) {
            VectorNormalFill.fill(engine, kernel, out, offset, count);
        } else {
            for (int i = 0; i < count; i++) {
                out[offset + i] = (float) DoubleBoxMuller.next(this);
            }
        }
    }

    /** An independent generator in exactly this state (like {@code Generator.clone_state()}). */
    public TorchGenerator copy() {
        TorchGenerator g = new TorchGenerator(seed, kernel, engine.copy());
        g.cachedNormal = cachedNormal;
        g.hasCachedNormal = hasCachedNormal;
        return g;
    }

    Mt19937 engine() {
        return engine;
    }

    boolean hasCachedNormal() {
        return hasCachedNormal;
    }

    double takeCachedNormal() {
        hasCachedNormal = false;
        return cachedNormal;
    }

    void cacheNormal(double value) {
        cachedNormal = value;
        hasCachedNormal = true;
    }

    @Override
    public String toString() {
        return "TorchGenerator[seed=" + Long.toUnsignedString(seed) + ", kernel=" + kernel.id() + "]";
    }
}
