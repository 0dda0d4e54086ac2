package org.diffusion4j.noise.torch;

/**
 * The C library's single-precision {@code sincosf} as glibc (2.28 and later) and the Arm
 * optimized-routines compute it, for arguments {@code |θ| < 120} (Box–Muller only needs [0, 2π)).
 *
 * <ul>
 *   <li>{@code |θ| < π/4} (by the top 12 bits of the float): no reduction, {@code n = 0}; below
 *   2^−12 the result is {@code (θ, 1)}.</li>
 *   <li>Otherwise the quadrant {@code n = round(θ · 2/π)} and {@code x = θ − n·π/2} in double (one
 *   multiply–subtract; {@code π/2} as a double is accurate enough below 120), with sine sign
 *   {@code (+, −, −, +)[n & 3]} applied to {@code x}, and the cosine polynomial negated when
 *   {@code n & 2}.</li>
 *   <li>{@code sin x ≈ x + s₁x³ + x⁵(s₂ + s₃x²)}, {@code cos x ≈ c₀ + c₁x² + c₂x⁴ + x⁶(c₃ + c₄x²)},
 *   swapped when {@code n} is odd, each rounded once to float.</li>
 * </ul>
 * Constants are glibc's {@code __sincosf_table}; multiply–adds are fused as in the FMA builds (x86-64
 * {@code __sincosf_fma}, aarch64).
 */
final class GlibcSincosf {
    private static final double HPI_INV_2_24 = 0x1.45F306DC9C883p+23; // 2/π · 2^24
    private static final double HPI = 0x1.921FB54442D18p0; // π/2
    private static final double S1 = -0x1.555545995a603p-3;
    private static final double S2 = 0x1.1107605230bc4p-7;
    private static final double S3 = -0x1.994eb3774cf24p-13;
    // cosine polynomial; the table's second entry is its negation (n & 2)
    private static final double C0 = 0x1p0;
    private static final double C1 = -0x1.ffffffd0c621cp-2;
    private static final double C2 = 0x1.55553e1068f19p-5;
    private static final double C3 = -0x1.6c087e89a359dp-10;
    private static final double C4 = 0x1.99343027bf8c3p-16;
    private static final double[] SIGN = {1.0, -1.0, -1.0, 1.0};

    private static final int TOP12_PIO4 = 0x3f4; // abstop12((float) π/4)
    private static final int TOP12_TINY = 0x398; // abstop12(0x1p-12f)
    private static final int TOP12_LIMIT = 0x42f; // abstop12(120.0f)

    private GlibcSincosf() {}

    /** {@code sin θ} and {@code cos θ} as {@code sincosf} returns them, in {@code out[0]} and {@code out[1]}. */
    static void sincosf(float theta, float[] out) {
        int top12 = (Float.floatToRawIntBits(theta) >>> 20) & 0x7ff;
        double x = theta;
        if (top12 < TOP12_PIO4) {
            if (top12 < TOP12_TINY) {
                out[0] = theta;
                out[1] = 1.0f;
                return;
            }
            poly(x, x * x, 1.0, 0, out);
            return;
        }
        if (top12 >= TOP12_LIMIT) {
            throw new IllegalArgumentException("sincosf is reproduced for |theta| < 120 only, got " + theta);
        }
        // reduce_fast without round-to-int instructions: the quadrant ends up in bits 24..31
        double r = x * HPI_INV_2_24;
        int n = ((int) r + 0x800000) >> 24;
        x = Math.fma(-n, HPI, x);
        double s = SIGN[n & 3];
        double cosSign = (n & 2) != 0 ? -1.0 : 1.0;
        double xs = x * s;
        poly(xs, x * x, cosSign, n, out);
    }

    /** {@code sincosf_poly}: sine and cosine polynomials, swapped for odd quadrants. */
    private static void poly(double x, double x2, double cosSign, int n, float[] out) {
        double c0 = cosSign * C0;
        double c1 = cosSign * C1;
        double c2 = cosSign * C2;
        double c3 = cosSign * C3;
        double c4 = cosSign * C4;
        double x4 = x2 * x2;
        double x3 = x2 * x;
        double c2p = Math.fma(x2, c4, c3);
        double s1 = Math.fma(x2, S3, S2);
        double c1p = Math.fma(x2, c1, c0);
        double x5 = x3 * x2;
        double x6 = x4 * x2;
        double s = Math.fma(x3, S1, x);
        double c = Math.fma(x4, c2, c1p);
        float sin = (float) Math.fma(x5, s1, s);
        float cos = (float) Math.fma(x6, c2p, c);
        if ((n & 1) != 0) {
            out[0] = cos;
            out[1] = sin;
        } else {
            out[0] = sin;
            out[1] = cos;
        }
    }
}
