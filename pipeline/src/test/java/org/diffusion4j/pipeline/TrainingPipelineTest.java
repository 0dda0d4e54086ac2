package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training documents: the generated sampling document and the {@code sample} object that changes it. */
class TrainingPipelineTest {

    private static ObjectNode doc(String sample) {
        return (ObjectNode) Json.parse("""
                {"version": 1, "trainer": {"type": "mixture-fit", "samples": 300, "batchSize": 64},
                 "schedule": {"type": "linear"}, "steps": 20, "seed": 5 %s}""".formatted(sample), "test");
    }

    @Test
    void theSamplingDocumentHasOneRowPerClassOfTheTrainedModelAndACfgSweep(@TempDir Path dir) {
        TrainingPipeline t = TrainingPipeline.fromJson(doc(""), PipelineOptions.defaults());
        TrainerProvider.TrainResult r = t.train(dir, TrainerProvider.TrainListener.NONE);
        ObjectNode s = t.samplingDocument(r);
        // the classes come from the model object's source: the fitted mixture has 3 components
        assertThat(s.path("labels").toString()).isEqualTo("[0,1,2]");
        assertThat(s.at("/sweep/parameter").asText()).isEqualTo("/guidance/guidanceScale");
        assertThat(s.at("/sweep/values").toString()).isEqualTo("[0.0,1.0,3.0,5.0]");
        assertThat(s.at("/sampler/steps").asInt()).isEqualTo(50);
        assertThat(s.path("seed").asLong()).isEqualTo(5);
        assertThat(s.path("schedule")).isEqualTo(Json.parse("{\"type\": \"linear\"}", "x"));
        assertThat(SamplingPipeline.check(s, PipelineOptions.defaults())).isEmpty();
    }

    @Test
    void theSampleObjectReplacesFieldsOfTheGeneratedDocument(@TempDir Path dir) {
        TrainingPipeline t = TrainingPipeline.fromJson(
                doc(
                        ", \"sample\": {\"sampler\": {\"type\": \"ddpm\", \"steps\": 10},"
                                + " \"labels\": [2, null], \"samplesPerLabel\": 3, \"sweep\": {\"parameter\": \"/seed\", \"values\": [1, 2]}}"),
                PipelineOptions.defaults());
        ObjectNode s = t.samplingDocument(t.train(dir, TrainerProvider.TrainListener.NONE));
        assertThat(s.path("sampler").toString()).isEqualTo("{\"type\":\"ddpm\",\"steps\":10}");
        assertThat(s.path("labels").toString()).isEqualTo("[2,null]");
        assertThat(s.path("samplesPerLabel").asInt()).isEqualTo(3);
        assertThat(s.at("/sweep/parameter").asText()).isEqualTo("/seed");
        assertThat(s.at("/guidance/type").asText()).isEqualTo("cfg"); // not replaced: kept
        SamplingResult out =
                SamplingPipeline.fromJson(s, PipelineOptions.defaults()).sample();
        assertThat(out.sets()).hasSize(2);
        assertThat(out.sets().get(0).rows()).isEqualTo(2);
    }

    @Test
    void aBadSampleObjectIsReportedAtItsPath() {
        List<ConfigProblem> p = TrainingPipeline.check(doc(", \"sample\": [1]"), PipelineOptions.defaults());
        assertThat(p).extracting(ConfigProblem::path).containsExactly("/sample");
        assertThat(p.get(0).message()).contains("a JSON object");
        p = TrainingPipeline.check(
                doc(", \"sample\": {\"model\": {\"type\": \"file\"}, \"samplesPerLable\": 2}"),
                PipelineOptions.defaults());
        assertThat(p).extracting(ConfigProblem::path).containsExactly("/sample/model", "/sample/samplesPerLable");
        assertThat(p.get(1).message()).contains("did you mean 'samplesPerLabel'");
    }

    @Test
    void aDeprecatedSettingInTheSampleObjectIsAWarningAtItsPath() {
        Validation v = TrainingPipeline.validate(
                doc(", \"sample\": {\"guidance\": {\"type\": \"cfg\", \"w\": 2}}"), PipelineOptions.defaults());
        assertThat(v.valid()).as("%s", v.problems()).isTrue();
        assertThat(v.warnings()).singleElement().satisfies(w -> {
            assertThat(w.path()).isEqualTo("/sample/guidance/w");
            assertThat(w.message()).contains("gamma = 1 + w = 3.0");
        });
        assertThat(TrainingPipeline.validate(doc(""), PipelineOptions.defaults())
                        .warnings())
                .isEmpty();
    }
}
