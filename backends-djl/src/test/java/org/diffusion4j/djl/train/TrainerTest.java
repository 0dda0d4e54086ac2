package org.diffusion4j.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.djl.TestNets;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    private static final Schedule SCHEDULE = Schedules.linear(1000);
    private static final ImageDataset DATA = Shapes.generate(256, 16, 3);

    private static TrainerConfig config(long seed) {
        return TrainerConfig.builder()
                .batchSize(16)
                .learningRate(2e-3)
                .warmupSteps(5)
                .seed(seed)
                .build();
    }

    private static Trainer trainer(long seed) {
        return Trainer.create(TestNets.tinyUNet(4), config(seed), SCHEDULE, DATA, Device.cpu(), 11);
    }

    @Test
    void aFewStepsOnTheBuiltInDataLowerTheLoss() {
        try (Trainer t = trainer(1)) {
            t.train(40, ProgressListener.NONE);
            List<Float> l = t.losses();
            double first = l.subList(0, 5).stream()
                    .mapToDouble(Float::doubleValue)
                    .average()
                    .orElseThrow();
            double last = l.subList(35, 40).stream()
                    .mapToDouble(Float::doubleValue)
                    .average()
                    .orElseThrow();
            assertThat(first).isGreaterThan(0.5); // an untrained ε-network: E‖ε‖² per pixel ≈ 1
            assertThat(last).isLessThan(0.6 * first);
        }
    }

    @Test
    void trainingIsDeterministicOnTheCpu() {
        try (Trainer a = trainer(5);
                Trainer b = trainer(5);
                Trainer c = trainer(6)) {
            for (int i = 0; i < 3; i++) {
                assertThat(a.trainStep()).isEqualTo(b.trainStep());
            }
            assertThat(c.trainStep()).isNotEqualTo(a.losses().get(0));
        }
    }

    @Test
    void garbageCollectionDuringTrainingChangesNothing() throws Exception {
        // regression: scalar constants saved by autograd must stay alive until the backward pass
        List<Float> calm;
        try (Trainer a = trainer(12)) {
            a.train(4, ProgressListener.NONE);
            calm = a.losses();
        }
        java.util.concurrent.atomic.AtomicBoolean run = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread gc = new Thread(() -> {
            while (run.get()) {
                System.gc();
                byte[][] junk = new byte[64][];
                for (int i = 0; i < junk.length; i++) {
                    junk[i] = new byte[1 << 16];
                }
            }
        });
        gc.start();
        try (Trainer b = trainer(12)) {
            b.train(4, ProgressListener.NONE);
            assertThat(b.losses()).isEqualTo(calm);
        } finally {
            run.set(false);
            gc.join();
        }
    }

    @Test
    void resumingFromACheckpointReproducesTheNextStepLoss(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.ckpt");
        double expected;
        List<Float> before;
        try (Trainer t = trainer(9)) {
            t.train(4, ProgressListener.NONE);
            t.save(file);
            before = t.losses();
            expected = t.trainStep();
        }
        try (Trainer r = Trainer.resume(file, SCHEDULE, DATA, Device.cpu())) {
            assertThat(r.stepsDone()).isEqualTo(4);
            assertThat(r.losses()).isEqualTo(before);
            assertThat(r.trainStep()).isEqualTo(expected);
            assertThat(r.losses()).hasSize(5);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("run.ckpt", "run.ckpt.state.safetensors"); // no temporary left
        }
    }

    @Test
    void savingOverAnExistingCheckpointReplacesItWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.ckpt");
        try (Trainer t = trainer(2)) {
            t.trainStep();
            t.save(file);
            t.trainStep();
            t.save(file);
        }
        Checkpoint c = Checkpoint.read(file);
        assertThat(c.state().get("step").asLong()).isEqualTo(2);
        Files.write(dir.resolve("bad.ckpt"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> Checkpoint.read(dir.resolve("bad.ckpt")))
                .hasMessageContaining("not a diffusion4j checkpoint");
    }

    @Test
    void theEmaModelAveragesTheWeights() {
        try (Trainer t = trainer(4)) {
            var w0 = t.model().weights();
            t.train(3, ProgressListener.NONE);
            var w3 = t.model().weights();
            var ema = t.emaWeights();
            String k = w0.keySet().iterator().next();
            // decays d_t = min(0.999, (1+t)/(10+t)): 0.1, 2/11, 3/12 -> θ̄ = Σ weights of θ_0..θ_3 (not equal to θ_3)
            assertThat(ema.get(k)).isNotEqualTo(w3.get(k));
            try (UNetModel m = t.emaModel()) {
                assertThat(m.weights().get(k)).containsExactly(ema.get(k));
            }
        }
    }

    @Test
    void conditionDropoutReplacesTheAskedFractionOfLabels() {
        int n = 200_000;
        int[] labels = new int[n];
        int dropped = ConditionDropout.apply(labels, 0.1, 10, org.diffusion4j.api.noise.SdkNoise.normal(3));
        double rate = (double) dropped / n;
        double sd = Math.sqrt(0.1 * 0.9 / n);
        assertThat(rate).isCloseTo(0.1, within(5 * sd)); // 5 standard errors: a false failure has probability 6e-7
        assertThat(java.util.Arrays.stream(labels).filter(v -> v == 10).count()).isEqualTo(dropped);
        // and the trainer drops at its configured p_uncond (here 0.3) over 40 steps × 16 labels
        try (Trainer t = Trainer.create(
                TestNets.tinyUNet(4), config(3).toBuilder().pUncond(0.3).build(), SCHEDULE, DATA, Device.cpu(), 1)) {
            int total = 0;
            for (int i = 0; i < 40; i++) {
                t.trainStep();
                total += t.lastDropped();
            }
            double r = total / 640.0;
            assertThat(r).isCloseTo(0.3, within(5 * Math.sqrt(0.3 * 0.7 / 640))); // 5 standard errors, as above
        }
    }

    @Test
    void lossWeightsAndTargetsFollowTheirClosedForms() {
        var t = org.diffusion4j.api.Timestep.ofAlphaBar(3, 0.8); // SNR = 4
        assertThat(LossWeighting.weight(org.diffusion4j.api.PredictionType.EPSILON, t, 0))
                .isEqualTo(1);
        // a handful of double operations (SNR = ᾱ/σ², min, a ratio): γ_8 in double of weights ≤ 2, ×10 safety
        double w = 10 * org.diffusion4j.testkit.ErrorBound.gamma64(8) * 2;
        assertThat(LossWeighting.weight(org.diffusion4j.api.PredictionType.EPSILON, t, 5))
                .isCloseTo(1, within(w));
        assertThat(LossWeighting.weight(org.diffusion4j.api.PredictionType.EPSILON, t, 2))
                .isCloseTo(0.5, within(w));
        assertThat(LossWeighting.weight(org.diffusion4j.api.PredictionType.SAMPLE, t, 2))
                .isCloseTo(2, within(w));
        assertThat(LossWeighting.weight(org.diffusion4j.api.PredictionType.V, t, 2))
                .isCloseTo(0.4, within(w));
        // the v target c_x0·x0 + c_ε·ε, converted back by the api's PredictionType, gives ε again
        double[] c = LossWeighting.targetCoefficients(org.diffusion4j.api.PredictionType.V, t);
        var x0 = org.diffusion4j.api.tensor.ArrayTensor.of(
                new float[] {0.5f, -1f}, org.diffusion4j.api.tensor.Shape.of(1, 2));
        var eps = org.diffusion4j.api.tensor.ArrayTensor.of(
                new float[] {1.2f, 0.3f}, org.diffusion4j.api.tensor.Shape.of(1, 2));
        var xt = x0.linear(t.alpha(), eps, t.sigma());
        var v = x0.linear(c[0], eps, c[1]);
        var back = org.diffusion4j.api.PredictionType.V.toEpsilon(v, xt, t);
        // x_t, v and ε = σ x_t + α v each take two float32 products and a sum (γ_3 each, on terms of size
        // (α + σ)(|x0| + |ε|) ≤ 2 · 2.2): ≤ 3 γ_3 · 4.4, with safety 2
        double tol = 2 * 3 * org.diffusion4j.testkit.ErrorBound.gamma32(3) * 4.4;
        assertThat((double) back.toFloatArray()[0])
                .isCloseTo(1.2, within(tol + 0x1p-24 * 1.2)); // 1.2f itself is rounded
        assertThat((double) back.toFloatArray()[1]).isCloseTo(0.3, within(tol + 0x1p-24 * 0.3));
    }

    @Test
    void progressIsReported() {
        List<TrainingProgress> seen = new ArrayList<>();
        try (Trainer t = trainer(8)) {
            t.train(3, seen::add);
        }
        assertThat(seen).extracting(TrainingProgress::step).containsExactly(1L, 2L, 3L);
        assertThat(seen.get(2).targetStep()).isEqualTo(3);
        assertThat(seen.get(2).stepsPerSecond()).isPositive();
        // warm-up step 1 of 5: lr · 1/5 in double, two roundings (γ_2 of 4e-4), ×10 safety
        assertThat(seen.get(0).learningRate())
                .isCloseTo(2e-3 / 5, within(10 * org.diffusion4j.testkit.ErrorBound.gamma64(2) * 4e-4));
    }

    @Test
    void vPredictionWithMinSnrOnAContinuousScheduleLearns() {
        // model time u ∈ [0, 1] of the cosine log-SNR schedule, scaled to [0, 1000] for the embedding
        var unet = TestNets.tinyUNet(4)
                .withPredictionType(org.diffusion4j.api.PredictionType.V)
                .withTimeScale(1000);
        var cfg = config(21).toBuilder().minSnrGamma(5).build();
        try (Trainer t = Trainer.create(unet, cfg, Schedules.cosineLogSnr(), DATA, Device.cpu(), 2)) {
            t.train(40, ProgressListener.NONE);
            List<Float> l = t.losses();
            double first = l.subList(0, 5).stream()
                    .mapToDouble(Float::doubleValue)
                    .average()
                    .orElseThrow();
            double last = l.subList(35, 40).stream()
                    .mapToDouble(Float::doubleValue)
                    .average()
                    .orElseThrow();
            assertThat(l).allMatch(v -> Float.isFinite(v));
            assertThat(last).isLessThan(0.8 * first);
        }
    }

    @Test
    void mismatchedDataIsRejected() {
        assertThatThrownBy(() -> Trainer.create(
                        TestNets.tinyUNet(4), config(1), SCHEDULE, Shapes.generate(8, 28, 1), Device.cpu(), 1))
                .hasMessageContaining("[1, 28, 28]")
                .hasMessageContaining("[1, 16, 16]");
    }

    @Test
    void aLossThatIsNotFiniteStopsTrainingWithItsCode() {
        // images of NaN make every prediction, and so the loss, NaN at the first step
        ImageDataset nan = new ImageDataset() {
            @Override
            public int size() {
                return DATA.size();
            }

            @Override
            public org.diffusion4j.api.tensor.Shape imageShape() {
                return DATA.imageShape();
            }

            @Override
            public int numClasses() {
                return DATA.numClasses();
            }

            @Override
            public void copyImage(int i, float[] dst, int offset) {
                java.util.Arrays.fill(
                        dst, offset, offset + (int) DATA.imageShape().size(), Float.NaN);
            }

            @Override
            public int label(int i) {
                return DATA.label(i);
            }
        };
        try (Trainer t = Trainer.create(TestNets.tinyUNet(4), config(1), SCHEDULE, nan, Device.cpu(), 11)) {
            assertThatThrownBy(() -> t.train(1, ProgressListener.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("D4J-TRAIN-DIVERGED: ")
                    .hasMessageContaining("step");
        }
    }
}
