package org.diffusion4j.pipeline.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.util.List;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.pipeline.ConfigProblem;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.TrainingPipeline;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;

/** The cosine learning-rate decay of {@code "learningRateDecay": "cosine"} (TrainerConfig.decaySteps). */
class LearningRateDecayTest {

    private static final double ETA = 0.003;

    /** ½(1 + cos(π x)) in double: the closed form of SGDR's factor (arXiv 1608.03983, eq. 5, η_min = 0). */
    private static double cosine(double x) {
        return 0.5 * (1 + Math.cos(Math.PI * x));
    }

    private static Trainer trainer(TrainerConfig c) {
        UNetConfig net = new UNetConfig(1, 16, 8, List.of(1, 2), 1, List.of(), 2, 4, 0.0, 4, null, null);
        return Trainer.create(net, c, Schedules.linear(1000), Shapes.generate(8, 16, 1), Device.cpu(), 1);
    }

    @Test
    void afterTheWarmUpTheRateFollowsTheCosineDownToZeroAtDecaySteps() {
        int warmup = 10;
        int decay = 110;
        TrainerConfig c = TrainerConfig.builder()
                .learningRate(ETA)
                .warmupSteps(warmup)
                .decaySteps(decay)
                .build();
        // the trainer evaluates the same double expression as cosine() after a min() and a division;
        // a few double roundings of values ≤ η: 8 ulp(η) = 8 · 2^-52 · η covers them
        double tol = 8 * 0x1p-52 * ETA;
        try (Trainer t = trainer(c)) {
            // the warm-up is unchanged: η (n + 1)/W
            for (int n = 0; n < warmup; n++) {
                assertThat(t.learningRate(n)).isCloseTo(ETA * (n + 1.0) / warmup, within(tol));
            }
            // then η at n = W, η/2 half way, 0 at n = D and after; strictly decreasing in between
            assertThat(t.learningRate(warmup)).isCloseTo(ETA, within(tol));
            assertThat(t.learningRate(60)).isCloseTo(ETA / 2, within(tol));
            assertThat(t.learningRate(decay)).isCloseTo(0.0, within(tol));
            assertThat(t.learningRate(decay + 50)).isCloseTo(0.0, within(tol));
            for (int n = warmup; n < decay; n++) {
                assertThat(t.learningRate(n)).isCloseTo(ETA * cosine((n - warmup) / 100.0), within(tol));
                assertThat(t.learningRate(n + 1)).isLessThan(t.learningRate(n));
            }
        }
        // without decaySteps the rate stays at η after the warm-up (the behaviour before the field existed)
        try (Trainer t = trainer(c.toBuilder().decaySteps(0).build())) {
            assertThat(t.learningRate(warmup)).isEqualTo(ETA);
            assertThat(t.learningRate(5000)).isEqualTo(ETA);
        }
    }

    @Test
    void theUnetTrainerDecaysOverTheDocumentsStepsOnlyWhenAskedTo() {
        var doc = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse("""
                {"version": 1, "trainer": {"type": "unet", "dataset": "shapes", "learningRateDecay": "cosine"},
                 "schedule": {"type": "linear", "numTrainTimesteps": 1000}, "steps": 10}
                """, "test");
        assertThat(TrainingPipeline.check(doc, PipelineOptions.defaults())).isEmpty();
        UNetTrainerProvider.Config cosine = new com.fasterxml.jackson.databind.ObjectMapper()
                .convertValue(
                        ((com.fasterxml.jackson.databind.node.ObjectNode)
                                        doc.get("trainer").deepCopy())
                                .without("type"),
                        UNetTrainerProvider.Config.class);
        assertThat(cosine.trainerConfig(1, 650).decaySteps()).isEqualTo(650);
        UNetTrainerProvider.Config none = new com.fasterxml.jackson.databind.ObjectMapper()
                .convertValue(Json.parse("{\"dataset\": \"shapes\"}", "test"), UNetTrainerProvider.Config.class);
        assertThat(none.trainerConfig(1, 650).decaySteps()).isZero();

        ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("trainer")).put("learningRateDecay", "linear");
        List<ConfigProblem> problems = TrainingPipeline.check(doc, PipelineOptions.defaults());
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).path()).isEqualTo("/trainer/learningRateDecay");
        assertThat(problems.get(0).message()).contains("'none' or 'cosine'", "'linear'");
    }
}
