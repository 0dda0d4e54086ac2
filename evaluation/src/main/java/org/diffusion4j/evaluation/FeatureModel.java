package org.diffusion4j.evaluation;

import java.util.Objects;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.Shape;

/**
 * A feature embedding of images (for example a classifier's penultimate layer, or its logits), in which
 * distributions are compared. Its {@link #id()} keys the reference-statistics cache: give every model
 * (and every output of a model) its own id, and change it when the weights change.
 */
public interface FeatureModel {

    /** Identifies the model and its output, for the cache and the report. */
    String id();

    /**
     * The features of a batch.
     *
     * @param images     row-major {@code [B, ...imageShape]} values
     * @param batchShape {@code [B, ...imageShape]}
     * @return {@code B} feature vectors of one length
     */
    float[][] features(float[] images, Shape batchShape);

    /** How many images to pass per call. */
    default int batchSize() {
        return 64;
    }

    /** The function used as it is. */
    interface Function {
        /** Features of a batch, as {@link FeatureModel#features}. */
        float[][] apply(float[] images, Shape batchShape);
    }

    /** A feature model from an id and a function. */
    static FeatureModel of(String id, int batchSize, Function f) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(f, "f");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize " + batchSize + " is not positive");
        }
        return new FeatureModel() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public float[][] features(float[] images, Shape batchShape) {
                return f.apply(images, batchShape);
            }

            @Override
            public int batchSize() {
                return batchSize;
            }

            @Override
            public String toString() {
                return "FeatureModel[" + id + "]";
            }
        };
    }

    /**
     * A backend's score model ({@code Backend.loadScoreModel}) as a feature model: its output rows are
     * the features. The SDK's own classifier (the {@code djl} backend's classifier checkpoint) serves so.
     */
    static FeatureModel ofScoreModel(String id, int batchSize, ScoreModel model) {
        Objects.requireNonNull(model, "model");
        return of(id, batchSize, (images, batchShape) -> Scores.rows(model, images, batchShape));
    }

    /** A classifier's logits as features. */
    static FeatureModel ofLogits(String id, int batchSize, Classifier classifier) {
        return of(id, batchSize, classifier::logits);
    }
}
