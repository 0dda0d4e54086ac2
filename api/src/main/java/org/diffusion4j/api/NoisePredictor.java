package org.diffusion4j.api;

import java.util.OptionalInt;
import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * A denoising network: given a batch of noisy states x_t, their noise level and one condition per
 * sample, it returns one prediction per sample, of the {@link #predictionType()} it was trained for.
 *
 * <p>A functional interface, so a Java or Kotlin lambda is a predictor (of ε by default):
 * <pre>{@code NoisePredictor p = (x, t, c) -> x.times(t.sigma());}</pre>
 * Implementations must be safe to call from several threads at once, or say otherwise in their
 * documentation. The input {@code x} is lent for the duration of the call: a sampler may reuse its
 * storage for a later state once the call has returned, so copy it ({@link Tensor#toFloatArray()}) to
 * keep it.
 */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1.0")
public interface NoisePredictor {

    /**
     * Predicts for a batch.
     *
     * @param x          x_t, shape {@code [B, ...]}
     * @param time       the noise level of every sample in the batch (its {@link Timestep#modelTime()} is
     *                   what a network sees; exact-score models may use α and σ)
     * @param conditions {@code B} conditions
     * @return a tensor of the shape of {@code x}
     */
    Tensor predict(Tensor x, Timestep time, Conditions conditions);

    /** What {@link #predict} returns; ε unless the implementation says otherwise. */
    default PredictionType predictionType() {
        return PredictionType.EPSILON;
    }

    /**
     * The only batch size the model accepts, when it was exported with a fixed batch axis; empty when
     * any batch size works. Guidance uses it to decide whether cond and uncond can share one call.
     */
    default OptionalInt fixedBatchSize() {
        return OptionalInt.empty();
    }

    /** Calls the model and wraps its output as a {@link Prediction}. */
    default Prediction predictFull(Tensor x, Timestep time, Conditions conditions) {
        if (conditions.size() != x.batchSize()) {
            throw new IllegalArgumentException(conditions.size() + " conditions for a batch of " + x.batchSize());
        }
        Tensor out = predict(x, time, conditions);
        if (!out.shape().equals(x.shape())) {
            throw new IllegalStateException(
                    "predictor returned shape " + out.shape() + " for input shape " + x.shape());
        }
        return new Prediction(predictionType(), out, x, time);
    }

    /** A predictor of the given type from a lambda. */
    static NoisePredictor of(PredictionType type, NoisePredictor fn) {
        return new NoisePredictor() {
            @Override
            public Tensor predict(Tensor x, Timestep time, Conditions conditions) {
                return fn.predict(x, time, conditions);
            }

            @Override
            public PredictionType predictionType() {
                return type;
            }

            @Override
            public OptionalInt fixedBatchSize() {
                return fn.fixedBatchSize();
            }
        };
    }
}
