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
 * with the C library (1.13 writes {@code log(1 − u2)}, later versions {@code log1p(−u2)}: the same
 * value, as {@code 1 − u2} is exact); here they are {@link StrictMath}'s fdlibm functions. Both are
 * accurate to within one double ulp, so the float results agree unless an exact double lands within an
 * ulp of a float rounding boundary (odds about 2^−28 per value).
 */
final class DoubleBoxMuller {
    private static final double TWO_POW_MINUS_53 = 0x1p-53;
    private static final long MASK_53 = (1L << 53) - 1;

    private DoubleBoxMuller() {
    }

    /** The next standard normal of {@code g}'s scalar stream. */
    static double next(TorchGenerator g) {
        if (g.hasCachedNormal()) {
            return g.takeCachedNormal() + 0.0;
        }
        double u1 = uniform53(g.engine());
        double u2 = uniform53(g.engine());
        double rho = Math.sqrt(-2.0 * StrictMath.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        // transformation::normal: x · std + mean with std = 1, mean = 0 (the + 0 turns −0 into +0)
        g.cacheNormal(rho * StrictMath.sin(theta));
        return rho * StrictMath.cos(theta) + 0.0;
    }

    /** {@code uniform_real_distribution<double>(0, 1)}: 53 bits of {@code random64()}. */
    private static double uniform53(Mt19937 engine) {
        long hi = engine.nextInt() & 0xFFFFFFFFL;
        long lo = engine.nextInt() & 0xFFFFFFFFL;
        long v = (hi << 32) | lo;
        return (v & MASK_53) * TWO_POW_MINUS_53;
    }
}
