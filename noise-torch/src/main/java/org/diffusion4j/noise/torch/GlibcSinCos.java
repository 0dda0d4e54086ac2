package org.diffusion4j.noise.torch;

/**
 * The C library's double-precision {@code sin} and {@code cos} as glibc 2.28 and later compute them
 * ({@code sysdeps/ieee754/dbl-64/s_sin.c}, IBM's Accurate Mathematical Library without its slow
 * paths since 2.28), reproduced in Java for the arguments PyTorch's scalar normal sampler gives them,
 * {@code 0 ≤ |x| < 105414350} (beyond, glibc reduces with a multi-precision {@code __branred}, which is
 * not reproduced: {@link IllegalArgumentException}). Not correctly rounded (up to 0.548 ulp).
 *
 * <p>The argument is reduced to {@code a + da} in [−π/4, π/4] (three-part π/2), then
 * {@code x = x₀ + t}, {@code x₀ = k/128}, and {@code sin}/{@code cos} combine glibc's table of
 * {@code sin x₀}, {@code cos x₀} (double-double, {@link GlibcDoubleTables#SINCOS_BITS}) with short
 * Taylor polynomials of {@code t}; below 0.126 {@code sin} is a Taylor polynomial alone.
 *
 * <p>The multiply–adds are fused exactly where x86-64's {@code __sin_fma} and {@code __cos_fma}
 * (selected on CPUs with FMA and AVX2) fuse them, read from the disassembly of Debian 12's libm (glibc
 * 2.36, GCC 12): every {@link Math#fma} below is one {@code vfmadd}/{@code vfnmadd}/{@code vfmsub}
 * there.
 */
final class GlibcSinCos {
    // usncs.h
    private static final double S1 = -0x1.5555555555555p-3;
    private static final double S2 = 0x1.1111111110ECEp-7;
    private static final double S3 = -0x1.A01A019DB08B8p-13;
    private static final double S4 = 0x1.71DE27B9A7ED9p-19;
    private static final double S5 = -0x1.ADDFFC2FCDF59p-26;
    private static final double BIG = 0x1.8000000000000p45;
    private static final double HP0 = 0x1.921FB54442D18p0;
    private static final double HP1 = 0x1.1A62633145C07p-54;
    private static final double MP1 = 0x1.921FB58000000p0;
    private static final double MP2 = -0x1.DDE973C000000p-27;
    private static final double PP3 = -0x1.CB3B398000000p-55;
    private static final double PP4 = -0x1.d747f23e32ed7p-83;
    private static final double HPINV = 0x1.45F306DC9C883p-1;
    private static final double TOINT = 0x1.8000000000000p52;
    // s_sin.c
    private static final double SN3 = -1.66666666666664880952546298448555E-01;
    private static final double SN5 = 8.33333214285722277379541354343671E-03;
    private static final double CS2 = 4.99999999999999999999950396842453E-01;
    private static final double CS4 = -4.16666666666664434524222570944589E-02;
    private static final double CS6 = 1.38888874007937613028114285595617E-03;

    private static final double[] TAB = new double[GlibcDoubleTables.SINCOS_BITS.length];

    static {
        for (int i = 0; i < TAB.length; i++) {
            TAB[i] = Double.longBitsToDouble(GlibcDoubleTables.SINCOS_BITS[i]);
        }
    }

    private GlibcSinCos() {}

    /** {@code sin(x)}. */
    static double sin(double x) {
        int k = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
        if (k < 0x3e500000) { // |x| < 2^-26
            return x;
        }
        if (k < 0x3feb6000) { // |x| < 0.855469
            return doSin(x, 0);
        }
        if (k < 0x400368fd) { // |x| < 2.426265
            double t = HP0 - Math.abs(x);
            return Math.copySign(doCos(t, HP1), x);
        }
        if (k < 0x419921FB) { // |x| < 105414350
            double[] ada = new double[2];
            int n = reduce(x, ada);
            return doSinCos(ada[0], ada[1], n);
        }
        return outOfRange(x);
    }

