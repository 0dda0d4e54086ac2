package org.diffusion4j.noise.torch;

/**
 * The Box–Muller step of PyTorch's AVX2 CPU normal kernel ({@code normal_fill_16_AVX2}), reproduced
 * operation for operation in float32.
 *
 * <p>For a block of 16 uniforms {@code d[0..16)} and each lane {@code j < 8}:
 * <pre>
 *   u1 = 1 − d[j],  u2 = d[j+8]
 *   r  = sqrt(−2 · log(u1)),  θ = fl(2π) · u2
 *   d[j] = r · cos θ,  d[j+8] = r · sin θ
 * </pre>
 * where {@code log}, {@code sin} and {@code cos} are the Cephes single-precision polynomials of
 * Pommier's {@code sse_mathfun} as ported to AVX by Garberoglio ({@code avx_mathfun.h}):
 * <ul>
 *   <li>{@code log}: {@code x = m·2^e}, {@code m ∈ [0.5, 1)}; if {@code m < √½} then {@code e −= 1},
 *   {@code m = 2m}; with {@code f = m − 1}: {@code log x ≈ f + f³·P(f) − f²/2 + e·q₁ + e·q₂}, P of
 *   degree 8, {@code q₁ + q₂ = ln 2} split for extra precision (Cephes {@code logf}).</li>
 *   <li>{@code sincos}: octant {@code j = (⌊|θ|·4/π⌋ + 1) & ~1}, reduced argument
 *   {@code x = |θ| − j·π/4} with π/4 split in three parts (Cody–Waite), then the cosine polynomial
 *   {@code 1 − x²/2 + x⁴·C(x²)} and the sine polynomial {@code x + x³·S(x²)} swapped and signed by
 *   the octant (Cephes {@code sinf}/{@code cosf}).</li>
 * </ul>
 *
 * <p>Bit-exactness needs the same roundings as the compiled kernel. The build of PyTorch this was
 * checked against (GCC with {@code -mavx2 -mfma}, default {@code -ffp-contract=fast}) contracts
 * several multiply–add pairs of {@code avx_mathfun.h} into fused multiply–adds; each such place is
 * marked "fused" below and done with {@link Math#fma}. The choice of which product is fused follows
 * the machine code of {@code libtorch_cpu} 1.13.1, and the golden vectors in the tests confirm it.
 * Constants are the float32 values the kernel loads, given as bit patterns.
 */
final class Avx2BoxMuller {

    // float32(2.0f * pi) as _mm256_set1_ps(2.0f * c10::pi<double>) rounds it: 6.2831855
    static final float TWO_PI = Float.intBitsToFloat(0x40c90fdb);

    // log256_ps constants (Cephes logf)
    private static final int MIN_NORM_POS = 0x00800000;
    private static final int INV_MANT_MASK = ~0x7f800000;
    private static final int HALF_BITS = 0x3f000000; // 0.5f
    private static final float SQRTHF = Float.intBitsToFloat(0x3f3504f3); // 0.70710677
    private static final float LOG_P0 = Float.intBitsToFloat(0x3d9021bb); //  7.0376836e-2
    private static final float LOG_P1 = Float.intBitsToFloat(0xbdebd1b8); // -1.1514610e-1
    private static final float LOG_P2 = Float.intBitsToFloat(0x3def251a); //  1.1676998e-1
    private static final float LOG_P3 = Float.intBitsToFloat(0xbdfe5d4f); // -1.2420141e-1
    private static final float LOG_P4 = Float.intBitsToFloat(0x3e11e9bf); //  1.4249323e-1
    private static final float LOG_P5 = Float.intBitsToFloat(0xbe2aae50); // -1.6668057e-1
    private static final float LOG_P6 = Float.intBitsToFloat(0x3e4cceac); //  2.0000714e-1
    private static final float LOG_P7 = Float.intBitsToFloat(0xbe7ffffc); // -2.4999994e-1
    private static final float LOG_P8 = Float.intBitsToFloat(0x3eaaaaaa); //  3.3333331e-1
    private static final float LOG_Q1 = Float.intBitsToFloat(0xb95e8083); // -2.1219444e-4
    private static final float LOG_Q2 = Float.intBitsToFloat(0x3f318000); //  0.693359375

    // sincos256_ps constants (Cephes sinf/cosf)
    private static final float FOPI = Float.intBitsToFloat(0x3fa2f983); // 4/pi = 1.2732395
    private static final float MINUS_DP1 = Float.intBitsToFloat(0xbf490000); // -0.78515625
    private static final float MINUS_DP2 = Float.intBitsToFloat(0xb97da000); // -2.4187565e-4
    private static final float MINUS_DP3 = Float.intBitsToFloat(0xb3222169); // -3.7748951e-8
    private static final float SINCOF_P0 = Float.intBitsToFloat(0xb94ca1f9); // -1.9515296e-4
    private static final float SINCOF_P1 = Float.intBitsToFloat(0x3c08839e); //  8.3321612e-3
    private static final float SINCOF_P2 = Float.intBitsToFloat(0xbe2aaaa3); // -1.6666655e-1
    private static final float COSCOF_P0 = Float.intBitsToFloat(0x37ccf5ce); //  2.4433157e-5
    private static final float COSCOF_P1 = Float.intBitsToFloat(0xbab6061a); // -1.3887316e-3
    private static final float COSCOF_P2 = Float.intBitsToFloat(0x3d2aaaa5); //  4.1666646e-2

