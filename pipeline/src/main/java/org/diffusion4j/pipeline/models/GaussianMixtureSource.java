package org.diffusion4j.pipeline.models;

import java.util.Optional;
import java.util.OptionalInt;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.pipeline.spi.LoadedModel;
import org.diffusion4j.pipeline.spi.ModelContext;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;
import org.jspecify.annotations.Nullable;

/**
 * Model source {@code gaussian-mixture}: the exact-score model of a mixture of isotropic Gaussians
 * (module {@code diffusion4j-mixture}). Class labels are component indices, the exact classifier gradient is
 * provided for classifier guidance, samples have shape {@code [d]}. It needs no file and runs on the
 * {@code java} backend.
 */
public final class GaussianMixtureSource implements ModelSourceProvider<GaussianMixtureSource.Config> {

    /**
     * Give either {@code preset} or all of {@code weights}, {@code means} and {@code stds}.
     *
     * @param preset         {@code three-blobs} (the default): three well-separated 2-D components
     * @param weights        mixture weights π_k (normalised)
     * @param means          component means μ_k, each of length d
     * @param stds           component standard deviations s_k
     * @param predictionType what the model predicts: {@code epsilon} (default), {@code sample} or {@code v_prediction}
     */
    public record Config(
            @Nullable String preset,
            double @Nullable [] weights,
            double @Nullable [][] means,
            double @Nullable [] stds,
            @Nullable String predictionType) {}

    @Override
    public String id() {
        return "gaussian-mixture";
    }

    @Override
    public java.util.List<String> aliases() {
        return java.util.List.of("mixture");
    }

    @Override
    public String description() {
        return "exact-score Gaussian-mixture model (no file; class labels are components)";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void check(Config c, ModelContext context) {
        mixture(c);
        type(c);
    }

    /** The mixture a configuration describes. */
    public static GaussianMixture mixture(Config c) {
        boolean explicit = c.weights() != null || c.means() != null || c.stds() != null;
        if (explicit) {
            if (c.preset() != null) {
                throw new IllegalArgumentException("preset and weights/means/stds exclude each other; give one");
            }
            if (c.weights() == null || c.means() == null || c.stds() == null) {
                throw new IllegalArgumentException("an explicit mixture needs all of weights, means and stds");
            }
            return new GaussianMixture(c.weights(), c.means(), c.stds());
        }
        String preset = c.preset() == null ? "three-blobs" : c.preset();
        if (!preset.equals("three-blobs")) {
            throw new IllegalArgumentException("unknown preset '" + preset + "'; known: three-blobs");
        }
        return GaussianMixture.threeBlobs2d();
    }

    private static PredictionType type(Config c) {
        return c.predictionType() == null ? PredictionType.EPSILON : PredictionType.parse(c.predictionType());
    }

    @Override
    public Optional<String> preferredBackend(Config c) {
        return Optional.of("java");
    }

    @Override
    public Optional<int[]> sampleShape(Config c) {
        return Optional.of(new int[] {mixture(c).dim()});
    }

    @Override
    public OptionalInt numClasses(Config c) {
        try {
            return OptionalInt.of(mixture(c).components());
        } catch (IllegalArgumentException e) {
            return OptionalInt.empty();
        }
    }

    @Override
    public boolean providesClassifier(Config c) {
        return true;
    }

    @Override
    public LoadedModel load(Config c, ModelContext context) {
        GaussianMixture m = mixture(c);
        return LoadedModel.of(m.predictor(type(c)))
                .withClassifier(m.classifierGradient())
                .withSampleShape(Shape.of(m.dim()))
                .withNumClasses(m.components())
                .withProvenance(
                        "model", "gaussian-mixture, " + m.components() + " components in " + m.dim() + " dimensions");
    }
}
