package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * The samples of one variant of a run: a grid of {@code labels.size()} rows by {@code columns} samples,
 * row-major in {@code samples} (shape {@code [rows · columns, ...sampleShape]}).
 *
 * @param label          a short name: {@code "run"}, or {@code "guidanceScale=3"} for a sweep
 * @param sweepValue     the swept value, when the run is a sweep
 * @param resolvedConfig the complete document that reproduces exactly these samples (no sweep)
 * @param samples        the samples x_0, in host memory (valid after the run's backend is closed)
 * @param labels         the class label of each row, null for the unconditional row
 * @param columns        samples per row
 * @param time           sampling wall time
 */
public record SampleSet(
        String label,
        Optional<JsonNode> sweepValue,
        ObjectNode resolvedConfig,
        Tensor samples,
        List<@Nullable Integer> labels,
        int columns,
        Duration time) {

    public int rows() {
        return labels.size();
    }
}
