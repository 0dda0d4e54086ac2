package org.diffusion4j.samplers;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A model with a learned variance (Nichol &amp; Dhariwal 2021, arXiv 2102.09672, §3.1; the guided-diffusion and
 * DeepFloyd IF models): for a state of shape {@code [B, C, …]} it returns {@code [B, 2·C, …]}, the prediction of its
 * {@link PredictionType} in channels {@code [0, C)} and the variance values v in {@code [C, 2C)} (diffusers'
 * {@code torch.split(model_output, sample.shape[1], dim=1)}). Wraps such a predictor for one sampling run: guidance
 * sees only the prediction channels; the variance values of the current step are kept from the conditional
 * prediction (the first call whose conditions begin with the request's, as diffusers' IF pipeline keeps the
 * text-conditioned variance under classifier-free guidance), or, when a step asks the model only otherwise, from
 * its first call. Not thread-safe: one instance per run.
 */
final class LearnedVarianceOutput implements NoisePredictor {
    private final NoisePredictor model;
    private final Conditions conditions;
    private final String what;
    private @Nullable Tensor values;
    private boolean conditional;

    LearnedVarianceOutput(NoisePredictor model, Conditions conditions, String what) {
        this.model = model;
        this.conditions = conditions;
        this.what = what;
    }

    /** Forgets the previous step's variance values. */
    void nextStep() {
        values = null;
        conditional = false;
    }

    /** The variance values v of the current step, shape of the state. */
    Tensor values() {
        if (values == null) {
            throw new IllegalStateException(what + ": the guidance did not ask the model in this step");
        }
        return values;
    }

    @Override
    public Tensor predict(Tensor x, Timestep time, Conditions c) {
        Tensor[] split = split(model.predict(x, time, c), x.shape(), what);
        int b = conditions.size();
        if (!conditional) {
            boolean cond = c.size() >= b && c.slice(0, b).equals(conditions);
            if (cond || values == null) {
                values = split[1].batchSize() > b ? split[1].slice(0, b) : split[1];
                conditional = cond;
            }
        }
        return split[0];
    }

    @Override
    public PredictionType predictionType() {
        return model.predictionType();
    }

    @Override
    public OptionalInt fixedBatchSize() {
        return model.fixedBatchSize();
    }

    /**
     * Splits a model output of shape {@code [B, 2·C, …]} along dimension 1 into {prediction, variance values}, each of
     * the state's shape {@code [B, C, …]}.
     *
     * @throws IllegalArgumentException naming both shapes when the output does not have 2·C channels
     */
    static Tensor[] split(Tensor out, Shape x, String what) {
        Shape s = out.shape();
        boolean ok = x.rank() >= 2 && s.rank() == x.rank() && s.get(0) == x.get(0) && s.get(1) == 2 * x.get(1);
        for (int i = 2; ok && i < x.rank(); i++) {
            ok = s.get(i) == x.get(i);
        }
        if (!ok) {
            throw new IllegalArgumentException(what + ": the model returned shape " + s + " for a state of shape " + x
                    + "; a learned variance needs twice the state's channels along dimension 1 (the prediction in the first"
                    + " half, the variance values in the second), i.e. shape " + expected(x));
        }
        int b = x.get(0);
        int[] d = s.dims();
        d[0] = 2 * b;
        d[1] = x.get(1);
        Tensor rows = out.reshape(Shape.of(d)); // row 2i: item i's prediction, row 2i + 1: its variance values
        if (b == 1) {
            return new Tensor[] {rows.slice(0, 1), rows.slice(1, 2)};
        }
        List<Tensor> pred = new ArrayList<>(b);
        List<Tensor> var = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            pred.add(rows.slice(2 * i, 2 * i + 1));
            var.add(rows.slice(2 * i + 1, 2 * i + 2));
        }
        return new Tensor[] {out.factory().concat(pred), out.factory().concat(var)};
    }

    private static String expected(Shape x) {
        if (x.rank() < 2) {
            return "[B, 2*C, ...] (the state has no channel dimension)";
        }
        int[] d = x.dims();
        d[1] = 2 * d[1];
        return Shape.of(d).toString();
    }
}
