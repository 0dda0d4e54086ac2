package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * One test per finding of the fuzz targets (org.diffusion4j.pipeline.fuzz, docs/fuzzing.md), with the
 * input that crashed, reduced by hand; the fuzzer's own crash file stays in the target's inputs folder
 * and is replayed by the fuzz test in regression mode.
 */
class FuzzFindingsTest {
    private static final String MIXTURE = """
            {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "linear"}, "sampler": {"type": "ddim", "steps": 10},
             "labels": [0, 1], "samplesPerLabel": %s}""";

    private static PipelineConfigException rejected(Runnable r) {
        try {
            r.run();
        } catch (PipelineConfigException e) {
            return e;
        }
        throw new AssertionError("not rejected");
    }

    /** Finding 1: a number whose text overflows a double (1e999) threw NumberFormatException from BigDecimal. */
    @Test
    void aNumberThatOverflowsADoubleIsAConfigErrorAtItsPath() {
        PipelineConfigException e = rejected(() -> Json.parse(MIXTURE.formatted("1e999"), "run.json"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("/samplesPerLabel");
            assertThat(p.message()).contains("out of range");
        });
        // anywhere in the document, also inside plugin objects and arrays
        PipelineConfigException deep = rejected(() -> Json.parse("""
                {"sampler": {"type": "ddim", "eta": -1e400}, "labels": [0, 2e308]}""", "run.json"));
        assertThat(deep.problems()).extracting(ConfigProblem::path).containsExactly("/sampler/eta", "/labels/1");
        // a tree built in code can hold infinity too: the integer check rejects it instead of crashing
        ObjectNode doc = (ObjectNode) Json.parse(MIXTURE.formatted("3"), "run.json");
        doc.put("samplesPerLabel", Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> SamplingPipeline.fromJson(doc, PipelineOptions.defaults()))
                .isInstanceOfSatisfying(
                        PipelineConfigException.class,
                        x -> assertThat(x.problems())
                                .singleElement()
                                .satisfies(p -> assertThat(p.path()).isEqualTo("/samplesPerLabel")));
        // the largest finite doubles are still numbers
        assertThat(Json.parse("{\"x\": 1.7976931348623157e308}", "x").get("x").doubleValue())
                .isEqualTo(Double.MAX_VALUE);
    }

    /**
     * Finding 2: a schedule with a huge numTrainTimesteps (2147483647, here through a diffusers config)
     * passed binding and allocated its β tables while the document was validated: OutOfMemoryError.
     */
    @Test
    void aHugeNumberOfTrainingTimestepsIsAConfigErrorNotAnOutOfMemoryError() {
        String nativeDoc = """
                {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "scaled_linear", "numTrainTimesteps": 2147483647},
                 "labels": [0], "samplesPerLabel": 1}""";
        PipelineConfigException e = rejected(
                () -> SamplingPipeline.fromJson(Json.parse(nativeDoc, "run.json"), PipelineOptions.defaults()));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("/schedule/numTrainTimesteps");
            assertThat(p.message()).contains("[1, 1000000]").contains("2147483647");
        });
        String diffusers = """
                {"model": {"type": "gaussian-mixture"}, "labels": [0], "samplesPerLabel": 1,
                 "schedule": {"type": "diffusers", "config": {"beta_schedule": "scaled_linear", "num_train_timesteps": 2147483647}}}""";
        PipelineConfigException d = rejected(
                () -> SamplingPipeline.fromJson(Json.parse(diffusers, "run.json"), PipelineOptions.defaults()));
        assertThat(d.problems())
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.path()).startsWith("/schedule"))
                .anySatisfy(p -> assertThat(p.message()).contains("numTrainTimesteps must be in [1, 1000000]"));
        // the limit itself is accepted
        String limit = nativeDoc.replace("2147483647", "1000000");
        assertThat(SamplingPipeline.check(Json.parse(limit, "run.json"), PipelineOptions.defaults()))
                .isEmpty();
    }
}
