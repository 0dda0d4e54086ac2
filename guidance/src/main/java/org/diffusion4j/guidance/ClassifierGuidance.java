package org.diffusion4j.guidance;

import java.util.Locale;
import org.apiguardian.api.API;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.GuidanceContext;
import org.diffusion4j.api.Guided;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.tensor.Tensor;

/**
 * Classifier guidance (Dhariwal &amp; Nichol 2021) with any {@link ClassifierGradient} g = ∇_{x_t} log p(y | x_t),
 * in one of two placements (docs/math.md):
 * <ul>
 *   <li>{@link Placement#EPSILON}: ε̂ = ε − s·σ_t·g (arXiv 2105.05233, §4.2 and Algorithm 2), usable with every sampler;</li>
 *   <li>{@link Placement#MEAN_SHIFT}: the DDPM posterior mean becomes μ + s·Σ·g (Algorithm 1; only ancestral
 *   DDPM applies it, other samplers refuse it).</li>
 * </ul>
 * It wraps an inner guidance: normally {@link Guidance#UNCONDITIONAL} (the classifier steers p(x), as in
 * Dhariwal &amp; Nichol), or CFG, so CFG and classifier guidance compose in one run (with exact scores,
 * CFG at γ plus classifier guidance at s is CFG at γ + s).
 * Gradients come from {@code Backend.loadClassifier}: a backend without the GRADIENTS capability refuses
 * a logits classifier there, with a message saying so. Immutable and thread-safe when the gradient is.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ClassifierGuidance implements Guidance {

    /** Where the gradient enters. */
    public enum Placement {
        EPSILON,
        MEAN_SHIFT;

        public static Placement parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
                case "epsilon", "eps" -> EPSILON;
                case "mean_shift", "mean" -> MEAN_SHIFT;
                default ->
                    throw new IllegalArgumentException(
                            "unknown classifier-guidance placement '" + s + "'; known: epsilon, mean_shift");
            };
        }
    }

    private final Guidance inner;
    private final ClassifierGradient gradient;
    private final double scale;
    private final Placement placement;

    /**
     * @param inner     the guidance whose prediction is corrected ({@link Guidance#UNCONDITIONAL} for the
     *                  unconditional model, {@link Guidance#NONE} for the model under the requested conditions)
     * @param gradient  ∇ log p(y | x_t)
     * @param scale     s ≥ 0
     * @param placement ε-correction or mean shift
     */
    public ClassifierGuidance(Guidance inner, ClassifierGradient gradient, double scale, Placement placement) {
        if (!(scale >= 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("classifier guidance scale s must be finite and >= 0, got " + scale);
        }
        this.inner = inner;
        this.gradient = gradient;
        this.scale = scale;
        this.placement = placement;
    }

    public double scale() {
        return scale;
    }

    public Placement placement() {
        return placement;
    }

    public Guidance inner() {
        return inner;
    }

    @Override
    public boolean usesMeanShift() {
        return placement == Placement.MEAN_SHIFT || inner.usesMeanShift();
    }

    @Override
    public Guided guide(GuidanceContext ctx) {
        Guided base = inner.guide(ctx);
        if (scale == 0) {
            return base;
        }
        Tensor g = gradient.gradLogProb(ctx.x(), ctx.time(), ctx.conditions());
        if (!g.shape().equals(ctx.x().shape())) {
            throw new IllegalStateException("classifier gradient has shape " + g.shape() + ", expected "
                    + ctx.x().shape());
        }
        if (placement == Placement.MEAN_SHIFT) {
            return base.plusMeanShift(g.times(scale));
        }
        Prediction p = base.prediction();
        Tensor eps = p.epsilon().linear(1, g, -scale * ctx.time().sigma()); // ε̂ = ε − s σ_t ∇ log p(y|x_t)
        return new Guided(new Prediction(PredictionType.EPSILON, eps, p.x(), p.time()), base.meanShift());
    }

    @Override
    public String describe() {
        return "classifier(scale=" + scale + ", placement=" + placement.name().toLowerCase(Locale.ROOT)
                + (inner == Guidance.UNCONDITIONAL ? "" : ", inner=" + inner.describe()) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
