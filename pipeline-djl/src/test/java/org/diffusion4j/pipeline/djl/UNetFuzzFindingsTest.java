package org.diffusion4j.pipeline.djl;

import static org.assertj.core.api.Assertions.assertThat;

import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.TrainingPipeline;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Findings of the fuzz target {@code UNetTrainingDocumentFuzzTest} (docs/fuzzing.md), each with the
 * input that crashed, reduced by hand; the fuzzer's crash file stays in the target's inputs folder.
 */
class UNetFuzzFindingsTest {

    /** Finding 3: a null in a network list threw NullPointerException out of UNetConfig while validating. */
    @ParameterizedTest
    @ValueSource(strings = {"\"channelMultipliers\": [1, null]", "\"attentionResolutions\": [null]"})
    void aNullInANetworkListIsAConfigError(String field) {
        String doc = """
                {"trainer": {"type": "unet", "dataset": "shapes", "network": {%s}},
                 "schedule": {"type": "linear"}, "steps": 10}""".formatted(field);
        PipelineConfigException e = null;
        try {
            TrainingPipeline.fromJson(Json.parse(doc, "train.json"), PipelineOptions.defaults());
        } catch (PipelineConfigException x) {
            e = x;
        }
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("/trainer/network");
            assertThat(p.message()).contains("must hold integers, got null at index");
        });
    }
}
