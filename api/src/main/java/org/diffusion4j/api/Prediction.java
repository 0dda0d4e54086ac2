package org.diffusion4j.api;

import org.apiguardian.api.API;
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
@API(status = API.Status.STABLE, since = "0.1.0")
public record Prediction(PredictionType type, Tensor value, Tensor x, Timestep time) {

    public Prediction {
        if (!value.shape().equals(x.shape())) {
            throw new IllegalArgumentException(
                    "prediction of shape " + value.shape() + " for a state of shape " + x.shape());
        }
    }

    /** The predicted noise ε̂. */
    public Tensor epsilon() {
        return type.toEpsilon(value, x, time);
    }

    /** The predicted clean sample x̂0 = E[x0 | x_t] as the model estimates it. */
    public Tensor x0() {
        return type.toSample(value, x, time);
    }

    /**
     * The predicted clean sample x̂0.
     *
     * @deprecated it returns the estimate x̂0, not a sample: use {@link #x0()}
     */
    @Deprecated(since = "0.1.0")
    public Tensor sample() {
        return x0();
    }

    /** The predicted velocity v̂. */
    public Tensor v() {
        return type.toV(value, x, time);
    }

    /** The prediction expressed as {@code target}: itself when it already is one. */
    public Prediction convertTo(PredictionType target) {
        return target == type ? this : new Prediction(target, type.convert(value, x, time, target), x, time);
    }

    /**
     * The prediction expressed as {@code target}.
     *
     * @deprecated {@code as} is a Kotlin hard keyword (callers need backticks): use {@link #convertTo}
     */
    @Deprecated(since = "0.1.0")
    public Prediction as(PredictionType target) {
        return convertTo(target);
    }

    /** The same kind of prediction with another value. */
    public Prediction withValue(Tensor newValue) {
        return new Prediction(type, newValue, x, time);
    }
}
