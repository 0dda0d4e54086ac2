package org.diffusion4j.noise.torch;

/**
 * PyTorch's {@code normal_fill} for a contiguous float32 tensor of {@code n ≥ 16} elements.
 *
 * <ol>
 *   <li>Fill all {@code n} elements with uniforms {@code u = (r & (2^24 − 1)) · 2^−24 ∈ [0, 1)}, one
 *   32-bit generator output {@code r} each ({@code uniform_real_distribution<float>}).</li>
 *   <li>Transform each complete block of 16 in place, {@code d[i..i+16)} for {@code i = 0, 16, …}
 *   while {@code i < n − 15}: lanes {@code j} and {@code j+8} become the Box–Muller pair of
 *   {@code (d[i+j], d[i+j+8])}.</li>
 *   <li>If {@code n} is not a multiple of 16, refill the last 16 elements {@code d[n−16..n)} with 16
 *   fresh uniforms (discarding any normals already written there) and transform them as one more
 *   block. Such a draw consumes {@code n + 16} generator outputs, otherwise {@code n}.</li>
 * </ol>
 */
final class VectorNormalFill {
    static final int BLOCK = 16;
    private static final float TWO_POW_MINUS_24 = 0x1p-24f;

    private VectorNormalFill() {}

    /** Writes {@code n ≥ 16} normals to {@code out[off..off+n)} drawing from {@code engine}. */
    static void fill(Mt19937 engine, TorchCpuKernel kernel, float[] out, int off, int n) {
        if (n < BLOCK) {
            throw new IllegalArgumentException("the vectorised fill needs at least 16 elements, got " + n);
        }
        fillUniform(engine, out, off, n);
        for (int i = 0; i < n - (BLOCK - 1); i += BLOCK) {
            kernel.transform16(out, off + i);
        }
        if (n % BLOCK != 0) {
            int tail = off + n - BLOCK;
            fillUniform(engine, out, tail, BLOCK);
            kernel.transform16(out, tail);
        }
    }

    private static void fillUniform(Mt19937 engine, float[] out, int off, int n) {
        for (int i = off, end = off + n; i < end; i++) {
            out[i] = (engine.nextInt() & 0xFFFFFF) * TWO_POW_MINUS_24;
        }
    }
}
