package org.diffusion4j.pipeline.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.tensor.Shape;
import org.jspecify.annotations.Nullable;

/**
 * A model ready to sample with: the predictor, optionally a classifier for classifier guidance, what
 * is known of its input shape and classes, and provenance (file names and hashes) for reports.
 */
public final class LoadedModel {
    private final NoisePredictor predictor;
    private final @Nullable ClassifierGradient classifier;
    private final @Nullable Shape sampleShape;
    private final int numClasses;
    private final Map<String, String> provenance;

    private LoadedModel(
            NoisePredictor predictor,
            @Nullable ClassifierGradient classifier,
            @Nullable Shape sampleShape,
            int numClasses,
            Map<String, String> provenance) {
        this.predictor = predictor;
        this.classifier = classifier;
        this.sampleShape = sampleShape;
        this.numClasses = numClasses;
        this.provenance = Map.copyOf(provenance);
    }

    /** A model with only a predictor. */
    public static LoadedModel of(NoisePredictor predictor) {
        return new LoadedModel(predictor, null, null, -1, Map.of());
    }

    /** This model with a classifier. */
    public LoadedModel withClassifier(ClassifierGradient c) {
        return new LoadedModel(predictor, c, sampleShape, numClasses, provenance);
    }

    /** This model with a known sample shape (without the batch axis). */
    public LoadedModel withSampleShape(Shape s) {
        return new LoadedModel(predictor, classifier, s, numClasses, provenance);
    }

    /** This model with a known number of classes. */
    public LoadedModel withNumClasses(int n) {
        return new LoadedModel(predictor, classifier, sampleShape, n, provenance);
    }

    /** This model with one more provenance entry (for example {@code modelSha256}). */
    public LoadedModel withProvenance(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(provenance);
        m.put(key, value);
        return new LoadedModel(predictor, classifier, sampleShape, numClasses, m);
    }

    public NoisePredictor predictor() {
        return predictor;
    }

    public Optional<ClassifierGradient> classifier() {
        return Optional.ofNullable(classifier);
    }

    public Optional<Shape> sampleShape() {
        return Optional.ofNullable(sampleShape);
    }

    public OptionalInt numClasses() {
        return numClasses < 0 ? OptionalInt.empty() : OptionalInt.of(numClasses);
    }

    /** Where the model came from: file names, hashes, sizes. */
    public Map<String, String> provenance() {
        return provenance;
    }
}
