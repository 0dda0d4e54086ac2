package org.diffusion4j.noise.torch;

/**
 * PyTorch's scalar normal sampler, {@code normal_distribution<double>}, used for float32 draws of
 * fewer than 16 elements (one value at a time, in order), each value then rounded to float.
 *
 * <p>Box–Muller in double precision with a one-value cache held by the generator:
 * <pre>
 *   if a cached value c exists: return c and clear the cache
 *   u1, u2 = two uniforms (v & (2^53 − 1)) · 2^−53, v = (r_hi &lt;&lt; 32) | r_lo from two 32-bit outputs
 *   ρ = sqrt(−2 · ln(1 − u2)),  θ = 2π · u1
 *   cache ρ · sin θ;  return ρ · cos θ
 * </pre>
 * The cache survives between calls ({@code torch.randn(5)} leaves one value for the next small draw),
 * is not touched by the vectorised path, and is cleared by re-seeding. PyTorch evaluates ln, sin and cos
 * with the C library ({@code log(1 − u2)} in 1.13); here they are glibc's double {@code log}, {@code sin}
 * and {@code cos} reproduced ({@link GlibcLog}, {@link GlibcSinCos}), so the doubles, not only the
 * floats, are PyTorch's on glibc with FMA. (PyTorch versions that write {@code log1p(−u2)} call
 * glibc's {@code log1p}, another function, not reproduced: its double differs from {@code log(1 − u2)}
 * in the last bit for about 7 % of inputs, which changes the float draw only when the double lies next
 * to a float rounding boundary, about 2^−29 of those.)
 */
final class DoubleBoxMuller {
    private static final double TWO_POW_MINUS_53 = 0x1p-53;
    private static final long MASK_53 = (1L << 53) - 1;

    private DoubleBoxMuller() {}

    /** The next standard normal of {@code g}'s scalar stream. */
    static double next(TorchGenerator g) {
        if (g.hasCachedNormal()) {
            return g.takeCachedNormal() + 0.0;
        }
        double u1 = uniform53(g.engine());
        double u2 = uniform53(g.engine());
        double rho = Math.sqrt(-2.0 * GlibcLog.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        // transformation::normal: x · std + mean with std = 1, mean = 0 (the + 0 turns −0 into +0)
        g.cacheNormal(rho * GlibcSinCos.sin(theta));
        return rho * GlibcSinCos.cos(theta) + 0.0;
    }

    /** {@code uniform_real_distribution<double>(0, 1)}: 53 bits of {@code random64()}. */
    private static double uniform53(Mt19937 engine) {
        long hi = engine.nextInt() & 0xFFFFFFFFL;
        long lo = engine.nextInt() & 0xFFFFFFFFL;
        long v = (hi << 32) | lo;
        return (v & MASK_53) * TWO_POW_MINUS_53;
    }
}
