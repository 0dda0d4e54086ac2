package org.diffusion4j.api.spi;

import java.util.Set;
import org.apiguardian.api.API;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.tensor.TensorFactory;

/**
 * A compute backend: its tensors (on its device) and the models it can load. Made by a
 * {@link BackendProvider}; holds native resources until {@link #close()}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface Backend extends AutoCloseable {

    /** The provider id, for example {@code "djl"}. */
    String id();

    /** The device in use, for example {@code "cpu"} or {@code "gpu(0)"}. */
    String device();

    /** Factory for tensors on this backend's device. */
    TensorFactory tensors();

    /** What this backend can do. */
    Set<Capability> capabilities();

    /** Loads a model file as a predictor. */
    NoisePredictor loadPredictor(ModelSpec spec);

    /**
     * Loads a classifier as a gradient source for classifier guidance.
     *
     * @throws UnsupportedOperationException when the backend cannot (the default)
     */
    default ClassifierGradient loadClassifier(ModelSpec spec) {
        throw new UnsupportedOperationException("backend '" + id() + "' cannot load classifiers for guidance"
                + (capabilities().contains(Capability.GRADIENTS) ? "" : " (it has no GRADIENTS capability)"));
    }

    /**
     * Loads a model that maps images to scores (a classifier's logits, or features), for evaluation:
     * {@code spec.options()} are the backend's (which output, constants for the other inputs, ...). The
     * {@code predictionType} of the spec is not used.
     *
     * @throws UnsupportedOperationException when the backend cannot (the default)
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
    default ScoreModel loadScoreModel(ModelSpec spec) {
        throw new UnsupportedOperationException("backend '" + id() + "' cannot load score models (classifier logits or"
                + " features for evaluation); use a backend that can, such as 'onnx' or 'djl'");
    }

    /** Releases native resources. */
    @Override
    default void close() {}
}
