package org.diffusion4j.onnx;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Tensor;

/**
 * An exported denoising network run by ONNX Runtime.
 *
 * <p>Safe to call from several threads at once: they share one ONNX Runtime session, whose
 * {@code run} is thread-safe, and each call makes its own input and output tensors.
 *
 * <p>Fixed batch: a model exported with a fixed batch size N reports it through
 * {@link #fixedBatchSize()} (so guidance can run cond and uncond as separate calls), and still
 * accepts any batch: it runs ⌈B/N⌉ times on slices of N samples, padding the last slice by repeating
 * its last sample, and returns only the real samples' outputs.
 *
 * <p>The result is made by the factory of {@code x}. {@link #close()} frees the native session;
 * the backend that loaded the predictor closes it when the backend is closed.
 */
public final class OnnxNoisePredictor implements NoisePredictor, AutoCloseable {
    private final OnnxModel model;
    private final PredictionType type;

    OnnxNoisePredictor(OnnxModel model, PredictionType type) {
        this.model = model;
        this.type = type;
    }

    @Override
    public Tensor predict(Tensor x, Timestep time, Conditions conditions) {
        float[] out = model.evaluate(x, time, conditions);
        return x.factory() == ArrayTensor.FACTORY
                ? ArrayTensor.wrap(out, x.shape())
                : x.factory().of(out, x.shape());
    }

    @Override
    public PredictionType predictionType() {
        return type;
    }

    @Override
    public OptionalInt fixedBatchSize() {
        return model.binding().fixedBatch();
    }

    /** The model file. */
    public Path file() {
        return model.file();
    }

    /**
     * The model's inputs and outputs with their types and shapes, and which of them this predictor
     * feeds and reads.
     */
    public String describe() {
        ModelBinding b = model.binding();
        return model.file().getFileName() + ": " + model.signature().describe() + "; sample <- '"
                + b.sample().name()
                + "', timestep <- '" + b.timestep().name() + "' (" + b.timestepType() + ", "
                + b.timestepShape().name().toLowerCase(java.util.Locale.ROOT) + ")"
                + b.condition()
                        .map(c -> ", condition <- '" + c.name() + "' ("
                                + b.conditionKind().name().toLowerCase(java.util.Locale.ROOT) + ")")
                        .orElse(", unconditional")
                + ", output -> '" + b.output().name() + "' (" + type.name().toLowerCase(java.util.Locale.ROOT) + ")"
                + (b.fixedBatch().isPresent()
                        ? ", fixed batch " + b.fixedBatch().getAsInt()
                        : "");
    }

    /** Frees the native session; later calls fail with an {@link IllegalStateException}. */
    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "OnnxNoisePredictor[" + describe() + "]";
    }
}
