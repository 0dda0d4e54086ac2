package org.diffusion4j.pipeline.djl.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.TrainingPipeline;
import org.diffusion4j.pipeline.fuzz.FuzzSupport;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target: training documents for trainer {@code unet} (the README's demo), the same property and
 * inputs as the pipeline's {@code TrainingDocumentFuzzTest} (see {@link FuzzSupport}). Resolution
 * only: the network's shapes are checked, nothing is built on a backend and nothing is trained.
 */
class UNetTrainingDocumentFuzzTest {
    private static final PipelineOptions OPTIONS = FuzzSupport.options();
    private static final List<JsonNode> SEEDS = FuzzSupport.seeds(
            UNetTrainingDocumentFuzzTest.class,
            "trainingDocument",
            "seed-demo-train.json",
            "seed-unet-every-field.json");
    private static final List<String> WORDS = FuzzSupport.vocabulary(SEEDS, names());

    private static List<String> names() {
        List<String> out = new ArrayList<>(OPTIONS.registry().ids(PluginKind.SCHEDULE));
        out.addAll(List.of(
                "unet",
                "mixture-fit",
                "auto",
                "shapes",
                "fashion-mnist",
                "fashion",
                "dataDir",
                "ema",
                "raw",
                "epsilon",
                "sample",
                "v_prediction",
                "gpu",
                "cpu",
                "cuda"));
        return out;
    }

    @Test
    void theSeedsResolve() {
        for (JsonNode seed : SEEDS) {
            assertThat(TrainingPipeline.check(seed, OPTIONS))
                    .as("%s", seed.path("description"))
                    .isEmpty();
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
        assertThat(TrainingPipeline.check(t.toJson(), OPTIONS)).isEmpty();
    }
}
