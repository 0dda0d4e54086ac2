package org.diffusion4j.api;

import org.diffusion4j.api.tensor.Tensor;

/**
 * A model output together with what it means: its {@link PredictionType}, the state {@code x} it was
 * made from and the noise level. Samplers read it in the form they need.
 *
 * @param type  what {@code value} predicts
 * @param value the prediction
 * @param x     the noisy state x_t the prediction is for
 * @param time  the noise level of x_t
 */
public record Prediction(PredictionType type, Tensor value, Tensor x, Timestep time) {

    public Prediction {
        if (!value.shape().equals(x.shape())) {
            throw new IllegalArgumentException("prediction of shape " + value.shape() + " for a state of shape " + x.shape());
        }
    }

    /** The predicted noise ε̂. */
    public Tensor epsilon() {
        return type.toEpsilon(value, x, time);
    }

    /** The predicted clean sample x̂0. */
    public Tensor sample() {
        return type.toSample(value, x, time);
    }

    /** The predicted velocity v̂. */
    public Tensor v() {
        return type.toV(value, x, time);
    }

    /** The prediction expressed as {@code target}. */
    public Prediction as(PredictionType target) {
        return target == type ? this : new Prediction(target, type.convert(value, x, time, target), x, time);
    }

    /** The same kind of prediction with another value. */
    public Prediction withValue(Tensor newValue) {
        return new Prediction(type, newValue, x, time);
    }
}
