package org.diffusion4j.pipeline.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.junit.jupiter.api.Test;

/**
 * Fuzz target: sampling documents. Any input resolves to a {@link SamplingPipeline} or is rejected
 * with a {@link PipelineConfigException} whose problems have JSON pointers; nothing else may escape.
 * Nothing is sampled: resolution only (no backend started, no model loaded). Inputs and seeds:
 * {@link FuzzSupport}; the seed documents are the repository's example sampling documents.
 */
class SamplingDocumentFuzzTest {
    private static final PipelineOptions OPTIONS = FuzzSupport.options();
    private static final List<JsonNode> SEEDS = FuzzSupport.seeds(
            SamplingDocumentFuzzTest.class,
            "samplingDocument",
            "seed-mixture-cfg-sweep.json",
            "seed-mixture-classifier-guidance.json",
            "seed-mixture-diffusers.json",
            "seed-onnx-ddim-cfg.json",
            "seed-mixture-ddpm-batched.json");
    private static final List<String> WORDS = FuzzSupport.vocabulary(SEEDS, names());

    private static List<String> names() {
        List<String> out = new ArrayList<>(OPTIONS.modelSources().ids());
        for (PluginKind k : PluginKind.values()) {
            out.addAll(OPTIONS.registry().ids(k));
        }
        out.addAll(List.of(
                "/guidance/guidanceScale",
                "/sampler/steps",
                "/sampler/eta",
                "/seed",
                "/labels",
                "/",
                "",
                "batchSize",
                "device",
                "backend",
                "noise",
                "predictionType",
                "numClasses",
                "sampleShape",
                "valueRange",
                "upscale",
                "stepsOffset",
                "timestepSpacing",
                "trainedBetas",
                "diffusersCompatible",
                "ignoreUnsupported"));
        return out;
    }

    /** The seeds start the fuzzer inside valid territory: all but the ONNX one (its model file is absent here) resolve. */
    @Test
    void theSeedsResolveExceptTheOneWithoutItsModelFile() {
        for (JsonNode seed : SEEDS) {
            var problems = SamplingPipeline.check(seed, OPTIONS);
            if (seed.path("model").path("type").asText().equals("file")) {
                assertThat(problems)
                        .singleElement()
                        .satisfies(p -> assertThat(p.path()).startsWith("/model"));
            } else {
                assertThat(problems).as("%s", seed.path("description")).isEmpty();
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void samplingDocument(FuzzedDataProvider data) {
        var outcome = FuzzSupport.resolve(
                data,
                SEEDS,
                WORDS,
                d -> SamplingPipeline.fromJson(d, OPTIONS),
                d -> SamplingPipeline.check(d, OPTIONS));
        if (outcome.isEmpty()) {
            return;
        }
        SamplingPipeline p = outcome.get();
        assertThat(p.variantLabels()).hasSameSizeAs(p.resolvedConfigs()).isNotEmpty();
        for (ObjectNode resolved : p.resolvedConfigs()) {
            assertThat(SamplingPipeline.check(resolved, OPTIONS))
                    .as("resolved %s", resolved)
                    .isEmpty();
        }
    }
}
