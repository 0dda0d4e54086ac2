package org.diffusion4j.samplers;

import java.util.Arrays;
import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;

/**
 * What a sampler does to the predicted x̂0 before using it: nothing, clipping to [−r, r], or Imagen's
 * dynamic thresholding (Saharia et al. 2022): per sample, s = clamp(quantile_p(|x̂0|), 1, maxValue),
 * then x̂0 ← clamp(x̂0, −s, s)/s. When x̂0 changes, ε̂ is recomputed from it,
 * ε̂ = (x_t − α x̂0)/σ, so the update stays consistent (diffusers' {@code use_clipped_model_output}).
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class SampleProcessing {
    private enum Mode {
        NONE,
        CLIP,
        DYNAMIC
    }

    /** No processing. */
    public static final SampleProcessing NONE = new SampleProcessing(Mode.NONE, 0, 0, 0);

    private final Mode mode;
    private final double clipRange;
    private final double ratio;
    private final double maxValue;

    private SampleProcessing(Mode mode, double clipRange, double ratio, double maxValue) {
        this.mode = mode;
        this.clipRange = clipRange;
        this.ratio = ratio;
        this.maxValue = maxValue;
    }

    /** Clip x̂0 to [−range, range] (diffusers' {@code clip_sample}, range 1 for images in [−1, 1]). */
    public static SampleProcessing clip(double range) {
        if (!(range > 0)) {
            throw new IllegalArgumentException("clip range must be > 0, got " + range);
        }
        return new SampleProcessing(Mode.CLIP, range, 0, 0);
    }

    /** Dynamic thresholding with percentile {@code ratio} (e.g. 0.995) and cap {@code maxValue} (e.g. 1). */
    public static SampleProcessing dynamicThreshold(double ratio, double maxValue) {
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("dynamic thresholding ratio must be in (0, 1], got " + ratio);
        }
        if (!(maxValue >= 1)) {
            throw new IllegalArgumentException("dynamic thresholding maxValue must be >= 1, got " + maxValue);
        }
        return new SampleProcessing(Mode.DYNAMIC, 0, ratio, maxValue);
    }

    public boolean isNone() {
        return mode == Mode.NONE;
    }

    /** The pair (x̂0, ε̂) a sampler uses, after processing. */
    public record Estimates(Tensor x0, Tensor eps) {}

    /** x̂0 and ε̂ from a prediction, processed. */
    public Estimates apply(Prediction p) {
        Tensor x0 = p.x0();
        if (mode == Mode.NONE) {
            return new Estimates(x0, p.epsilon());
        }
        Tensor processed = mode == Mode.CLIP ? x0.clamp(-clipRange, clipRange) : threshold(x0);
        Timestep t = p.time();
        // ε̂ = (x_t − α x̂0)/σ from the processed x̂0
        return new Estimates(processed, p.x().linear(1 / t.sigma(), processed, -t.alpha() / t.sigma()));
    }

    private Tensor threshold(Tensor x0) {
        int b = x0.batchSize();
        int per = (int) (x0.size() / b);
        float[] a = x0.toFloatArray();
        double[] scale = new double[b];
        double[] bound = new double[b];
        float[] buf = new float[per];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < per; j++) {
                buf[j] = Math.abs(a[i * per + j]);
            }
            Arrays.sort(buf);
            double pos = ratio * (per - 1); // linear interpolation, as torch.quantile
            int lo = (int) Math.floor(pos);
            int hi = Math.min(per - 1, lo + 1);
            double q = buf[lo] + (pos - lo) * (buf[hi] - buf[lo]);
            double s = Math.min(maxValue, Math.max(1, q));
            bound[i] = s;
            scale[i] = 1 / s;
        }
        for (int i = 0; i < b; i++) {
            float s = (float) bound[i];
            for (int j = 0; j < per; j++) {
                int k = i * per + j;
                a[k] = Math.min(s, Math.max(-s, a[k]));
            }
        }
        return x0.factory().of(a, x0.shape()).timesPerSample(scale);
    }

    @Override
    public String toString() {
        return switch (mode) {
            case NONE -> "none";
            case CLIP -> "clip(" + clipRange + ")";
            case DYNAMIC -> "dynamicThreshold(" + ratio + ", " + maxValue + ")";
        };
    }
}
