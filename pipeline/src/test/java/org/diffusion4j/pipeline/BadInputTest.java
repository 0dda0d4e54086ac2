package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.BackendProvider;
import org.diffusion4j.api.spi.JavaBackendProvider;
import org.diffusion4j.api.spi.PluginConfigException;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginProvider;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.spi.SamplerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 9, bad inputs: what {@code validate} must catch before a model runs (with the JSON path), run
 * sizes, streaming, integers given as fractions, message wording and plugin validation failures.
 */
class BadInputTest {
    static final String MIXTURE = """
            {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "linear", "numTrainTimesteps": 100},
             "sampler": {"type": "ddim", "steps": 10}, "labels": [0, 1], "samplesPerLabel": 2}""";

    static List<ConfigProblem> problems(String json) {
        return problems(json, PipelineOptions.defaults());
    }

    static List<ConfigProblem> problems(String json, PipelineOptions o) {
        return SamplingPipeline.check(Json.parse(json, "test"), o);
    }

    static ConfigProblem only(List<ConfigProblem> ps, String path) {
        assertThat(ps).as("problems").extracting(ConfigProblem::path).containsExactly(path);
        return ps.get(0);
    }

    static String labels(int rows) {
        return String.join(", ", Collections.nCopies(rows, "null"));
    }

    // ---------------------------------------------------------------- 1. size of a run

    @Test
    void aGridThatDoesNotFitTheMemoryLimitIsAValidateErrorNamingItsSize() {
        PipelineOptions o = PipelineOptions.defaults().withMemoryLimit(32L << 20);
        String doc = MIXTURE.replace(
                "\"labels\": [0, 1], \"samplesPerLabel\": 2",
                "\"labels\": [" + labels(100) + "], \"samplesPerLabel\": 4096");
        ConfigProblem p = only(problems(doc, o), "/samplesPerLabel");
        // 100 · 4096 samples of 2 floats: 3.125 MiB held, plus the sampler's working set (12 copies) for the whole
        // grid at once: 37.5 MiB, 40.6 MiB in all
        assertThat(p.message())
                .contains(
                        "100 label row(s) × 4096 samples of shape [2]",
                        "needs about 40.6 MiB",
                        "samples 3.1 MiB",
                        "sampler working set 37.5 MiB for batches of 409600",
                        "more than the 32.0 MiB this run may use",
                        "set batchSize");
        // the same grid in batches of 1024 fits: the estimate follows batchSize
        assertThat(problems(
                        doc.replace("\"samplesPerLabel\": 4096", "\"samplesPerLabel\": 4096, \"batchSize\": 1024"), o))
                .isEmpty();
        // with labels but no samplesPerLabel in the document, the problem is at /labels
        String noSpl =
                MIXTURE.replace("\"labels\": [0, 1], \"samplesPerLabel\": 2", "\"labels\": [" + labels(300000) + "]");
        assertThat(problems(noSpl, PipelineOptions.defaults().withMemoryLimit(16L << 20)))
                .extracting(ConfigProblem::path)
                .containsExactly("/labels");
    }

