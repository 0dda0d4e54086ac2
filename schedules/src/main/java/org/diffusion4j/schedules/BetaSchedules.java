package org.diffusion4j.schedules;

import org.apiguardian.api.API;

/**
 * The β tables of the common discrete schedules, in double precision. Indices are 0-based:
 * {@code beta[t]} for t = 0..T−1 is the paper's β_{t+1}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class BetaSchedules {
    private BetaSchedules() {}

    /** β evenly spaced from {@code betaStart} to {@code betaEnd} (Ho et al. 2020: 1e-4 to 0.02). */
    public static double[] linear(int T, double betaStart, double betaEnd) {
        checkT(T);
        checkBeta("betaStart", betaStart);
        checkBeta("betaEnd", betaEnd);
        double[] b = new double[T];
        for (int i = 0; i < T; i++) {
            b[i] = T == 1 ? betaStart : betaStart + (betaEnd - betaStart) * i / (T - 1);
        }
        return b;
    }

    /** √β evenly spaced, then squared (diffusers' {@code scaled_linear}, Stable Diffusion's). */
    public static double[] scaledLinear(int T, double betaStart, double betaEnd) {
        checkT(T);
        checkBeta("betaStart", betaStart);
        checkBeta("betaEnd", betaEnd);
        double s0 = Math.sqrt(betaStart);
        double s1 = Math.sqrt(betaEnd);
        double[] b = new double[T];
        for (int i = 0; i < T; i++) {
            double s = T == 1 ? s0 : s0 + (s1 - s0) * i / (T - 1);
            b[i] = s * s;
        }
        return b;
    }

    /**
     * Nichol &amp; Dhariwal's cosine schedule (arXiv 2102.09672, eq. 17): ᾱ(τ) = cos²((τ + s)/(1 + s) · π/2) with s = 0.008 and
     * β_t = min(1 − ᾱ((t+1)/T)/ᾱ(t/T), 0.999) (diffusers' {@code squaredcos_cap_v2}).
     */
    public static double[] cosine(int T) {
        return cosine(T, 0.008, 0.999);
    }

    /** The cosine schedule with offset {@code s} and cap {@code maxBeta}. */
    public static double[] cosine(int T, double s, double maxBeta) {
        checkT(T);
        double[] b = new double[T];
        for (int i = 0; i < T; i++) {
            double a1 = cosineAlphaBar((double) i / T, s);
            double a2 = cosineAlphaBar((double) (i + 1) / T, s);
            b[i] = Math.min(1 - a2 / a1, maxBeta);
        }
        return b;
    }

    private static double cosineAlphaBar(double tau, double s) {
        double c = Math.cos((tau + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    /** β = sigmoid(z)·(betaEnd − betaStart) + betaStart for z evenly spaced on [−6, 6] (diffusers' {@code sigmoid}). */
    public static double[] sigmoid(int T, double betaStart, double betaEnd) {
        checkT(T);
        double[] b = new double[T];
        for (int i = 0; i < T; i++) {
            double z = T == 1 ? 0 : -6 + 12.0 * i / (T - 1);
            b[i] = 1 / (1 + Math.exp(-z)) * (betaEnd - betaStart) + betaStart;
        }
        return b;
    }

    /**
     * Rescales β so that the terminal SNR is zero (Lin et al. 2023, arXiv 2305.08891, Algorithm 1): shift √ᾱ so its last
     * value is 0, scale it so its first value is unchanged, and recover β from the new ᾱ.
     */
    public static double[] rescaleZeroTerminalSnr(double[] betas) {
        int T = betas.length;
        if (T < 2) {
            throw new IllegalArgumentException("zero-terminal-SNR rescaling needs at least 2 steps, got " + T);
        }
        double[] sqrtAb = new double[T];
        double ab = 1;
        for (int i = 0; i < T; i++) {
            ab *= 1 - betas[i];
            sqrtAb[i] = Math.sqrt(ab);
        }
        double first = sqrtAb[0];
        double last = sqrtAb[T - 1];
        double[] out = new double[T];
        double prev = 1;
        for (int i = 0; i < T; i++) {
            double s = (sqrtAb[i] - last) * first / (first - last);
            double abNew = s * s;
            out[i] = 1 - abNew / prev;
            prev = abNew;
        }
        out[T - 1] = 1; // ᾱ_T = 0 exactly
        return out;
    }

    static void checkT(int T) {
        if (T < 1) {
            throw new IllegalArgumentException("number of training timesteps must be >= 1, got " + T);
        }
    }

    static void checkBeta(String name, double b) {
        if (!(b > 0 && b < 1)) {
            throw new IllegalArgumentException(name + " must be in (0, 1), got " + b);
        }
    }
}
