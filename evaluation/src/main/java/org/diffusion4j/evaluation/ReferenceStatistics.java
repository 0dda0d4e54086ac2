package org.diffusion4j.evaluation;

/**
 * What the metrics need of a reference set: its feature vectors (for precision/recall) and their
 * Gaussian fit (for the Fréchet distance), with the feature model's id they came from.
 *
 * @param featureModelId the feature model's {@link FeatureModel#id()}
 * @param features       one feature vector per reference image
 * @param statistics     the Gaussian fit of {@code features}
 */
public record ReferenceStatistics(String featureModelId, float[][] features, GaussianStatistics statistics) {

    /** Computes the features and their statistics. */
    public static ReferenceStatistics compute(FeatureModel model, ImageSet reference) {
        float[][] f = Features.of(model, reference);
        return new ReferenceStatistics(model.id(), f, GaussianStatistics.of(f));
    }

    /** The number of reference images. */
    public int size() {
        return features.length;
    }
}
