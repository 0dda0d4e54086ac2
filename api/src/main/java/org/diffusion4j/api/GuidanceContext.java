package org.diffusion4j.api;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The per-step input of {@link Guidance}: the state, the step, the requested conditions and the model.
 *
 * @param x          x_t, shape {@code [B, ...]}; lent for the duration of {@link Guidance#guide} (see
 *                   {@link Tensor}'s lending rule): copy it to keep it
 * @param step       the step being taken
 * @param conditions what each of the B samples is conditioned on
 * @param predictor  the model
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record GuidanceContext(Tensor x, Step step, Conditions conditions, NoisePredictor predictor) {

    public GuidanceContext {
        if (conditions.size() != x.batchSize()) {
            throw new IllegalArgumentException(conditions.size() + " conditions for a batch of " + x.batchSize());
        }
    }

    /** The noise level where the model is evaluated. */
    public Timestep time() {
        return step.current();
    }

    /** One model call for {@code x} under {@code c}. */
    public Prediction predict(Tensor input, Conditions c) {
        return predictor.predictFull(input, step.current(), c);
    }
}
