package org.diffusion4j.noise.torch;

import static org.diffusion4j.noise.torch.GlibcDoubleTables.LN2HI;
import static org.diffusion4j.noise.torch.GlibcDoubleTables.LN2LO;
import static org.diffusion4j.noise.torch.GlibcDoubleTables.LOG_INVC;
import static org.diffusion4j.noise.torch.GlibcDoubleTables.LOG_LOGC;
import static org.diffusion4j.noise.torch.GlibcDoubleTables.LOG_POLY;
import static org.diffusion4j.noise.torch.GlibcDoubleTables.LOG_POLY1;

/**
 * The C library's double-precision natural logarithm as glibc 2.28 and later compute it
 * ({@code sysdeps/ieee754/dbl-64/e_log.c}, from Arm's optimized-routines), reproduced in Java so that
 * results agree bit for bit. It is not correctly rounded (worst error 0.519 ulp), hence the need to
 * compute it the same way rather than exactly.
 *
 * <p>Two paths. Near 1 ({@code 1 − 2^-4 ≤ x < 1 + 0x1.09p-4}): with {@code r = x − 1},
 * {@code log x = r − r²/2 + r³ P(r)}, the {@code r − r²/2} part in double-double (split of {@code r}
 * at 27 bits). Elsewhere: {@code x = 2^k z}, {@code z} in one of 128 subintervals of
 * {@code [0x1.6p-1, 0x1.6p0)} with table values {@code 1/c} and {@code log c}, {@code r = z/c − 1}
 * by one fused multiply–add, {@code log x = k ln2 + log c + r + r² Q(r)}.
 *
 * <p>The multiply–adds are fused exactly where x86-64's {@code __log_fma} (the variant glibc selects on
 * CPUs with FMA and AVX2) fuses them; they were read from the disassembly of Debian 12's libm
 * (glibc 2.36, GCC 12): every {@link Math#fma} below is one {@code vfmadd} there. The tables are glibc's
 * ({@link GlibcDoubleTables}).
 */
final class GlibcLog {
    private static final long OFF = 0x3fe6000000000000L;
    private static final long LO = Double.doubleToRawLongBits(1.0 - 0x1p-4);
    private static final long HI = Double.doubleToRawLongBits(1.0 + 0x1.09p-4);
    private static final double[] A = LOG_POLY;
    private static final double[] B = LOG_POLY1;

    private GlibcLog() {}

    /** {@code log(x)}: −∞ for ±0, NaN for negative x and NaN, +∞ for +∞. */
    static double log(double x) {
        long ix = Double.doubleToRawLongBits(x);
        int top = (int) (ix >>> 48);
        if (Long.compareUnsigned(ix - LO, HI - LO) < 0) {
            if (ix == 0x3ff0000000000000L) {
                return 0;
            }
            double r = x - 1.0;
            double r2 = r * r;
            double r3 = r * r2;
            // B[1] + r B[2] + r² B[3] + r³ (B[4] + r B[5] + r² B[6] + r³ (B[7] + r B[8] + r² B[9] + r³ B[10]))
            double t1 = Math.fma(r2, B[3], Math.fma(r, B[2], B[1]));
            double t2 = Math.fma(r2, B[6], Math.fma(r, B[5], B[4]));
            double t3 = Math.fma(r3, B[10], Math.fma(r2, B[9], Math.fma(r, B[8], B[7])));
            double p = Math.fma(Math.fma(t3, r3, t2), r3, t1);
            // r − r²/2 in double-double: rhi has 26 significant bits, so rhi² and rhi² · B[0] are exact
            double w = r * 0x1p27;
            double rhi = r + w - w;
            double rlo = r - rhi;
            w = rhi * rhi * B[0];
            double hi = r + w;
            double lo = r - hi + w;
            lo = Math.fma(B[0] * rlo, rhi + r, lo);
            double y = Math.fma(p, r3, lo);
            return hi + y;
        }
        if (top - 0x0010 >= 0x7ff0 - 0x0010 || top < 0x0010) {
            // x < 2^-1022, or x ≥ +∞, or negative, or NaN
            if (ix << 1 == 0) {
                return Double.NEGATIVE_INFINITY;
            }
            if (ix == 0x7ff0000000000000L) {
                return x;
            }
            if ((top & 0x8000) != 0 || (top & 0x7ff0) == 0x7ff0) {
                return Double.NaN;
            }
            ix = Double.doubleToRawLongBits(x * 0x1p52) - (52L << 52); // subnormal: normalise
        }
        long tmp = ix - OFF;
        int i = (int) ((tmp >>> (52 - 7)) & 127);
        int k = (int) (tmp >> 52); // arithmetic shift
        long iz = ix - (tmp & (0xfffL << 52));
        double invc = LOG_INVC[i];
        double logc = LOG_LOGC[i];
        double z = Double.longBitsToDouble(iz);
        double r = Math.fma(z, invc, -1.0);
        double kd = k;
        double w = Math.fma(kd, LN2HI, logc);
        double hi = w + r;
        double lo = Math.fma(kd, LN2LO, w - hi + r);
        double r2 = r * r;
        double r3 = r * r2;
        // lo + r² A[0] + r³ (A[1] + r A[2] + r² (A[3] + r A[4])) + hi
        double q = Math.fma(Math.fma(r, A[4], A[3]), r2, Math.fma(r, A[2], A[1]));
        double y = Math.fma(r3, q, Math.fma(r2, A[0], lo));
        return y + hi;
    }
}
