package org.diffusion4j.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a run made: one {@link SampleSet} per variant, and where the numbers came from.
 *
 * @param sets            one per sweep value (one without a sweep)
 * @param backend         the backend id
 * @param backendVersion  its provider's version
 * @param device          the device it ran on
 * @param provenance      the model's provenance (file, SHA-256, ...)
 * @param versions        plugin id → version of every plugin the run used
 * @param loadTime        time to start the backend and load the model
 */
public record SamplingResult(
        List<SampleSet> sets,
        String backend,
        String backendVersion,
        String device,
        Map<String, String> provenance,
        Map<String, String> versions,
        Duration loadTime) {

    public SamplingResult {
        sets = List.copyOf(sets);
        provenance = Map.copyOf(provenance);
        versions = Map.copyOf(versions);
    }
}
