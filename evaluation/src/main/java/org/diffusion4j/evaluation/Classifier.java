package org.diffusion4j.evaluation;

import java.util.Objects;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.Shape;

/**
 * A classifier: images to logits (or any class scores whose largest entry is the predicted class). Any
 * backend's model can serve through a lambda.
 */
@FunctionalInterface
public interface Classifier {

    /**
     * The class scores of a batch.
     *
     * @param images     row-major {@code [B, ...imageShape]} values
     * @param batchShape {@code [B, ...imageShape]}
     * @return {@code B} rows of {@code K} scores
     */
    float[][] logits(float[] images, Shape batchShape);

    /** A backend's score model ({@code Backend.loadScoreModel}) returning logits {@code [B, K]}. */
    static Classifier of(ScoreModel model) {
        Objects.requireNonNull(model, "model");
        return (images, batchShape) -> Scores.rows(model, images, batchShape);
    }
}
