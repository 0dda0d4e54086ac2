package org.diffusion4j.api.spi;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * A model that maps a batch of images to one score vector per image: a classifier's logits, or a feature
 * layer in which sample sets are compared (evaluation's class accuracy, Fréchet distance,
 * precision/recall). Loaded by {@link Backend#loadScoreModel}; the backend that loaded it owns it and
 * releases it when it closes.
 *
 * <pre>{@code
 * ScoreModel classifier = backend.loadScoreModel(ModelSpec.of(Path.of("classifier.onnx")));
 * Tensor logits = classifier.apply(images); // [B, K]
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
@FunctionalInterface
public interface ScoreModel {

    /**
     * The scores of a batch.
     *
     * @param images {@code [B, ...imageShape]}, any tensor factory's
     * @return {@code [B, K]}: one row of {@code K} scores per image (a model output of higher rank is
     *     flattened per image)
     * @throws IllegalArgumentException when the images do not fit the model (the message names the shapes)
     */
    Tensor apply(Tensor images);
}
