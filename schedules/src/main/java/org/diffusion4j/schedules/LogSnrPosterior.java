package org.diffusion4j.schedules;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The continuous forward-process posterior (Ho &amp; Salimans 2022, arXiv 2207.12598, §2) for λ &lt; λ' (z_λ noisier than z_λ'):
 * <pre>
 *   q(z_λ' | z_λ, x) = N(μ̃, σ̃² I)
 *   μ̃  = e^{λ−λ'} (α_λ'/α_λ) z_λ + (1 − e^{λ−λ'}) α_λ' x
 *   σ̃² = (1 − e^{λ−λ'}) σ_λ'²
 * </pre>
 * and the forward transition variance σ²_{λ|λ'} = (1 − e^{λ−λ'}) σ_λ², whose log-space mix with σ̃²
 * is the CFG paper's reverse variance.
 *
 * @param lambda      λ (the noisier level)
 * @param lambdaPrime λ' (the cleaner level), &gt; λ
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record LogSnrPosterior(double lambda, double lambdaPrime) {

    public LogSnrPosterior {
        if (!(lambda < lambdaPrime)) {
            throw new IllegalArgumentException("need lambda < lambda', got " + lambda + " and " + lambdaPrime);
        }
    }

    private static double alphaSq(double l) {
        return org.diffusion4j.api.Timestep.sigmoid(l);
    }

    /** 1 − e^{λ−λ'}. */
    public double oneMinusRatio() {
        return -Math.expm1(lambda - lambdaPrime);
    }

    /** Coefficient of z_λ in μ̃. */
    public double zCoefficient() {
        return Math.exp(lambda - lambdaPrime) * Math.sqrt(alphaSq(lambdaPrime) / alphaSq(lambda));
    }

    /** Coefficient of x in μ̃. */
    public double xCoefficient() {
        return oneMinusRatio() * Math.sqrt(alphaSq(lambdaPrime));
    }

    /** σ̃²_{λ'|λ}. */
    public double variance() {
        return oneMinusRatio() * alphaSq(-lambdaPrime);
    }

    /** σ²_{λ|λ'} = (1 − e^{λ−λ'}) σ_λ². */
    public double forwardVariance() {
        return oneMinusRatio() * alphaSq(-lambda);
    }

    /** The CFG paper's reverse variance (σ̃²_{λ'|λ})^{1−v} (σ²_{λ|λ'})^{v}. */
    public double interpolatedVariance(double v) {
        return Math.exp((1 - v) * Math.log(variance()) + v * Math.log(forwardVariance()));
    }

    /** μ̃ for z_λ and x. */
    public Tensor mean(Tensor z, Tensor x) {
        return z.linear(zCoefficient(), x, xCoefficient());
    }
}
