package org.diffusion4j.guidance;

import org.apiguardian.api.API;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Guidance;

/** Static factories for the built-in guidance. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Guidances {
    private Guidances() {}

    /** No guidance. */
    public static Guidance none() {
        return Guidance.NONE;
    }

    /** The unconditional model (predictions under ∅ whatever the requested conditions). */
    public static Guidance unconditional() {
        return Guidance.UNCONDITIONAL;
    }

    /** CFG with diffusers' guidance_scale γ (ε̂ = γ ε_c + (1 − γ) ε_u). */
    public static ClassifierFreeGuidance cfg(double guidanceScale) {
        return ClassifierFreeGuidance.ofGuidanceScale(guidanceScale);
    }

    /** CFG with Ho &amp; Salimans' w (ε̃ = (1 + w) ε_c − w ε_u). */
    public static ClassifierFreeGuidance cfgW(double w) {
        return ClassifierFreeGuidance.ofW(w);
    }

    /**
     * Classifier guidance by ε-correction at scale s on the unconditional model, usable with every
     * sampler: ε̂ = ε_θ(x_t, ∅) − s σ_t ∇log p(y|x_t). With exact scores this equals CFG at γ = s.
     */
    public static ClassifierGuidance classifier(ClassifierGradient gradient, double scale) {
        return new ClassifierGuidance(Guidance.UNCONDITIONAL, gradient, scale, ClassifierGuidance.Placement.EPSILON);
    }

    /** Classifier guidance by DDPM mean shift at scale s on the unconditional model (ddpm sampler only). */
    public static ClassifierGuidance classifierMeanShift(ClassifierGradient gradient, double scale) {
        return new ClassifierGuidance(Guidance.UNCONDITIONAL, gradient, scale, ClassifierGuidance.Placement.MEAN_SHIFT);
    }

    /** Classifier guidance by ε-correction on top of another guidance (e.g. CFG). */
    public static ClassifierGuidance classifier(Guidance inner, ClassifierGradient gradient, double scale) {
        return new ClassifierGuidance(inner, gradient, scale, ClassifierGuidance.Placement.EPSILON);
    }
}
