package org.diffusion4j.evaluation;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates sample sets against one reference set: the Fréchet distance and precision/recall in a
 * feature model's embedding, and, with a classifier and the samples' labels, class accuracy. The
 * reference's statistics are computed once (and cached on disk with {@link Builder#cacheDirectory}).
 *
 * <pre>{@code
 * Evaluator ev = Evaluator.builder(reference, featureModel).classifier(classifier).cacheDirectory(dir).build();
 * EvaluationResult r = ev.evaluate(samples, labels);
 * }</pre>
 */
public final class Evaluator {
    private final ImageSet reference;
    private final FeatureModel featureModel;
    private final @Nullable Classifier classifier;
    private final int classifierBatchSize;
    private final @Nullable ReferenceCache cache;
    private final int k;
    private @Nullable ReferenceStatistics referenceStatistics;

    private Evaluator(Builder b) {
        this.reference = b.reference;
        this.featureModel = b.featureModel;
        this.classifier = b.classifier;
        this.classifierBatchSize = b.classifierBatchSize;
        this.cache = b.cacheDirectory == null ? null : new ReferenceCache(b.cacheDirectory);
        this.k = b.k;
    }

    /** A builder for a reference set and a feature model. */
    public static Builder builder(ImageSet reference, FeatureModel featureModel) {
        return new Builder(reference, featureModel);
    }

    /** The reference statistics (computed, or loaded from the cache, on first use). */
    public synchronized ReferenceStatistics referenceStatistics() {
        if (referenceStatistics == null) {
            referenceStatistics = cache == null
                    ? ReferenceStatistics.compute(featureModel, reference)
                    : cache.get(featureModel, reference);
        }
        return referenceStatistics;
    }

    /** Fréchet distance and precision/recall of {@code samples} (no accuracy). */
    public EvaluationResult evaluate(ImageSet samples) {
        return evaluate(samples, null);
    }

    /**
     * All metrics of {@code samples}; accuracy when a classifier was given and {@code labels} (one per
     * sample, the class it was sampled for) is not null.
     *
     * @throws IllegalArgumentException if the samples' image shape differs from the reference's, there
     *                                  are too few samples, or labels are given without a classifier
     */
    public EvaluationResult evaluate(ImageSet samples, int @Nullable [] labels) {
        if (!samples.imageShape().equals(reference.imageShape())) {
            throw new IllegalArgumentException(samples.description() + ": images of shape " + samples.imageShape()
                    + ", the reference " + reference.description() + " has " + reference.imageShape());
        }
        Classifier c = classifier;
        if (labels != null && c == null) {
            throw new IllegalArgumentException("labels were given but the evaluator has no classifier");
        }
        ReferenceStatistics ref = referenceStatistics();
        Map<Metric, Double> m = new EnumMap<>(Metric.class);
        if (labels != null && c != null) { // c != null whenever labels != null (checked above)
            m.put(
                    Metric.ACCURACY,
                    ClassAccuracy.of(c, samples, labels, classifierBatchSize).value());
        }
        float[][] f = Features.of(featureModel, samples);
        m.put(Metric.FRECHET_DISTANCE, FrechetDistance.between(GaussianStatistics.of(f), ref.statistics()));
        PrecisionRecall.Result pr = PrecisionRecall.compute(ref.features(), f, k);
        m.put(Metric.PRECISION, pr.precision());
        m.put(Metric.RECALL, pr.recall());
        return new EvaluationResult(samples.size(), ref.size(), featureModel.id(), k, m);
    }

    /** Builds an {@link Evaluator}. */
    public static final class Builder {
        private final ImageSet reference;
        private final FeatureModel featureModel;
        private @Nullable Classifier classifier;
        private int classifierBatchSize = 64;
        private @Nullable Path cacheDirectory;
        private int k = 3;

        private Builder(ImageSet reference, FeatureModel featureModel) {
            this.reference = Objects.requireNonNull(reference, "reference");
            this.featureModel = Objects.requireNonNull(featureModel, "featureModel");
        }

        /** The classifier of the accuracy metric. */
        public Builder classifier(Classifier c) {
            this.classifier = Objects.requireNonNull(c, "classifier");
            return this;
        }

        /** Images per classifier call (default 64). */
        public Builder classifierBatchSize(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("classifierBatchSize " + n + " is not positive");
            }
            this.classifierBatchSize = n;
            return this;
        }

        /** Cache the reference statistics in {@code dir} ({@link ReferenceCache}). */
        public Builder cacheDirectory(Path dir) {
            this.cacheDirectory = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /** The neighbour rank of precision/recall (default 3, the paper's). */
        public Builder k(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k = " + k + ": the neighbour rank must be at least 1");
            }
            this.k = k;
            return this;
        }

        /** The evaluator. */
        public Evaluator build() {
            return new Evaluator(this);
        }
    }
}
