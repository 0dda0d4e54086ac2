package org.diffusion4j.djl.train;

import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;

/**
 * Per-sample loss weights. Plain L_simple (Ho et al. 2020, arXiv 2006.11239, eq. 14) weighs every sample 1. Min-SNR-γ
 * (Hang et al. 2023) clamps the signal-to-noise ratio SNR = α²/σ² at γ and expresses the weight for
 * the network's target: ε-target min(SNR, γ)/SNR, x0-target min(SNR, γ), v-target min(SNR, γ)/(SNR + 1).
 */
final class LossWeighting {

    private LossWeighting() {}

    /**
     * The weight of one sample.
     *
     * @param gamma γ; 0 means plain L_simple (weight 1)
     */
    public static double weight(PredictionType target, Timestep t, double gamma) {
        if (gamma <= 0) {
            return 1;
        }
        double snr = t.alphaBar() / t.sigmaSquared();
        if (Double.isInfinite(snr)) {
            return target == PredictionType.SAMPLE ? gamma : 0;
        }
        double clipped = Math.min(snr, gamma);
        return switch (target) {
            case EPSILON -> snr == 0 ? 1 : clipped / snr;
            case SAMPLE -> clipped;
            case V -> clipped / (snr + 1);
        };
    }

    /**
     * The regression target for x_t = α x0 + σ ε: ε, x0, or v = α ε − σ x0 (Salimans &amp; Ho 2022).
     * Returns coefficients (c_x0, c_ε) with target = c_x0 · x0 + c_ε · ε.
     */
    public static double[] targetCoefficients(PredictionType target, Timestep t) {
        return switch (target) {
            case EPSILON -> new double[] {0, 1};
            case SAMPLE -> new double[] {1, 0};
            case V -> new double[] {-t.sigma(), t.alpha()};
        };
    }
}
