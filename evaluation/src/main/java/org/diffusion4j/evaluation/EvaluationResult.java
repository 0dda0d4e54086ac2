package org.diffusion4j.evaluation;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The metrics of one sample set against a reference set.
 *
 * @param samples        the number of evaluated samples {@code n}
 * @param referenceSize  the number of reference images
 * @param featureModelId the feature model of the Fréchet distance and precision/recall
 * @param k              the neighbour rank of precision/recall
 * @param metrics        the computed metrics (accuracy only when a classifier and labels were given)
 */
public record EvaluationResult(
        int samples, int referenceSize, String featureModelId, int k, Map<Metric, Double> metrics) {

    /** Copies the metrics. */
    public EvaluationResult {
        metrics = Collections.unmodifiableMap(new EnumMap<>(metrics));
    }

    /** A metric's value, if computed. */
    public OptionalDouble get(Metric m) {
        Double v = metrics.get(m);
        return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
    }
}
