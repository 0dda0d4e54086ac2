package org.diffusion4j.api;

import org.apiguardian.api.API;

/**
 * One noise level of a variance-preserving diffusion: the model time handed to the network and the
 * signal and noise variances at that time, {@code x_t = alpha * x0 + sigma * eps} with
 * {@code alpha^2 = alphaBar} and {@code sigma^2 = sigmaSquared}.
 *
 * <p>Both variances are stored so that neither is computed as {@code 1 - other} where that would lose
 * precision (near {@code alphaBar = 1} for continuous schedules, near 0 for zero terminal SNR).
 *
 * @param modelTime    what the network is given as time: an integer timestep in {@code [0, T)} for
 *                     discrete schedules, λ or u for continuous ones; {@code -1} for the clean end point
 * @param alphaBar     α² = ᾱ_t, the signal variance, in [0, 1]
 * @param sigmaSquared σ² = 1 − ᾱ_t, the noise variance, in [0, 1]
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record Timestep(double modelTime, double alphaBar, double sigmaSquared) {

    /** The model time of the clean end point of a trajectory (ᾱ = 1), which no model is asked about. */
    public static final double CLEAN = -1;

    public Timestep {
        if (!(alphaBar >= 0 && alphaBar <= 1)
                || !(sigmaSquared >= 0 && sigmaSquared <= 1)
                || Math.abs(alphaBar + sigmaSquared - 1) > 1e-9) {
            throw new IllegalArgumentException(
                    "timestep " + modelTime + ": need alphaBar + sigma^2 = 1 with both in [0, 1], got alphaBar="
                            + alphaBar + ", sigma^2=" + sigmaSquared);
        }
    }

    /** The noise level with signal variance {@code alphaBar}. */
    public static Timestep ofAlphaBar(double modelTime, double alphaBar) {
        return new Timestep(modelTime, alphaBar, 1 - alphaBar);
    }

    /** The noise level of log-SNR λ: α² = sigmoid(λ), σ² = sigmoid(−λ) (Kingma et al. 2021, arXiv 2107.00630, §3.1). */
    public static Timestep ofLambda(double modelTime, double lambda) {
        return new Timestep(modelTime, sigmoid(lambda), sigmoid(-lambda));
    }

    /** The clean end point: ᾱ = 1, σ = 0. */
    public static Timestep clean() {
        return new Timestep(CLEAN, 1, 0);
    }

    /** α = √ᾱ. */
    public double alpha() {
        return Math.sqrt(alphaBar);
    }

    /** σ = √(1 − ᾱ). */
    public double sigma() {
        return Math.sqrt(sigmaSquared);
    }

    /** λ = log(α²/σ²); +∞ at the clean end, −∞ at zero terminal SNR. */
    public double lambda() {
        return Math.log(alphaBar) - Math.log(sigmaSquared);
    }

    /** A forward-process draw x_t = α·x0 + σ·ε (Ho et al. 2020, arXiv 2006.11239, eq. 4). */
    public org.diffusion4j.api.tensor.Tensor diffuse(
            org.diffusion4j.api.tensor.Tensor x0, org.diffusion4j.api.tensor.Tensor eps) {
        return x0.linear(alpha(), eps, sigma());
    }

    /** The model time as an integer timestep (for discrete schedules). */
    public long discreteTime() {
        return Math.round(modelTime);
    }

    /** Numerically stable logistic function. */
    public static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }
}
