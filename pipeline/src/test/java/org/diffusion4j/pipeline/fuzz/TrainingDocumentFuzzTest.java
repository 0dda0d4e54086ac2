package org.diffusion4j.pipeline.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.TrainingPipeline;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target: training documents, with the trainers of this module's class path
 * ({@code mixture-fit}). Any input resolves to a {@link TrainingPipeline} or is rejected with a
 * {@link PipelineConfigException}; nothing is trained.
 */
class TrainingDocumentFuzzTest {
    private static final PipelineOptions OPTIONS = FuzzSupport.options();
    private static final List<JsonNode> SEEDS = FuzzSupport.seeds(
            TrainingDocumentFuzzTest.class,
            "trainingDocument",
            "seed-mixture-train.json",
            "seed-demo-train.json",
            "seed-mixture-train-sample.json");
    private static final List<String> WORDS = FuzzSupport.vocabulary(SEEDS, names());

    private static List<String> names() {
        List<String> out = new ArrayList<>(OPTIONS.registry().ids(PluginKind.SCHEDULE));
        out.addAll(OPTIONS.registry().ids(PluginKind.SAMPLER));
        out.addAll(List.of(
                "mixture-fit",
                "unet",
                "trainer",
                "schedule",
                "steps",
                "seed",
                "output",
                "dir",
                "checkpointEvery",
                "sample",
                "sampler",
                "guidance",
                "labels",
                "samplesPerLabel",
                "sweep",
                "data",
                "samples",
                "batchSize",
                "learningRate",
                "components",
                "numTrainTimesteps"));
        return out;
    }

    /** The mixture-fit seeds resolve; the demo's unet one names a trainer that is not on this class path. */
    @Test
    void theMixtureSeedsResolve() {
        for (JsonNode seed : SEEDS) {
            var problems = TrainingPipeline.check(seed, OPTIONS);
            if (seed.path("trainer").path("type").asText().equals("unet")) {
                assertThat(problems)
                        .singleElement()
                        .satisfies(p -> assertThat(p.path()).isEqualTo("/trainer/type"));
            } else {
                assertThat(problems).as("%s", seed).isEmpty();
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void trainingDocument(FuzzedDataProvider data) {
        var outcome = FuzzSupport.resolve(
                data,
                SEEDS,
                WORDS,
                d -> TrainingPipeline.fromJson(d, OPTIONS),
                d -> TrainingPipeline.check(d, OPTIONS));
        if (outcome.isEmpty()) {
            return;
        }
        TrainingPipeline t = outcome.get();
        assertThat(t.steps()).isPositive();
        assertThat(t.outputDir()).isNotBlank();
        // round trip: the document the pipeline keeps is valid again
        assertThat(TrainingPipeline.check(t.toJson(), OPTIONS)).isEmpty();
    }
}
