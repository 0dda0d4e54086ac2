package org.diffusion4j.djl.train;

import org.diffusion4j.api.noise.SdkNoise;

/**
 * Classifier-free training's condition dropout (Ho &amp; Salimans 2022, Algorithm 1): each label is
 * replaced by the null class ∅ (index K) independently with probability p_uncond, so one network learns
 * both ε(x_t, t, y) and ε(x_t, t, ∅).
 */
final class ConditionDropout {

    private ConditionDropout() {}

    /**
     * Replaces labels in place.
     *
     * @param classes   class indices, changed in place
     * @param pUncond   p_uncond ∈ [0, 1]
     * @param nullClass K, the index of ∅
     * @param rng       one uniform draw per label
     * @return how many labels were dropped
     */
    public static int apply(int[] classes, double pUncond, int nullClass, SdkNoise.Normal rng) {
        int dropped = 0;
        for (int i = 0; i < classes.length; i++) {
            if (rng.nextUniform() < pUncond) {
                classes[i] = nullClass;
                dropped++;
            }
        }
        return dropped;
    }
}
