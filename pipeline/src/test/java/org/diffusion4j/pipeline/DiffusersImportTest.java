package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.pipeline.diffusers.DiffusersCompatibleSchedule;
import org.diffusion4j.pipeline.diffusers.DiffusersImport;
import org.diffusion4j.pipeline.diffusers.DiffusersSchedulerConfig;
import org.diffusion4j.samplers.Ddim;
import org.diffusion4j.schedules.DiscreteSchedule;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.schedules.TimestepSpacing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** diffusers scheduler_config.json import, and the diffusers-compatible DDIM previous-timestep rule. */
class DiffusersImportTest {
    static final String SD_STYLE = """
            {"_class_name": "DDIMScheduler", "_diffusers_version": "0.30.0",
             "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "trained_betas": null, "prediction_type": "epsilon", "timestep_spacing": "leading", "steps_offset": 1,
             "set_alpha_to_one": false, "clip_sample": false, "thresholding": false, "rescale_betas_zero_snr": false}""";

    static final String NATIVE = """
            {"model": {"type": "gaussian-mixture"},
             "schedule": {"type": "scaled_linear", "numTrainTimesteps": 1000, "betaStart": 0.00085, "betaEnd": 0.012,
                          "timestepSpacing": "leading", "stepsOffset": 1, "setAlphaToOne": false},
             "sampler": {"type": "ddim", "steps": 20}, "labels": [0, 1], "samplesPerLabel": 3, "seed": 5}""";

