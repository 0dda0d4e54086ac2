package org.diffusion4j.guidance;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.apiguardian.api.API;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.GuidanceContext;
import org.diffusion4j.api.Guided;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.tensor.Tensor;

/**
 * Classifier-free guidance (Ho &amp; Salimans 2022). The three parameterisations in the literature are
 * one family (docs/math.md); this class stores diffusers' γ:
 * <pre>
 *   γ  (diffusers' guidance_scale):                ε̂ = γ ε_c + (1 − γ) ε_u
 *   w  (Ho &amp; Salimans, arXiv 2207.12598, §3.2): ε̃ = (1 + w) ε_c − w ε_u      (γ = 1 + w)
 *   w' (GLIDE, arXiv 2112.10741, §2.3):            ε̄ = ε_u + w' (ε_c − ε_u)    (γ = w')
 * </pre>
 * γ = 1 is the conditional model, γ = 0 the unconditional one. The combination is applied to the
 * model's native output (ε, x0 or v alike: the conversions are affine in the output, so the result is
 * the same guided ε̂).
 *
 * <p>Options: the {@link Batching} policy (by default cond and uncond run as ONE predictor call of 2B;
 * {@link Batching#AUTO} falls back to two calls when the model has a fixed batch size that does not fit),
 * guidance rescale φ (Lin et al. 2023, arXiv 2305.08891, §3.4: ε ← φ·ε·std(ε_c)/std(ε) + (1 − φ)·ε, std per sample), and a
 * window [start, stop) of trajectory progress outside which only the conditional model is evaluated.
 * At γ = 1 (without rescale) only the conditional half and at γ = 0 only the unconditional half is
 * evaluated: the other half has weight 0.
 * Immutable and thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ClassifierFreeGuidance implements Guidance {

    /** How cond and uncond are evaluated. */
    public enum Batching {
        /** One call with the batch [x; x] of 2B and conditions [c; ∅]. */
        CONCAT,
        /** Two calls of B. */
        SEQUENTIAL,
        /** CONCAT unless the model has a fixed batch size other than 2B. */
        AUTO;

        public static Batching parse(String s) {
            for (Batching b : values()) {
                if (b.name().equalsIgnoreCase(s.trim())) {
                    return b;
                }
            }
            throw new IllegalArgumentException("unknown CFG batching '" + s + "'; known: concat, sequential, auto");
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final double gamma;
    private final Batching batching;
    private final double rescale;
    private final double windowStart;
    private final double windowStop;

    private ClassifierFreeGuidance(
            double gamma, Batching batching, double rescale, double windowStart, double windowStop) {
        if (!(gamma >= 0) || !Double.isFinite(gamma)) {
            throw new IllegalArgumentException("CFG guidance scale gamma must be finite and >= 0 (gamma = 1 + w >= 0,"
                    + " i.e. w >= -1), got " + gamma);
        }
        if (!(rescale >= 0 && rescale <= 1)) {
            throw new IllegalArgumentException("CFG guidance rescale phi must be in [0, 1], got " + rescale);
        }
        if (!(windowStart >= 0 && windowStart < windowStop && windowStop <= 1)) {
            throw new IllegalArgumentException(
                    "CFG window needs 0 <= start < stop <= 1, got [" + windowStart + ", " + windowStop + ")");
        }
        this.gamma = gamma;
        this.batching = batching;
        this.rescale = rescale;
        this.windowStart = windowStart;
        this.windowStop = windowStop;
    }

    /** CFG with diffusers' {@code guidance_scale} γ. */
    public static ClassifierFreeGuidance ofGuidanceScale(double gamma) {
        return new ClassifierFreeGuidance(gamma, Batching.AUTO, 0, 0, 1);
    }

    /** CFG with Ho &amp; Salimans' w (γ = 1 + w). */
    public static ClassifierFreeGuidance ofW(double w) {
        if (!(w >= -1)) {
            throw new IllegalArgumentException("Ho & Salimans w must be >= -1, got " + w);
        }
        return ofGuidanceScale(1 + w);
    }

    /** CFG with GLIDE's scale w' (arXiv 2112.10741, §2.3; γ = w'). */
    public static ClassifierFreeGuidance ofWPrime(double wPrime) {
        return ofGuidanceScale(wPrime);
    }

    /** This guidance with another batching policy. */
    public ClassifierFreeGuidance withBatching(Batching b) {
        return new ClassifierFreeGuidance(gamma, b, rescale, windowStart, windowStop);
    }

    /** This guidance with rescale φ ∈ [0, 1]. */
    public ClassifierFreeGuidance withRescale(double phi) {
        return new ClassifierFreeGuidance(gamma, batching, phi, windowStart, windowStop);
    }

    /** This guidance applied only while the step's progress is in [start, stop). */
    public ClassifierFreeGuidance withWindow(double start, double stop) {
        return new ClassifierFreeGuidance(gamma, batching, rescale, start, stop);
    }

    /** γ (diffusers' guidance_scale). */
    public double guidanceScale() {
        return gamma;
    }

    /** Ho &amp; Salimans' w = γ − 1. */
    public double w() {
        return gamma - 1;
    }

    public Batching batching() {
        return batching;
    }

    public double rescale() {
        return rescale;
    }

    public double windowStart() {
        return windowStart;
    }

    public double windowStop() {
        return windowStop;
    }

    /** Whether the given model would be called once (2B) or twice (B each) for a batch of B. */
    public boolean usesOneCall(OptionalInt fixedBatch, int batch) {
        return switch (batching) {
            case CONCAT -> true;
            case SEQUENTIAL -> false;
            case AUTO -> fixedBatch.isEmpty() || fixedBatch.getAsInt() == 2 * batch;
        };
    }

    @Override
    public Guided guide(GuidanceContext ctx) {
        Tensor x = ctx.x();
        Conditions cond = ctx.conditions();
        double progress = ctx.step().progress();
        if (progress < windowStart || progress >= windowStop) {
            return Guided.of(ctx.predict(x, cond)); // outside the window: the conditional model alone
        }
        if (gamma == 1 && rescale == 0) {
            return Guided.of(ctx.predict(x, cond)); // γ ε_c + 0·ε_u: the conditional model alone
        }
        int b = x.batchSize();
        Conditions uncond = Conditions.unconditional(b);
        if (gamma == 0) {
            return Guided.of(ctx.predict(x, uncond)); // 0·ε_c + ε_u: the unconditional model alone
        }
        Tensor epsC;
        Tensor epsU;
        Prediction pc;
        if (usesOneCall(ctx.predictor().fixedBatchSize(), b)) {
            Tensor both = x.factory().concat(List.of(x, x));
            Prediction p = ctx.predict(both, cond.concat(uncond));
            epsC = p.value().slice(0, b);
            epsU = p.value().slice(b, 2 * b);
            pc = new Prediction(p.type(), epsC, x, p.time());
        } else {
            pc = ctx.predict(x, cond);
            epsC = pc.value();
            epsU = ctx.predict(x, uncond).value();
        }
        Tensor guided = epsC.linear(gamma, epsU, 1 - gamma); // γ ε_c + (1 − γ) ε_u
        if (rescale > 0) {
            guided = rescale(guided, epsC);
        }
        return Guided.of(pc.withValue(guided));
    }

    /** Lin et al. 2023 (arXiv 2305.08891), §3.4, with per-sample standard deviations. */
    private Tensor rescale(Tensor guided, Tensor cond) {
        double[] sg = stdPerSample(guided);
        double[] sc = stdPerSample(cond);
        double[] f = new double[sg.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = sg[i] == 0 ? 1 : sc[i] / sg[i];
        }
        return guided.timesPerSample(f).linear(rescale, guided, 1 - rescale);
    }

    /**
     * The standard deviation of each sample (unbiased, as {@code torch.std}), reduced in double from the tensor's own
     * elements: m = Σx/n by the tensor's {@code sum()} (accumulated in double), then √(‖x − m‖²/(n − 1)) by its
     * {@code norm()} (accumulated in double) of the centred sample, centred in the tensor's precision. A float64
     * tensor is therefore never rounded to float32 (relative error ~1e-15 against a float64 reference); a float32
     * tensor's centred values round once more (relative ≤ u₃₂ each), below its own data's precision.
     */
    static double[] stdPerSample(Tensor t) {
        int b = t.batchSize();
        long per = t.size() / b;
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            Tensor s = t.slice(i, i + 1);
            double m = s.sum() / per;
            double norm = s.minus(m).norm();
            out[i] = norm / Math.sqrt(Math.max(1, per - 1));
        }
        return out;
    }

    @Override
    public String describe() {
        return "cfg(guidanceScale=" + gamma + ", batching=" + batching.label()
                + (rescale > 0 ? ", rescale=" + rescale : "")
                + (windowStart > 0 || windowStop < 1 ? ", window=[" + windowStart + ", " + windowStop + ")" : "") + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
