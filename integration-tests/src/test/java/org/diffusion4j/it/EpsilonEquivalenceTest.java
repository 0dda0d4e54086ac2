package org.diffusion4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.schedules.DiscreteSchedule;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same network through ONNX Runtime ({@code .onnx}) and through DJL's TorchScript loader
 * ({@code .pt}, same weights) gives the same ε to within twice the float32 error bound of one
 * evaluation ({@link FixtureBounds#twoEvaluations}, derived in {@link org.diffusion4j.testkit.FixtureBounds}): on the recorded
 * PyTorch batch, on seeded random inputs at many timesteps and batch sizes, with class labels and
 * with the null label; and where ε is known in closed form (the analytic and mixture models), both
 * match it.
 */
class EpsilonEquivalenceTest {
    private static final DiscreteSchedule LINEAR = Schedules.linear(1000);
    /** Labels 0, 1, 2 and the null condition ∅ (sent as label 3) in one batch. */
    private static final Conditions MIXED = Conditions.of(
            Condition.label(0),
            Condition.label(1),
            Condition.label(2),
            Condition.none(),
            Condition.label(2),
            Condition.none());

    private static final int[] TIMES = {0, 1, 17, 250, 500, 999};

    private static Twins twins;
    private static final Map<String, NoisePredictor> LOADED = new HashMap<>();

    @BeforeAll
    static void open() {
        twins = Twins.open(1);
    }

    @AfterAll
    static void close() {
        twins.close();
    }

    /** Options a model needs on one backend beyond the defaults of {@link Twins}. */
    private static Map<String, Object> extra(String backend, String name) {
        if (backend.equals(Twins.DJL) && name.endsWith("_t_f32")) {
            return Map.of("timestepDtype", "float32"); // ONNX reads the dtype from the model
        }
        return Map.of();
    }

    private static NoisePredictor model(String backend, String name) {
        return LOADED.computeIfAbsent(backend + ":" + name, k -> twins.predictor(backend, name, extra(backend, name)));
    }

    static Stream<String> models() {
        return Stream.of("tiny_unet", "tiny_unet_t_f32", "linear", "gmm_eps");
    }

    static Stream<Arguments> modelsAndTimes() {
        return models().flatMap(m -> Arrays.stream(TIMES).mapToObj(t -> Arguments.of(m, t)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void bothBackendsReproduceTheRecordedPyTorchOutput(String name) {
        Fixtures.Recorded r = Fixtures.recorded(name);
        Fixtures.Array xs = r.input("sample");
        Fixtures.Array ts = r.input("timestep");
        Fixtures.Array ys = r.input("class_labels");
        float[] want = r.output("out_sample").floats();
        int per = Fixtures.SAMPLE.intSize();
        // one timestep per call in the SDK: replay each recorded sample as a batch of one
        for (int b = 0; b < xs.shape().get(0); b++) {
            Tensor x = ArrayTensor.of(
                    Arrays.copyOfRange(xs.floats(), b * per, (b + 1) * per), Fixtures.SAMPLE.withBatch(1));
            int y = (int) ys.data()[b];
            Conditions c = Conditions.of(y == Fixtures.NUM_CLASSES ? Condition.none() : Condition.label(y));
            Timestep t = LINEAR.level((int) ts.data()[b]);
            Tensor expected = ArrayTensor.of(Arrays.copyOfRange(want, b * per, (b + 1) * per), x.shape());
            for (String backend : new String[] {Twins.ONNX, Twins.DJL}) {
                Close.assertWithin(
                        model(backend, name).predict(x, t, c),
                        expected,
                        FixtureBounds.twoEvaluations(name, x, t, c, expected),
                        name + " on " + backend + ", recorded sample " + b);
            }
        }
    }

    @ParameterizedTest(name = "{0} t={1}")
    @MethodSource("modelsAndTimes")
    void sameEpsilonOnRandomInputsWithLabelsAndNullLabel(String name, int t) {
        Tensor x = Close.gaussian(Fixtures.SAMPLE.withBatch(MIXED.size()), 1000L * t + name.hashCode(), 1.0);
        Timestep level = LINEAR.level(t);
        Tensor onnx = model(Twins.ONNX, name).predict(x, level, MIXED);
        Tensor djl = model(Twins.DJL, name).predict(x, level, MIXED);
        Close.assertWithin(
                djl,
                onnx,
                FixtureBounds.twoEvaluations(name, x, level, MIXED, onnx),
                name + " at t=" + t + ": djl vs onnx");
        assertThat(onnx.allFinite()).as("finite ε").isTrue();
    }

    /**
     * The comparisons above are not vacuous: on each model ε is non-zero and the label changes it
     * (label 0 vs ∅ on the same x) at some of the timesteps compared. (The mixture's two ε differ by
     * σα(μ_y − μ̄)/v, which is tiny at small t, hence "some".)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void theLabelChangesEpsilon(String name) {
        Tensor x = Close.gaussian(Fixtures.SAMPLE.withBatch(1), 5, 1.0);
        double largest = 0;
        for (int t : TIMES) {
            Tensor cond = model(Twins.ONNX, name).predict(x, LINEAR.level(t), Conditions.labels(0));
            Tensor uncond = model(Twins.ONNX, name).predict(x, LINEAR.level(t), Conditions.unconditional(1));
            // 1e-2 is 20 times the largest two-backend bound (2 × 2.4e-4 for the UNet), so a zero or
            // rounding-sized ε cannot pass
            assertThat(cond.norm()).as("|ε| at t=%d", t).isGreaterThan(1e-2);
            largest = Math.max(largest, Close.maxScaledDiff(cond.toFloatArray(), uncond.toFloatArray()));
        }
        // the same margin: a label ignored by a backend would change ε by less than the bounds compared above
        assertThat(largest).as("largest change of ε from label 0 to ∅").isGreaterThan(1e-2);
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 2, 16, 64})
    void sameEpsilonAtEveryBatchSize(int batch) {
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = i % 3;
        }
        Conditions labels = Conditions.labels(y);
        Conditions nulls = Conditions.unconditional(batch);
        for (int t : new int[] {3, 640}) {
            Tensor x = Close.gaussian(Fixtures.SAMPLE.withBatch(batch), 31L * batch + t, 1.5);
            for (Conditions c : new Conditions[] {labels, nulls}) {
                Tensor onnx = model(Twins.ONNX, "tiny_unet").predict(x, LINEAR.level(t), c);
                Close.assertWithin(
                        model(Twins.DJL, "tiny_unet").predict(x, LINEAR.level(t), c),
                        onnx,
                        FixtureBounds.twoEvaluations("tiny_unet", x, LINEAR.level(t), c, onnx),
                        "tiny_unet batch " + batch + " t=" + t + " " + c.get(0));
            }
        }
    }

    /** The analytic model, ε = (0.1 + 0.4 t/1000) x + 0.5 E[y] with E[∅] = 0 (tools/fixtures/README.md), on both. */
    @Test
    void analyticModelMatchesItsClosedFormOnBothBackends() {
        int per = Fixtures.SAMPLE.intSize();
        for (int t : TIMES) {
            Tensor x = Close.gaussian(Fixtures.SAMPLE.withBatch(MIXED.size()), 7 + t, 2.0);
            float[] xv = x.toFloatArray();
            float[] want = new float[xv.length];
            double c = 0.1 + 0.4 * t / 1000.0;
            for (int n = 0; n < xv.length; n++) {
                Condition cond = MIXED.get(n / per);
                int i = (n % per) / 8;
                int j = n % 8;
                double e = cond instanceof Condition.Label l ? Math.cos(0.7 * (l.value() + 1) * i + 0.3 * j) : 0;
                want[n] = (float) (c * xv[n] + 0.5 * e);
            }
            Tensor expected = ArrayTensor.of(want, x.shape());
            // one float32 evaluation against the closed form rounded once to float32
            double[] bound = FixtureBounds.plusReferenceRounding(
                    FixtureBounds.relative(FixtureBounds.linear(x.abs().max()), expected), expected);
            for (String backend : new String[] {Twins.ONNX, Twins.DJL}) {
                Close.assertWithin(
                        model(backend, "linear").predict(x, LINEAR.level(t), MIXED),
                        expected,
                        bound,
                        "linear on " + backend + " at t=" + t);
            }
        }
    }

    /**
     * The mixture model against the test kit's exact ε* of the same mixture (μ_k = 1.5 E[k], s = 0.5),
     * in double from the SDK's schedule, to the mixture's per-element float32 bound (which includes the
     * network's float32 ᾱ_t table) plus the reference's own rounding to float32.
     */
    @Test
    void mixtureModelMatchesTheExactScoreOnBothBackends() {
        NoisePredictor exact = mixture().epsilonPredictor();
        Shape flat = Shape.of(MIXED.size(), Fixtures.SAMPLE.intSize());
        for (int t : TIMES) {
            Tensor x = Close.gaussian(Fixtures.SAMPLE.withBatch(MIXED.size()), 11 + t, 1.0);
            Timestep level = LINEAR.level(t);
            Tensor want = exact.predict(x.reshape(flat), level, MIXED).reshape(x.shape());
            double[] bound = FixtureBounds.plusReferenceRounding(
                    FixtureBounds.mixture(FixtureBounds.MixtureOutput.EPSILON, x, MIXED, level), want);
            for (String backend : new String[] {Twins.ONNX, Twins.DJL}) {
                Close.assertWithin(
                        model(backend, "gmm_eps").predict(x, level, MIXED),
                        want,
                        bound,
                        "gmm_eps on " + backend + " vs exact ε* at t=" + t);
            }
        }
    }

    /** The fixtures' mixture: three classes, μ_k[i, j] = 1.5 cos(0.7 (k+1) i + 0.3 j), s = 0.5. */
    static GaussianMixture mixture() {
        double[][] mu = new double[3][64];
        for (int k = 0; k < 3; k++) {
            for (int n = 0; n < 64; n++) {
                mu[k][n] = 1.5 * Math.cos(0.7 * (k + 1) * (n / 8) + 0.3 * (n % 8));
            }
        }
        return new GaussianMixture(new double[] {1, 1, 1}, mu, new double[] {0.5, 0.5, 0.5});
    }
}