    @Test
    void theInitialStateCountsTowardsTheRunSize() {
        // 100 · 4096 samples of 2 floats: a grid of 3.125 MiB; in batches of 1024 the working set is
        // 1024 · 2 · 4 B · 12 = 96 KiB, so without an initial state the peak is about 3.2 MiB and fits 6 MiB.
        // An initial state holds one more grid (sampling peak 6.3 MiB) and, while it is read, three copies of
        // it (9.4 MiB): past 6 MiB
        PipelineOptions o = PipelineOptions.defaults().withMemoryLimit(6L << 20);
        String grid = MIXTURE.replace(
                "\"labels\": [0, 1], \"samplesPerLabel\": 2",
                "\"labels\": [" + labels(100) + "], \"samplesPerLabel\": 4096, \"batchSize\": 1024");
        assertThat(problems(grid, o)).isEmpty();
        String withState =
                grid.replace("\"batchSize\": 1024", "\"batchSize\": 1024, \"initialState\": {\"file\": \"x_T.npy\"}");
        assertThat(problems(withState, o))
                .filteredOn(p -> p.path().equals("/samplesPerLabel"))
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("needs about 9.4 MiB", "initial state 3.1 MiB"));
    }

    @Test
    void aGridBeyondAJavaArrayIsRefusedWhateverTheHeap() {
        String doc = MIXTURE.replace(
                "\"labels\": [0, 1], \"samplesPerLabel\": 2",
                "\"labels\": [" + labels(300000) + "], \"samplesPerLabel\": 4096");
        ConfigProblem p =
                only(problems(doc, PipelineOptions.defaults().withMemoryLimit(Long.MAX_VALUE)), "/samplesPerLabel");
        assertThat(p.message())
                .contains(
                        "300000 label row(s) × 4096 samples",
                        (300000L * 4096 * 2) + " values",
                        "more than a Java array holds");
    }

    @Test
    void streamingHandsOnEachGridBeforeTheNextStartsAndKeepsNone() {
        String doc = MIXTURE.replace(
                "\"samplesPerLabel\": 2",
                "\"samplesPerLabel\": 3, \"guidance\": {\"type\": \"cfg\"},"
                        + " \"sweep\": {\"parameter\": \"/guidance/guidanceScale\", \"values\": [0, 1, 4]}");
        SamplingPipeline p = SamplingPipeline.fromJson(Json.parse(doc, "t"), PipelineOptions.defaults());
        List<String> events = new ArrayList<>();
        List<SampleSet> streamed = new ArrayList<>();
        PipelineListener listener = new PipelineListener() {
            @Override
            public void onProgress(Progress progress) {}

            @Override
            public void onVariant(int index, int count, String label) {
                events.add("start " + label);
            }
        };
        SamplingResult r = p.sample(listener, (set, run) -> {
            events.add("grid " + set.label());
            assertThat(run.sets()).isEmpty();
            assertThat(run.backend()).isEqualTo("java");
            streamed.add(set);
        });
        assertThat(r.sets()).isEmpty();
        assertThat(events)
                .containsExactly(
                        "start guidanceScale=0",
                        "grid guidanceScale=0",
                        "start guidanceScale=1",
                        "grid guidanceScale=1",
                        "start guidanceScale=4",
                        "grid guidanceScale=4");
        // the same numbers as the run that keeps every grid
        List<SampleSet> kept = p.sample().sets();
        for (int i = 0; i < 3; i++) {
            assertThat(streamed.get(i).samples().toFloatArray())
                    .containsExactly(kept.get(i).samples().toFloatArray());
        }
    }

    @Test
    void aRunThatKeepsEveryGridIsRefusedBeforeSamplingWhenTheyDoNotFitTogether() {
        // one grid: 1000 · 4096 · 2 floats = 31.25 MiB plus a working set of batches of 64; three grids held: 94 MiB
        String doc = MIXTURE.replace(
                "\"labels\": [0, 1], \"samplesPerLabel\": 2",
                "\"labels\": [" + labels(1000)
                        + "], \"samplesPerLabel\": 4096, \"batchSize\": 64, \"sweep\": {\"parameter\": \"/seed\", \"values\": [1, 2, 3]}");
        PipelineOptions o = PipelineOptions.defaults().withMemoryLimit(48L << 20);
        assertThat(problems(doc, o)).isEmpty();
        SamplingPipeline p = SamplingPipeline.fromJson(Json.parse(doc, "t"), o);
        List<Progress> progress = new ArrayList<>();
        assertThatThrownBy(() -> p.sample(progress::add))
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("at /samplesPerLabel")
                .hasMessageContaining("3 grids held")
                .hasMessageContaining("stream the grids with sample(listener, sink)");
        assertThat(progress).as("refused before sampling").isEmpty();
    }

    // ---------------------------------------------------------------- 4. validate catches what sample fails on

    @Test
    void samplerStepsBeyondTheScheduleAreAValidateErrorAtTheSteps() {
        ConfigProblem p = only(problems(MIXTURE.replace("\"steps\": 10", "\"steps\": 200")), "/sampler/steps");
        assertThat(p.message())
                .contains("inference steps must be in [1, 100]", "got 200", "sampler 'ddim' on schedule 'linear'");
    }

    @Test
    void ddpmOnAScheduleWhoseOffsetLeavesTheTableIsAValidateError() {
        String doc = MIXTURE.replace("\"numTrainTimesteps\": 100", "\"numTrainTimesteps\": 100, \"stepsOffset\": 1")
                .replace("{\"type\": \"ddim\", \"steps\": 10}", "{\"type\": \"ddpm\"}");
        ConfigProblem p = only(problems(doc), "/schedule/stepsOffset");
        assertThat(p.message()).contains("steps_offset 1 gives timestep 100 outside [0, 100)", "sampler 'ddpm'");
        // the same schedule with offset 0 runs
        assertThat(problems(doc.replace("\"stepsOffset\": 1", "\"stepsOffset\": 0")))
                .isEmpty();
    }

    @Test
    void aSweepValueTheScheduleCannotRunIsReportedWithTheValue() {
        String doc = MIXTURE.replace(
                "\"samplesPerLabel\": 2",
                "\"samplesPerLabel\": 2, \"sweep\": {\"parameter\": \"/sampler/steps\"," + " \"values\": [10, 150]}");
        ConfigProblem p = only(problems(doc), "/sampler/steps");
        assertThat(p.message()).contains("got 150", "(with /sampler/steps = 150)");
    }

    /** A backend plugin whose own checks reject a setting, and whose start rejects another. */
    public record StrictConfig(Integer threads, Integer startLimit) {}

    static final class StrictBackend implements BackendProvider<StrictConfig> {
        @Override
        public String id() {
            return "strict";
        }

        @Override
        public Class<StrictConfig> configType() {
            return StrictConfig.class;
        }

        @Override
        public StrictConfig defaultConfig() {
            return new StrictConfig(1, 0);
        }

        @Override
        public void check(StrictConfig c, PluginContext context) {
            if (c.threads() != null && c.threads() > 64) {
                throw new PluginConfigException("/threads", "at most 64 threads, got " + c.threads());
            }
        }

        @Override
        public Backend create(StrictConfig c, PluginContext context) {
            if (c.startLimit() != null && c.startLimit() > 0) {
                throw new PluginConfigException("/startLimit", "this machine allows no start limit");
            }
            return new JavaBackendProvider().create(context);
        }
    }

    static PipelineOptions withPlugins(PluginProvider<?, ?>... extra) {
        PluginRegistry all = PluginRegistry.load();
        List<PluginProvider<?, ?>> ps = new ArrayList<>();
        for (PluginKind k : PluginKind.values()) {
            ps.addAll(all.providers(k));
        }
        ps.addAll(List.of(extra));
        return PipelineOptions.defaults().withRegistry(PluginRegistry.of(ps));
    }

    @Test
    void aBackendPluginsOwnChecksAreValidateErrorsUnderBackend() {
        PipelineOptions o = withPlugins(new StrictBackend());
        String doc = MIXTURE.replace("\"model\"", "\"backend\": {\"type\": \"strict\", \"threads\": 100}, \"model\"");
        ConfigProblem p = only(problems(doc, o), "/backend/threads");
        assertThat(p.message()).isEqualTo("at most 64 threads, got 100");
    }

    @Test
    void aBackendPluginsStartErrorCarriesTheBackendPath() {
        PipelineOptions o = withPlugins(new StrictBackend()).withSource("run.json");
        String doc = MIXTURE.replace("\"model\"", "\"backend\": {\"type\": \"strict\", \"startLimit\": 3}, \"model\"");
        SamplingPipeline p = SamplingPipeline.fromJson(Json.parse(doc, "t"), o);
        assertThatThrownBy(p::sample)
                .isInstanceOf(PipelineConfigException.class)
                .hasMessage(
                        "D4J-CONFIG in run.json at /backend/startLimit: this machine allows no start limit (in backend 'strict')");
    }

    @Test
    void aTrainingDocumentsSampleSectionIsCheckedBeforeTraining() {
        String doc = """
                {"trainer": {"type": "mixture-fit"}, "schedule": {"type": "linear", "numTrainTimesteps": 100}, "steps": 10,
                 "sample": {"samplesPerLabel": 0, "sampler": {"type": "ddim", "steps": 10.5}, "guidance": {"type": "cfg", "guidanceScale": -1},
                            "noise": {"type": "sdk", "x": 1}}}""";
        List<ConfigProblem> ps = TrainingPipeline.check(Json.parse(doc, "t"), PipelineOptions.defaults());
        assertThat(ps)
                .extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder(
                        "/sample/samplesPerLabel",
                        "/sample/sampler/steps",
                        "/sample/guidance/guidanceScale",
                        "/sample/noise/x");
        assertThatThrownBy(() -> TrainingPipeline.fromJson(Json.parse(doc, "t"), PipelineOptions.defaults()))
                .isInstanceOf(PipelineConfigException.class);
        // the generated document's default sampler (DDIM, 50 steps) on a schedule of 20 training steps
        String shortSchedule = """
                {"trainer": {"type": "mixture-fit"}, "schedule": {"type": "linear", "numTrainTimesteps": 20}, "steps": 10}""";
        ConfigProblem p =
                only(TrainingPipeline.check(Json.parse(shortSchedule, "t"), PipelineOptions.defaults()), "/sample");
        assertThat(p.message())
                .contains("generated sampling document", "/sampler/steps", "got 50", "set that field in /sample");
        assertThat(TrainingPipeline.check(
                        Json.parse(
                                shortSchedule.replace(
                                        "\"steps\": 10}",
                                        "\"steps\": 10,"
                                                + " \"sample\": {\"sampler\": {\"type\": \"ddim\", \"steps\": 20}}}"),
                                "t"),
                        PipelineOptions.defaults()))
                .isEmpty();
    }

    // ---------------------------------------------------------------- 7. integers given as fractions

    @ParameterizedTest
    @ValueSource(strings = {"10.5", "0.5", "9.999"})
    void aFractionForAnIntegerPluginFieldIsAnError(String value) {
        ConfigProblem p = only(problems(MIXTURE.replace("\"steps\": 10", "\"steps\": " + value)), "/sampler/steps");
        assertThat(p.message()).contains("expected an integer", value);
    }

    @Test
    void integralNumbersWrittenAsFractionsAreIntegers() {
        assertThat(problems(MIXTURE.replace("\"steps\": 10", "\"steps\": 10.0")))
                .isEmpty();
        assertThat(problems(MIXTURE.replace("\"steps\": 10", "\"steps\": 1e1"))).isEmpty();
        SamplingPipeline p = SamplingPipeline.fromJson(
                Json.parse(MIXTURE.replace("\"steps\": 10", "\"steps\": 1e1"), "t"), PipelineOptions.defaults());
        List<Progress> progress = new ArrayList<>();
        p.sample(progress::add);
        assertThat(progress.get(progress.size() - 1).steps()).isEqualTo(10);
    }

    @Test
    void fractionsAreRefusedInModelTrainerAndScheduleConfigsToo() {
        ConfigProblem m = only(
                problems(MIXTURE.replace(
                        "{\"type\": \"gaussian-mixture\"}",
                        "{\"type\": \"file\", \"file\": \"m.onnx\", \"sampleShape\": [1, 8.5, 8]}")),
                "/model/sampleShape/1");
        assertThat(m.message()).contains("expected an integer", "8.5");
        ConfigProblem s = only(
                problems(MIXTURE.replace("\"numTrainTimesteps\": 100", "\"numTrainTimesteps\": 100.5")),
                "/schedule/numTrainTimesteps");
        assertThat(s.message()).contains("expected an integer", "100.5");
        assertThatThrownBy(() -> PluginRegistry.load().sampler("ddim", Json.parse("{\"steps\": 10.5}", "t")))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("/steps")
                .hasMessageContaining("expected an integer")
                .hasMessageContaining("10.5");
    }

    // ---------------------------------------------------------------- 11. messages

    @Test
    void anUnknownNameEndsItsSentenceBeforeListingTheKnownOnes() {
        ConfigProblem p =
                only(problems(MIXTURE.replace("\"type\": \"linear\"", "\"type\": \"quadratic\"")), "/schedule/type");
        assertThat(p.message())
                .contains("no schedule named 'quadratic'. Available schedules: ")
                .doesNotContain("' Available");
    }

    @Test
    void aMissingModelFileIsReportedAtTheFileField() {
        ConfigProblem p = only(
                problems(MIXTURE.replace(
                        "{\"type\": \"gaussian-mixture\"}", "{\"type\": \"file\", \"sampleShape\": [1, 8, 8]}")),
                "/model/file");
        assertThat(p.message()).contains("file is required");
    }

    /** A sampler whose creation fails with an unexpected exception. */
    static final class BrokenSampler implements SamplerProvider<ObjectNode> {
        @Override
        public String id() {
            return "broken";
        }

        @Override
        public Class<ObjectNode> configType() {
            return ObjectNode.class;
        }

        @Override
        public ObjectNode defaultConfig() {
            return Json.object();
        }

        @Override
        public Sampler create(ObjectNode c, PluginContext context) {
            if (c.has("even")) {
                if (c.get("even").asInt() % 2 != 0) {
                    throw new PluginConfigException("/even", "must be even, got " + c.get("even"));
                }
                return (r, l) -> {
                    throw new UnsupportedOperationException("not for running");
                };
            }
            throw new IllegalStateException("the broken sampler is broken");
        }
    }

    @Test
    void messagesCarryNoExceptionClassNames() {
        PipelineOptions o = withPlugins(new BrokenSampler());
        ConfigProblem p = only(
                problems(MIXTURE.replace("{\"type\": \"ddim\", \"steps\": 10}", "{\"type\": \"broken\"}"), o),
                "/sampler");
        assertThat(p.message())
                .isEqualTo("sampler 'broken' could not be created: the broken sampler is broken")
                .doesNotContain("Exception", "java.");
    }

    // ---------------------------------------------------------------- 13. a plugin's own validation failure

    @Test
    void aPluginThrowsAConfigErrorWithoutACauseAndItIsReportedAtItsPath() {
        PluginConfigException e = new PluginConfigException("/even", "must be even, got 3");
        assertThat(e.getCause()).isNull();
        assertThat(e.path()).isEqualTo("/even");
        assertThat(e).hasMessage("D4J-CONFIG at /even: must be even, got 3");
        PipelineOptions o = withPlugins(new BrokenSampler());
        ConfigProblem p = only(
                problems(
                        MIXTURE.replace("{\"type\": \"ddim\", \"steps\": 10}", "{\"type\": \"broken\", \"even\": 3}"),
                        o),
                "/sampler/even");
        assertThat(p.message()).isEqualTo("must be even, got 3");
    }
}
