package org.diffusion4j.noise.torch;

/**
 * The C library's single-precision natural logarithm as glibc (2.27 and later) and the Arm
 * optimized-routines compute it, reproduced in Java so that float results agree bit for bit.
 *
 * <p>With {@code x = 2^k · z}, {@code z ∈ [0x3f330000, 2·0x3f330000)} (about [0.7, 1.4)) split into 16
 * subintervals by the top 4 mantissa bits, each with a point {@code c} near its centre:
 * <pre>
 *   log x = log1p(r) + log c + k · ln 2,   r = z / c − 1 = z · (1/c) − 1
 *   log1p(r) ≈ r + A₂ r² + A₁ r³ + A₀ r⁴
 * </pre>
 * evaluated in double and rounded once to float (worst error 0.82 ulp, so not always the correctly
 * rounded logarithm: hence the need to compute it the same way). The table {@code (1/c, log c)} and
 * the polynomial are glibc's {@code __logf_data} values. Multiply–adds are fused as in the builds
 * x86-64 CPUs with FMA select (glibc's {@code __logf_fma}) and aarch64 builds use.
 */
final class GlibcLogf {
    private static final int OFF = 0x3f330000;
    private static final double LN2 = 0x1.62e42fefa39efp-1;
    private static final double A0 = -0x1.00ea348b88334p-2;
    private static final double A1 = 0x1.5575b0be00b6ap-2;
    private static final double A2 = -0x1.ffffef20a4123p-2;
    private static final double[] INVC = {
        0x1.661ec79f8f3bep+0, 0x1.571ed4aaf883dp+0, 0x1.49539f0f010bp+0, 0x1.3c995b0b80385p+0,
        0x1.30d190c8864a5p+0, 0x1.25e227b0b8eap+0, 0x1.1bb4a4a1a343fp+0, 0x1.12358f08ae5bap+0,
        0x1.0953f419900a7p+0, 0x1p+0, 0x1.e608cfd9a47acp-1, 0x1.ca4b31f026aap-1,
        0x1.b2036576afce6p-1, 0x1.9c2d163a1aa2dp-1, 0x1.886e6037841edp-1, 0x1.767dcf5534862p-1,
    };
    private static final double[] LOGC = {
        -0x1.57bf7808caadep-2,
        -0x1.2bef0a7c06ddbp-2,
        -0x1.01eae7f513a67p-2,
        -0x1.b31d8a68224e9p-3,
        -0x1.6574f0ac07758p-3,
        -0x1.1aa2bc79c81p-3,
        -0x1.a4e76ce8c0e5ep-4,
        -0x1.1973c5a611cccp-4,
        -0x1.252f438e10c1ep-5,
        0x0p+0,
        0x1.aa5aa5df25984p-5,
        0x1.c5e53aa362eb4p-4,
        0x1.526e57720db08p-3,
        0x1.bc2860d22477p-3,
        0x1.1058bc8a07ee1p-2,
        0x1.4043057b6ee09p-2,
    };

    private GlibcLogf() {}

    /** {@code logf(x)}: −∞ for ±0, NaN for negative x and NaN, +∞ for +∞. */
    static float logf(float x) {
        int ix = Float.floatToRawIntBits(x);
        if (ix == 0x3f800000) {
            return 0.0f;
        }
        if (Integer.compareUnsigned(ix - 0x00800000, 0x7f800000 - 0x00800000) >= 0) {
            if (ix << 1 == 0) {
                return Float.NEGATIVE_INFINITY;
            }
            if (ix == 0x7f800000) {
                return x;
            }
            if ((ix & 0x80000000) != 0 || Integer.compareUnsigned(ix << 1, 0xff000000) >= 0) {
                return Float.NaN;
            }
            ix = Float.floatToRawIntBits(x * 0x1p23f) - (23 << 23); // subnormal: normalise
        }
        int tmp = ix - OFF;
        int i = (tmp >>> (23 - 4)) & 15; // subinterval
        int k = tmp >> 23; // exponent, arithmetic shift
        int iz = ix - (tmp & (0x1ff << 23));
        double z = Float.intBitsToFloat(iz);
        double r = Math.fma(z, INVC[i], -1.0);
        double y0 = Math.fma(k, LN2, LOGC[i]);
        double r2 = r * r;
        double y = Math.fma(A1, r, A2);
        y = Math.fma(A0, r2, y);
        y = Math.fma(y, r2, y0 + r);
        return (float) y;
    }
}
