package org.diffusion4j.samplers;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * How the σ-space samplers (Euler, Heun, DPM-Solver++, LMS, PNDM, UniPC) pick their noise levels, in the
 * variance-exploding parameterisation σ = √((1 − ᾱ)/ᾱ) of Karras et al. 2022 (arXiv 2206.00364, §2).
 * <ul>
 *   <li>{@link Kind#SCHEDULE}: the schedule's own plan (its timestep spacing, {@code steps_offset} and final
 *   level); works for continuous schedules too. The default.</li>
 *   <li>{@link Kind#KARRAS}: σ_i = (σ_max^{1/ρ} + i/(n−1)·(σ_min^{1/ρ} − σ_max^{1/ρ}))^ρ (Karras et al. eq. 5),
 *   σ_min/σ_max the discrete table's ends, then σ = 0.</li>
 *   <li>{@link Kind#EXPONENTIAL}: σ_i = exp(linspace(log σ_max, log σ_min, n)), then σ = 0.</li>
 *   <li>{@link Kind#LINSPACE}, {@link Kind#LEADING}, {@link Kind#TRAILING}: diffusers'
 *   {@code EulerDiscreteScheduler} timesteps (linspace(0, T−1, n) unrounded; round(arange(n)·T div n) + offset;
 *   round(arange(T, 0, −T/n)) − 1), σ linearly interpolated in the σ table ({@code np.interp}), then σ = 0.</li>
 *   <li>{@link Kind#MULTISTEP_LINSPACE}, {@link Kind#MULTISTEP_LEADING}: {@code DPMSolverMultistepScheduler}'s and
 *   {@code UniPCMultistepScheduler}'s linspace and leading timesteps, which divide by n + 1 and drop the last:
 *   round(linspace(0, T−1, n+1))[::-1][:-1]; (arange(n+1)·(T div (n+1)))[::-1][:-1] + offset; σ from the table,
 *   then σ = 0. (Their trailing equals {@link Kind#TRAILING}.)</li>
 * </ul>
 * <ul>
 *   <li>{@link Kind#BETA}: σ_i = σ_min + F⁻¹(1 − i/(n−1))·(σ_max − σ_min), F the Beta(0.6, 0.6) CDF (Lee et al. 2024,
 *   arXiv 2407.12173; diffusers' {@code use_beta_sigmas}), σ_min/σ_max the table's ends, then σ = 0.</li>
 * </ul>
 * Karras, exponential and beta levels get fractional model times from the table by interpolating log σ (diffusers'
 * {@code _sigma_to_t}); {@code roundModelTime} rounds them half-to-even as {@code DPMSolverMultistepScheduler} with
 * Karras σ, {@code truncateModelTime} truncates them toward zero as its final {@code int64} cast of unrounded ones.
 *
 * @param kind           the rule
 * @param rho            ρ of the Karras rule (7 in the paper)
 * @param stepsOffset    diffusers' {@code steps_offset}, for {@link Kind#LEADING}
 * @param roundModelTime    round fractional model times to integers (numpy round, half to even)
 * @param truncateModelTime truncate fractional model times toward zero (a cast to int64), after any rounding
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public record SigmaSpacing(Kind kind, double rho, int stepsOffset, boolean roundModelTime, boolean truncateModelTime) {

    /** The rules. */
    public enum Kind {
        SCHEDULE,
        KARRAS,
        EXPONENTIAL,
        LINSPACE,
        LEADING,
        TRAILING,
        MULTISTEP_LINSPACE,
        MULTISTEP_LEADING,
        BETA
    }

    /** A spacing without truncation. */
    public SigmaSpacing(Kind kind, double rho, int stepsOffset, boolean roundModelTime) {
        this(kind, rho, stepsOffset, roundModelTime, false);
    }

    public SigmaSpacing {
        if (!(rho > 0)) {
            throw new IllegalArgumentException("rho must be > 0, got " + rho);
        }
        if (stepsOffset < 0) {
            throw new IllegalArgumentException("stepsOffset must be >= 0, got " + stepsOffset);
        }
    }

    /** The schedule's own plan. */
    public static SigmaSpacing schedule() {
        return new SigmaSpacing(Kind.SCHEDULE, 7, 0, false);
    }

    /** Karras σ spacing with ρ = 7. */
    public static SigmaSpacing karras() {
        return karras(7);
    }

    /** Karras σ spacing with the given ρ. */
    public static SigmaSpacing karras(double rho) {
        return new SigmaSpacing(Kind.KARRAS, rho, 0, false);
    }

    /** Exponential (log-uniform) σ spacing. */
    public static SigmaSpacing exponential() {
        return new SigmaSpacing(Kind.EXPONENTIAL, 7, 0, false);
    }

    /** diffusers' {@code linspace}, {@code leading} (offset 0) or {@code trailing} on σ. */
    public static SigmaSpacing of(Kind kind) {
        return new SigmaSpacing(kind, 7, 0, false);
    }

    /** Beta(0.6, 0.6) σ spacing (diffusers' {@code use_beta_sigmas}). */
    public static SigmaSpacing beta() {
        return new SigmaSpacing(Kind.BETA, 7, 0, false);
    }

    /** This spacing with model times rounded to integers. */
    public SigmaSpacing rounded() {
        return new SigmaSpacing(kind, rho, stepsOffset, true, truncateModelTime);
    }

    /** This spacing with model times truncated toward zero (diffusers' int64 cast of fractional timesteps). */
    public SigmaSpacing truncated() {
        return new SigmaSpacing(kind, rho, stepsOffset, roundModelTime, true);
    }

    /** This spacing with diffusers' {@code steps_offset}. */
    public SigmaSpacing withStepsOffset(int offset) {
        return new SigmaSpacing(kind, rho, offset, roundModelTime, truncateModelTime);
    }

    /** A model time after this spacing's rounding and truncation. */
    double modelTime(double t) {
        double r = roundModelTime ? Math.rint(t) : t; // numpy round: half to even
        return truncateModelTime ? (double) (long) r : r;
    }

    /**
     * Parses {@code schedule}, {@code karras}, {@code exponential}, {@code linspace}, {@code leading}, {@code trailing},
     * {@code multistep_linspace}, {@code multistep_leading}, {@code beta}.
     */
    public static SigmaSpacing parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k.name().toLowerCase(Locale.ROOT).equals(n)) {
                return of(k);
            }
        }
        throw new IllegalArgumentException(
                "unknown sigma spacing '" + s
                        + "'; known: schedule, karras, exponential, linspace, leading, trailing, multistep_linspace, multistep_leading, beta");
    }

    @Override
    public String toString() {
        String k = kind.name().toLowerCase(Locale.ROOT);
        return k
                + (kind == Kind.KARRAS ? "(rho=" + rho + ")" : "")
                + (stepsOffset != 0 ? "(offset=" + stepsOffset + ")" : "")
                + (roundModelTime ? "(rounded)" : "")
                + (truncateModelTime ? "(truncated)" : "");
    }
}
