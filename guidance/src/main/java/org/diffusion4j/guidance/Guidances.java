package org.diffusion4j.guidance;

import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Guidance;

/** Static factories for the built-in guidance. */
public final class Guidances {
    private Guidances() {
    }

    /** No guidance. */
    public static Guidance none() {
        return Guidance.NONE;
    }

    /** CFG with diffusers' guidance_scale γ (ε̂ = γ ε_c + (1 − γ) ε_u). */
    public static ClassifierFreeGuidance cfg(double guidanceScale) {
        return ClassifierFreeGuidance.ofGuidanceScale(guidanceScale);
    }

    /** CFG with Ho &amp; Salimans' w (ε̃ = (1 + w) ε_c − w ε_u). */
    public static ClassifierFreeGuidance cfgW(double w) {
        return ClassifierFreeGuidance.ofW(w);
    }

    /** Classifier guidance by ε-correction at scale s, usable with every sampler. */
    public static ClassifierGuidance classifier(ClassifierGradient gradient, double scale) {
        return new ClassifierGuidance(Guidance.NONE, gradient, scale, ClassifierGuidance.Placement.EPSILON);
    }

    /** Classifier guidance by DDPM mean shift at scale s (ddpm sampler only). */
    public static ClassifierGuidance classifierMeanShift(ClassifierGradient gradient, double scale) {
        return new ClassifierGuidance(Guidance.NONE, gradient, scale, ClassifierGuidance.Placement.MEAN_SHIFT);
    }

    /** Classifier guidance by ε-correction on top of another guidance (e.g. CFG). */
    public static ClassifierGuidance classifier(Guidance inner, ClassifierGradient gradient, double scale) {
        return new ClassifierGuidance(inner, gradient, scale, ClassifierGuidance.Placement.EPSILON);
    }
}
