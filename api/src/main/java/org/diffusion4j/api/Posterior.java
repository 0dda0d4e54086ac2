package org.diffusion4j.api;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The forward-process posterior q(x_{t_prev} | x_t, x0) = N(a·x0 + b·x_t, β̃ I) of one (possibly
 * strided) step of a variance-preserving diffusion, from the step's two levels alone:
 * with α_s = ᾱ_t/ᾱ_prev and β_s = 1 − α_s,
 * <pre>
 *   a  = √ᾱ_prev · β_s / (1 − ᾱ_t)             (Ho et al. 2020, eq. 7, x0 coefficient)
 *   b  = √α_s · (1 − ᾱ_prev) / (1 − ᾱ_t)        (Ho et al. 2020, eq. 7, x_t coefficient)
 *   β̃ = (1 − ᾱ_prev) / (1 − ᾱ_t) · β_s          (Ho et al. 2020, eq. 7; not β_t: docs/math.md)
 * </pre>
 * In log-SNR terms these are μ̃_{λ'|λ} and σ̃²_{λ'|λ} of Ho &amp; Salimans 2022 (arXiv 2207.12598, §2).
 * Ho et al. 2020 is arXiv 2006.11239.
 *
 * @param x0Coefficient a
 * @param xtCoefficient b
 * @param variance      β̃
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record Posterior(double x0Coefficient, double xtCoefficient, double variance) {

    /** The posterior of a step. */
    public static Posterior of(Step step) {
        Timestep t = step.current();
        Timestep p = step.previous();
        double alphaS = t.alphaBar() / p.alphaBar();
        // 1 − α_s without cancellation; at zero terminal SNR log(0) = −∞ gives β_s = 1
        double betaS = -Math.expm1(Math.log(t.alphaBar()) - Math.log(p.alphaBar()));
        double a = Math.sqrt(p.alphaBar()) * betaS / t.sigmaSquared();
        double b = Math.sqrt(alphaS) * p.sigmaSquared() / t.sigmaSquared();
        double var = p.sigmaSquared() / t.sigmaSquared() * betaS;
        return new Posterior(a, b, var);
    }

    /** μ̃ = a·x0 + b·x_t. */
    public Tensor mean(Tensor x0, Tensor xt) {
        return x0.linear(x0Coefficient, xt, xtCoefficient);
    }
}
