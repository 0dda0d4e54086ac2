package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.pipeline.diffusers.DiffusersImport;
import org.diffusion4j.pipeline.diffusers.DiffusersSchedulerConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code DDPMScheduler(variance_type="learned_range")} against its published {@code step} and {@code _get_variance},
 * replayed by hand in double: the model output of 2·C channels is split at C ({@code torch.split(…, sample.shape[1],
 * dim=1)}); log Σ = f·log β_t + (1 − f)·log max(β̃_t, 1e-20), f = (v + 1)/2 (Nichol &amp; Dhariwal 2021, arXiv
 * 2102.09672, eq. 15); noise exp(½ log Σ)·z whenever t &gt; 0. With {@code steps_offset: 1} the last timestep is 1 and
 * steps onto ᾱ = 1, where β̃ = 0 is clamped to 1e-20: the last step's special case. Model and tolerance as
 * {@link DiffusersSchedulerClassesTest}; the noise draws are the run's own stream, replayed.
 */
class DiffusersLearnedVarianceTest {

    static double v(double t) {
        return 0.6 - 0.001 * t;
    }

    @Test
    void learnedRangeFollowsDdpmSchedulerStepToTheLastTimestep() {
        String cfg =
                "{\"_class_name\": \"DDPMScheduler\", \"variance_type\": \"learned_range\", \"clip_sample\": false,"
                        + " \"steps_offset\": 1}";
        DiffusersImport imp = DiffusersSchedulerConfig.read(Json.parse(cfg, "t"));
        assertThat(imp.sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"ddpm\", \"variance\": \"learned_range\", \"lastStepNoise\": \"diffusers\"}",
                        "t"));
        assertThat(String.join("\n", imp.notes())).contains("variance_type learned_range: the model must return twice");
        int n = 4;
        DiffusersSchedulerClassesTest.Imported im = DiffusersSchedulerClassesTest.load(cfg, n);

        NoisePredictor p = NoisePredictor.of(PredictionType.EPSILON, (x, t, c) -> {
            float[] in = x.toFloatArray();
            return ArrayTensor.of(
                    new float[] {
                        (float) DiffusersSchedulerClassesTest.eps(in[0], t.modelTime()), (float) v(t.modelTime())
                    },
                    Shape.of(1, 2));
        });
        SampleRequest r = SampleRequest.builder()
                .predictor(p)
                .schedule(im.schedule())
                .conditions(Conditions.unconditional(1))
                .sampleShape(1)
                .seed(5)
                .initialState(ArrayTensor.of(new float[] {(float) DiffusersSchedulerClassesTest.Z}, Shape.of(1, 1)))
                .build();
        List<Double> states = new ArrayList<>();
        double out = im.sampler()
                .sample(r, e -> states.add((double) e.state().toFloatArray()[0]))
                .toFloatArray()[0];

        // by hand: leading timesteps 751, 501, 251, 1; prev = t − 250, ᾱ_prev = 1 below 0
        double[] ab = DiffusersSchedulerClassesTest.alphaBar(false, 1e-4, 0.02, 1000);
        NoiseStream noise = r.openNoise();
        double x = DiffusersSchedulerClassesTest.Z;
        List<Double> expect = new ArrayList<>();
        for (int t = 751; t >= 1; t -= 250) {
            double e = DiffusersSchedulerClassesTest.eps(x, t);
            double a = ab[t];
            double ap = t - 250 >= 0 ? ab[t - 250] : 1;
            double beta = 1 - a / ap;
            double x0 = (x - Math.sqrt(1 - a) * e) / Math.sqrt(a);
            double mean = Math.sqrt(ap) * beta / (1 - a) * x0 + Math.sqrt(a / ap) * (1 - ap) / (1 - a) * x;
            double small = Math.max((1 - ap) / (1 - a) * beta, 1e-20);
            double f = (v(t) + 1) / 2;
            double logVar = f * Math.log(beta) + (1 - f) * Math.log(small);
            double z = noise.next(r.sampleShape(), r.tensors()).toFloatArray()[0];
            x = mean + Math.exp(0.5 * logVar) * z;
            expect.add(x);
        }
        double tol = DiffusersSchedulerClassesTest.tolSteps(n);
        assertThat(states).hasSize(n);
        assertThat(states.get(0)).as("first step, t = 751").isCloseTo(expect.get(0), within(tol));
        assertThat(out)
                .as("last step, t = 1 onto alpha_bar = 1 (beta-tilde clamped)")
                .isCloseTo(expect.get(n - 1), within(tol));
    }

    @Test
    void learnedAndFixedLargeLogAreMappedOrListed() {
        DiffusersImport learned = DiffusersSchedulerConfig.read(Json.parse(
                "{\"_class_name\": \"DDPMScheduler\", \"variance_type\": \"learned\", \"clip_sample\": false}", "t"));
        assertThat(learned.unsupported()).isEmpty();
        assertThat(learned.sampler().get("variance").asText()).isEqualTo("learned");
        DiffusersSchedulerClassesTest.REG.sampler("ddpm", learned.sampler());
        DiffusersImport log = DiffusersSchedulerConfig.read(
                Json.parse("{\"_class_name\": \"DDPMScheduler\", \"variance_type\": \"fixed_large_log\"}", "t"));
        assertThat(log.unsupported()).singleElement().asString().startsWith("/variance_type 'fixed_large_log'");
    }
}