    private Avx2BoxMuller() {}

    /** Replaces the 16 uniforms at {@code d[off..off+16)} by 16 standard normals. */
    static void transform16(float[] d, int off) {
        float[] sinCos = new float[2];
        for (int j = 0; j < 8; j++) {
            float u1 = 1.0f - d[off + j];
            float u2 = d[off + j + 8];
            float radius = (float) Math.sqrt(log(u1) * -2.0f);
            float theta = u2 * TWO_PI;
            sincos(theta, sinCos);
            // n = r·cos θ · std + mean with std = 1, mean = 0: the kernel's final fma adds +0, turning −0 into +0
            d[off + j] = radius * sinCos[1] + 0.0f;
            d[off + j + 8] = radius * sinCos[0] + 0.0f;
        }
    }

    /** {@code log256_ps} for one lane: Cephes logf, NaN for {@code x ≤ 0}. */
    static float log(float x0) {
        boolean invalid = x0 <= 0.0f;
        float x = Math.max(x0, Float.intBitsToFloat(MIN_NORM_POS)); // cut off denormals
        int bits = Float.floatToRawIntBits(x);
        int exponent = (bits >>> 23) - 0x7f;
        x = Float.intBitsToFloat((bits & INV_MANT_MASK) | HALF_BITS); // mantissa m in [0.5, 1)
        float e = (float) exponent + 1.0f;
        boolean small = x < SQRTHF;
        float tmp = small ? x : 0.0f;
        x = x - 1.0f;
        e = e - (small ? 1.0f : 0.0f);
        x = tmp + x; // f = 2m − 1 or m − 1

        float y = LOG_P0;
        y = Math.fma(x, y, LOG_P1); // fused
        y = Math.fma(x, y, LOG_P2); // fused
        y = Math.fma(x, y, LOG_P3); // fused
        y = Math.fma(x, y, LOG_P4); // fused
        y = Math.fma(x, y, LOG_P5); // fused
        y = Math.fma(x, y, LOG_P6); // fused
        y = Math.fma(x, y, LOG_P7); // fused
        y = Math.fma(x, y, LOG_P8); // fused
        float z = x * x;
        y = x * y;
        y = Math.fma(y, z, e * LOG_Q1); // fused: f³·P(f) + e·q₁
        y = Math.fma(-z, 0.5f, y); // fused: − f²/2 (z·0.5 is exact, so the same as unfused)
        x = x + y;
        float result = Math.fma(e, LOG_Q2, x); // fused: + e·q₂
        return invalid ? Float.intBitsToFloat(0xffffffff) : result; // OR with an all-ones mask: NaN
    }

    /** {@code sincos256_ps} for one lane: {@code out[0] = sin θ}, {@code out[1] = cos θ}. */
    static void sincos(float theta, float[] out) {
        int thetaBits = Float.floatToRawIntBits(theta);
        float ax = Float.intBitsToFloat(thetaBits & 0x7fffffff);
        int signSin = thetaBits & 0x80000000;

        int j = cvtt(ax * FOPI);
        j = (j + 1) & ~1; // j = (j+1) & ~1, the even octant
        float yj = (float) j;
        int swapSignSin = (j & 4) << 29;
        boolean polyMask = (j & 2) == 0;
        int signCos = (~(j - 2) & 4) << 29;

        // extended-precision reduction x = ((|θ| − j·DP1) − j·DP2) − j·DP3
        float x = Math.fma(yj, MINUS_DP1, ax); // fused
        x = Math.fma(yj, MINUS_DP2, x); // fused
        x = Math.fma(yj, MINUS_DP3, x); // fused
        signSin ^= swapSignSin;

        float z = x * x;
        // cosine polynomial 1 − z/2 + z²·(c0 z² + c1 z + c2)
        float y = Math.fma(z, COSCOF_P0, COSCOF_P1); // fused
        y = Math.fma(z, y, COSCOF_P2); // fused
        float half = z * 0.5f;
        y = z * y;
        y = Math.fma(y, z, -half); // fused: the second ·z with the subtraction of z/2
        // sine polynomial x + x·z·(s0 z² + s1 z + s2)
        float y2 = Math.fma(z, SINCOF_P0, SINCOF_P1); // fused
        y2 = Math.fma(z, y2, SINCOF_P2); // fused
        y = y + 1.0f;
        y2 = z * y2;
        y2 = Math.fma(y2, x, x); // fused

        // select by octant exactly as the kernel does with masks (adding and subtracting +0)
        float ysin2 = polyMask ? y2 : 0.0f;
        float ysin1 = polyMask ? 0.0f : y;
        float s = ysin2 + ysin1;
        float c = (y2 - ysin2) + (y - ysin1);
        out[0] = Float.intBitsToFloat(Float.floatToRawIntBits(s) ^ signSin);
        out[1] = Float.intBitsToFloat(Float.floatToRawIntBits(c) ^ signCos);
    }

    /** {@code vcvttps2dq}: truncation toward zero, 0x80000000 for NaN and out-of-range values. */
    private static int cvtt(float v) {
        if (Float.isNaN(v) || v >= 0x1p31f || v < -0x1p31f) {
            return Integer.MIN_VALUE;
        }
        return (int) v;
    }
}