    /** {@code cos(x)}. */
    static double cos(double x) {
        int k = (int) (Double.doubleToRawLongBits(x) >>> 32) & 0x7fffffff;
        if (k < 0x3e400000) { // |x| < 2^-27
            return 1.0;
        }
        if (k < 0x3feb6000) {
            return doCos(x, 0);
        }
        if (k < 0x400368fd) {
            double y = HP0 - Math.abs(x);
            double a = y + HP1;
            double da = (y - a) + HP1;
            return doSin(a, da);
        }
        if (k < 0x419921FB) {
            double[] ada = new double[2];
            int n = reduce(x, ada);
            return doSinCos(ada[0], ada[1], n + 1);
        }
        return outOfRange(x);
    }

    private static double outOfRange(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.NaN;
        }
        throw new IllegalArgumentException(
                "|x| = " + Math.abs(x) + " ≥ 105414350: glibc's multi-precision " + "reduction is not reproduced");
    }

    /** {@code x − n π/2 = a + da} with {@code n mod 4} returned (reduce_sincos). */
    private static int reduce(double x, double[] ada) {
        double t = Math.fma(x, HPINV, TOINT);
        double xn = t - TOINT;
        int n = (int) Double.doubleToRawLongBits(t) & 3;
        double y = Math.fma(-xn, MP2, Math.fma(-xn, MP1, x));
        double t2 = Math.fma(-xn, PP3, y);
        double db = Math.fma(-xn, PP3, y - t2);
        double b = Math.fma(-xn, PP4, t2);
        db += Math.fma(-xn, PP4, t2 - b);
        ada[0] = b;
        ada[1] = db;
        return n;
    }

    private static double doSinCos(double a, double da, int n) {
        double r = (n & 1) != 0 ? doCos(a, da) : doSin(a, da);
        return (n & 2) != 0 ? -r : r;
    }

    /** sin(x + dx) for |x| ≤ π/4 + small. */
    private static double doSin(double x, double dx) {
        double xold = x;
        if (Math.abs(x) < 0.126) {
            double xx = x * x;
            double p = Math.fma(Math.fma(Math.fma(Math.fma(S5, xx, S4), xx, S3), xx, S2), xx, S1);
            double t = Math.fma(xx, Math.fma(p, x, -(0.5 * dx)), dx);
            return x + t;
        }
        if (x <= 0) {
            dx = -dx;
        }
        double ax = Math.abs(x);
        double u = BIG + ax;
        x = ax - (u - BIG);
        int i = (int) Double.doubleToRawLongBits(u) << 2;
        double sn = TAB[i];
        double ssn = TAB[i + 1];
        double cs = TAB[i + 2];
        double ccs = TAB[i + 3];
        double xx = x * x;
        double s = x + Math.fma(x * xx, Math.fma(xx, SN5, SN3), dx);
        double c = Math.fma(x, dx, xx * Math.fma(xx, Math.fma(xx, CS6, CS4), CS2));
        double cor = Math.fma(s, cs, Math.fma(-c, sn, Math.fma(s, ccs, ssn)));
        return Math.copySign(sn + cor, xold);
    }

    /** cos(x + dx) for |x| ≤ π/4 + small. */
    private static double doCos(double x, double dx) {
        if (x < 0) {
            dx = -dx;
        }
        double ax = Math.abs(x);
        double u = BIG + ax;
        x = ax - (u - BIG) + dx;
        int i = (int) Double.doubleToRawLongBits(u) << 2;
        double sn = TAB[i];
        double ssn = TAB[i + 1];
        double cs = TAB[i + 2];
        double ccs = TAB[i + 3];
        double xx = x * x;
        double s = Math.fma(x * xx, Math.fma(xx, SN5, SN3), x);
        double c = xx * Math.fma(xx, Math.fma(xx, CS6, CS4), CS2);
        double cor = Math.fma(-s, sn, Math.fma(-c, cs, Math.fma(-s, ssn, ccs)));
        return cs + cor;
    }
}