    @Test
    void diffusersConfigSamplesExactlyAsTheEquivalentNativeConfig(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("scheduler_config.json"), SD_STYLE);
        String imported = """
                {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "diffusers", "file": "scheduler_config.json"},
                 "sampler": {"type": "ddim", "steps": 20}, "labels": [0, 1], "samplesPerLabel": 3, "seed": 5}""";
        Files.writeString(dir.resolve("run.json"), imported);
        SamplingPipeline a = SamplingPipeline.fromFile(dir.resolve("run.json"));
        SamplingPipeline b = SamplingPipeline.fromJson(Json.parse(NATIVE, "native"), PipelineOptions.defaults());
        Schedule sa = scheduleOf(a, dir);
        Schedule sb = scheduleOf(b, dir);
        // same trajectory: timesteps and both levels of every step
        StepPlan pa = sa.plan(20);
        StepPlan pb = sb.plan(20);
        assertThat(pa.modelTimes()).containsExactly(pb.modelTimes());
        for (int i = 0; i < 20; i++) {
            assertThat(pa.get(i).previous()).isEqualTo(pb.get(i).previous());
            assertThat(pa.get(i).current()).isEqualTo(pb.get(i).current());
        }
        // leading spacing with steps_offset 1: 951, 901, ..., 1 (diffusers' timesteps for n = 20)
        assertThat(pa.get(0).current().discreteTime()).isEqualTo(951);
        assertThat(pa.get(19).current().discreteTime()).isEqualTo(1);
        // set_alpha_to_one false: the last step ends at alphaBar_0, not 1
        assertThat(pa.get(19).previous().alphaBar()).isEqualTo(sb.at(0).alphaBar());
        // same update: identical samples
        assertThat(a.sample().sets().get(0).samples().toFloatArray())
                .containsExactly(b.sample().sets().get(0).samples().toFloatArray());
    }

    private static Schedule scheduleOf(SamplingPipeline p, Path dir) {
        ObjectNode s = (ObjectNode) p.resolvedConfigs().get(0).get("schedule");
        PluginRegistry reg = PluginRegistry.load();
        return (Schedule) reg.create(
                org.diffusion4j.api.spi.PluginKind.SCHEDULE,
                s.get("type").asText(),
                s,
                new org.diffusion4j.api.spi.PluginContext(reg, java.util.Map.of("diffusion4j.baseDirectory", dir)));
    }

    @Test
    void importMapsEveryListedField() {
        DiffusersImport imp = DiffusersSchedulerConfig.read(Json.parse("""
                {"_class_name": "DDPMScheduler", "num_train_timesteps": 500, "beta_start": 0.0002, "beta_end": 0.03,
                 "beta_schedule": "linear", "prediction_type": "v_prediction", "timestep_spacing": "trailing",
                 "steps_offset": 0, "clip_sample": true, "clip_sample_range": 2.5, "thresholding": false,
                 "rescale_betas_zero_snr": true, "variance_type": "fixed_large"}""", "t"));
        assertThat(imp.className()).isEqualTo("DDPMScheduler");
        assertThat(imp.schedule()).isEqualTo(Json.parse("""
                {"type": "linear", "betaStart": 0.0002, "betaEnd": 0.03, "numTrainTimesteps": 500, "timestepSpacing": "trailing",
                 "stepsOffset": 0, "setAlphaToOne": true, "rescaleBetasZeroSnr": true}""", "t"));
        assertThat(imp.sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"ddpm\", \"clipSample\": 2.5, \"variance\": \"beta\", \"lastStepNoise\": \"diffusers\"}",
                        "t"));
        assertThat(imp.predictionType()).isEqualTo("v_prediction");
        assertThat(imp.unsupported()).isEmpty();
    }

    @Test
    void absentFieldsTakeDiffusersDefaultsIncludingClipping() {
        DiffusersImport imp = DiffusersSchedulerConfig.read(Json.parse("{\"_class_name\": \"DDIMScheduler\"}", "t"));
        assertThat(imp.schedule().get("type").asText()).isEqualTo("linear");
        assertThat(imp.schedule().get("betaStart").asDouble()).isEqualTo(1e-4);
        assertThat(imp.schedule().get("betaEnd").asDouble()).isEqualTo(0.02);
        assertThat(imp.schedule().get("setAlphaToOne").asBoolean()).isTrue();
        assertThat(imp.sampler().get("clipSample").asDouble()).isEqualTo(1.0); // DDIMScheduler clips by default
        // and DDIMScheduler.step keeps the raw ε (use_clipped_model_output=False)
        assertThat(imp.sampler().get("useClippedModelOutput").asBoolean()).isFalse();
        DiffusersImport th = DiffusersSchedulerConfig.read(
                Json.parse("{\"thresholding\": true, \"clip_sample\": true, \"sample_max_value\": 2}", "t"));
        assertThat(th.sampler().has("clipSample")).isFalse(); // thresholding takes precedence, as in diffusers
        assertThat(th.sampler().get("sampleMaxValue").asDouble()).isEqualTo(2.0);
    }

    @Test
    void unsupportedSettingsAreReportedNotIgnored(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("s.json"), """
                {"_class_name": "DDPMScheduler", "variance_type": "fixed_large_log", "use_karras_sigmas": true}""");
        String run = """
                {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "diffusers", "file": "s.json"%s}}""";
        Files.writeString(dir.resolve("run.json"), run.formatted(""));
        List<ConfigProblem> ps = SamplingPipeline.check(
                Json.read(dir.resolve("run.json")), PipelineOptions.defaults().withBaseDirectory(dir));
        assertThat(ps).extracting(ConfigProblem::path).containsExactly("/schedule/file");
        assertThat(ps.get(0).message())
                .contains("variance_type 'fixed_large_log'", "use_karras_sigmas = true", "ignoreUnsupported");
        Files.writeString(dir.resolve("run.json"), run.formatted(", \"ignoreUnsupported\": true"));
        assertThat(SamplingPipeline.check(
                        Json.read(dir.resolve("run.json")),
                        PipelineOptions.defaults().withBaseDirectory(dir)))
                .isEmpty();
    }

    @Test
    void predictionTypeOfTheImportReachesTheModel() {
        String imported = """
                {"model": {"type": "gaussian-mixture"},
                 "schedule": {"type": "diffusers", "config": {"prediction_type": "v_prediction", "clip_sample": false}},
                 "sampler": {"type": "ddim", "steps": 8}, "samplesPerLabel": 3}""";
        SamplingPipeline p = SamplingPipeline.fromJson(Json.parse(imported, "t"), PipelineOptions.defaults());
        assertThat(p.resolvedConfigs().get(0).at("/model/predictionType").asText())
                .isEqualTo("v_prediction");
        String explicit = """
                {"model": {"type": "gaussian-mixture", "predictionType": "v_prediction"},
                 "schedule": {"type": "linear"}, "sampler": {"type": "ddim", "steps": 8}, "samplesPerLabel": 3}""";
        assertThat(p.sample().sets().get(0).samples().toFloatArray())
                .containsExactly(SamplingPipeline.fromJson(Json.parse(explicit, "t"), PipelineOptions.defaults())
                        .sample()
                        .sets()
                        .get(0)
                        .samples()
                        .toFloatArray());
    }

    // ------------------------------------------------ diffusers #12633

    /** diffusers DDIMScheduler.step: prev_timestep = timestep − T // n. */
    static long diffusersPrev(long t, int T, int n) {
        return t - T / n;
    }

    @Test
    void trailingSpacingDiffersFromDiffusersRuleAndCompatibleModeReproducesIt() {
        DiscreteSchedule s = Schedules.linear(1000).toBuilder()
                .spacing(TimestepSpacing.TRAILING)
                .build();
        StepPlan own = s.plan(3);
        StepPlan compat = new DiffusersCompatibleSchedule(s).plan(3);
        // trailing T = 1000, n = 3: round(arange(1000, 0, -333.3)) − 1 = 999, 666, 332
        assertThat(own.modelTimes()).containsExactly(999, 666, 332);
        assertThat(compat.modelTimes()).containsExactly(999, 666, 332);
        // native: each step goes to the next timestep of the trajectory
        assertThat(own.get(1).previous().discreteTime()).isEqualTo(332);
        // diffusers: 666 − 333 = 333, a level the trajectory never evaluates
        assertThat(compat.get(0).previous().discreteTime()).isEqualTo(diffusersPrev(999, 1000, 3));
        assertThat(compat.get(1).previous().discreteTime()).isEqualTo(333);
        assertThat(compat.get(2).previous())
                .isEqualTo(Timestep.clean()); // 332 − 333 < 0: final alpha (set_alpha_to_one)
        assertThat(compat.get(1).previous().alphaBar())
                .isNotEqualTo(own.get(1).previous().alphaBar());
    }

    @Test
    void leadingSpacingIsIdenticalUnderBothRules() {
        for (int offset : new int[] {0, 1}) {
            DiscreteSchedule s = Schedules.scaledLinear(1000).toBuilder()
                    .stepsOffset(offset)
                    .setAlphaToOne(false)
                    .build();
            for (int n : new int[] {3, 7, 50}) {
                StepPlan own = s.plan(n);
                StepPlan compat = new DiffusersCompatibleSchedule(s).plan(n);
                for (int i = 0; i < n; i++) {
                    assertThat(compat.get(i).current()).isEqualTo(own.get(i).current());
                    assertThat(compat.get(i).previous())
                            .as("offset %d, n %d, step %d", offset, n, i)
                            .isEqualTo(own.get(i).previous());
                }
            }
        }
    }

    @Test
    void compatibleDdimStepIsDiffusersUpdateToTheLevelTMinusRatio() {
        DiscreteSchedule s = Schedules.linear(1000).toBuilder()
                .spacing(TimestepSpacing.TRAILING)
                .build();
        Step step = new DiffusersCompatibleSchedule(s).plan(3).get(1); // 666 → 333
        Tensor x = ArrayTensor.of(new float[] {0.3f, -1.2f}, Shape.of(1, 2));
        Tensor eps = ArrayTensor.of(new float[] {0.5f, 0.25f}, Shape.of(1, 2));
        Prediction p = new Prediction(org.diffusion4j.api.PredictionType.EPSILON, eps, x, step.current());
        Tensor out = Ddim.update(p.x0(), p.epsilon(), step, 0);
        // diffusers DDIM, eta 0: x0 = (x − √(1−ᾱ_t) ε)/√ᾱ_t; x_prev = √ᾱ_prev x0 + √(1−ᾱ_prev) ε, ᾱ_prev = ᾱ_333
        double abT = s.alphaBar(666);
        double abPrev = s.alphaBar(333);
        double g3 = org.diffusion4j.testkit.ErrorBound.gamma32(3);
        for (int j = 0; j < 2; j++) {
            double x0 = (x.get(0, j) - Math.sqrt(1 - abT) * eps.get(0, j)) / Math.sqrt(abT);
            double expected = Math.sqrt(abPrev) * x0 + Math.sqrt(1 - abPrev) * eps.get(0, j);
            // two float32 linears: x̂0 to γ_3 of (|x| + σ|ε|)/α, seen with weight α_prev, then the update to γ_3
            // of α_prev |x̂0| + σ_prev |ε|; the double reference is exact by comparison. ×2 safety
            double bound = Math.sqrt(abPrev)
                            * g3
                            * (Math.abs(x.get(0, j)) + Math.sqrt(1 - abT) * Math.abs(eps.get(0, j)))
                            / Math.sqrt(abT)
                    + g3 * (Math.sqrt(abPrev) * Math.abs(x0) + Math.sqrt(1 - abPrev) * Math.abs(eps.get(0, j)));
            assertThat((double) out.get(0, j)).isCloseTo(expected, within(2 * bound));
        }
    }

    @Test
    void diffusersCompatibleSwitchInJson() {
        String json = """
                {"model": {"type": "gaussian-mixture"},
                 "schedule": {"type": "diffusers", "diffusersCompatible": %s,
                              "config": {"_class_name": "DDIMScheduler", "timestep_spacing": "trailing", "clip_sample": false}},
                 "sampler": {"type": "ddim", "steps": 3}, "samplesPerLabel": 4, "seed": 2}""";
        float[] own = SamplingPipeline.fromJson(Json.parse(json.formatted("false"), "t"), PipelineOptions.defaults())
                .sample()
                .sets()
                .get(0)
                .samples()
                .toFloatArray();
        float[] compat = SamplingPipeline.fromJson(Json.parse(json.formatted("true"), "t"), PipelineOptions.defaults())
                .sample()
                .sets()
                .get(0)
                .samples()
                .toFloatArray();
        assertThat(compat).isNotEqualTo(own);
    }
}
