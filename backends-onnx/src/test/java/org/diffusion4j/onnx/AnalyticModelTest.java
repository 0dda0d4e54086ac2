package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.testkit.ErrorBound;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The analytic fixtures through ONNX Runtime against their closed forms, computed in double. */
class AnalyticModelTest {
    private static final Map<String, Object> THREE_CLASSES = Map.of("numClasses", 3);
    private static final Conditions MIXED =
            Conditions.of(Condition.label(0), Condition.label(1), Condition.label(2), Condition.none());
    private static OnnxBackend backend;

    @BeforeAll
    static void open() {
        backend = OnnxBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static OnnxNoisePredictor load(String name, Map<String, Object> options) {
        return backend.loadPredictor(new ModelSpec(Fixtures.onnx(name), PredictionType.EPSILON, options));
    }

    /**
     * One float32 evaluation of the linear model against its closed form rounded once to float32:
     * {@link FixtureBounds#linear} at the input's max |x|, plus the reference's rounding u.
     */
    private static double linearBound(Tensor x) {
        return FixtureBounds.linear(x.abs().max()) + ErrorBound.U32;
    }

    /** |got_i − want_i| ≤ bound_i elementwise. */
    private static void assertWithin(Tensor got, Tensor want, double[] bound) {
        assertThat(got.shape()).isEqualTo(want.shape());
        float[] g = got.toFloatArray();
        float[] w = want.toFloatArray();
        for (int i = 0; i < g.length; i++) {
            assertThat(Math.abs((double) g[i] - w[i]))
                    .as("element %d: got %s, want %s", i, g[i], w[i])
                    .isLessThanOrEqualTo(bound[i]);
        }
    }

    /** |got − want| ≤ tol·max(1, |want|) elementwise. */
    private static void assertClose(Tensor got, Tensor want, double tol) {
        assertThat(got.shape()).isEqualTo(want.shape());
        float[] g = got.toFloatArray();
        float[] w = want.toFloatArray();
        for (int i = 0; i < g.length; i++) {
            assertThat(Math.abs((double) g[i] - w[i]))
                    .as("element %d: got %s, want %s", i, g[i], w[i])
                    .isLessThanOrEqualTo(tol * Math.max(1, Math.abs(w[i])));
        }
    }

    @ParameterizedTest(name = "t = {0}")
    @ValueSource(ints = {0, 17, 500, 999})
    void linearModelIsTheClosedForm(int t) {
        OnnxNoisePredictor p = load("linear", THREE_CLASSES);
        Tensor x = Analytic.gaussian(4, 11 + t);
        Timestep time = Analytic.level(t);
        // ε = (0.1 + 0.4 t/T) x + 0.5 E[y], the null condition mapped to label numClasses = 3 (E[3] = 0)
        assertClose(p.predict(x, time, MIXED), Analytic.LINEAR.predict(x, time, MIXED), linearBound(x));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linear_t_f32", "linear_t_i32", "linear_b1"})
    void timestepDtypesAndFixedBatchGiveTheSameOutputs(String variant) {
        Tensor x = Analytic.gaussian(4, 5);
        Timestep time = Analytic.level(321);
        Tensor want = load("linear", THREE_CLASSES).predict(x, time, MIXED);
        OnnxNoisePredictor p = load(variant, THREE_CLASSES);
        // the timestep is cast to the model's declared dtype; integer values are exact in every one, so the
        // variants are two float32 evaluations of the same function (2 × the linear bound), while a timestep
        // off by one would change ε by 0.4/1000 · |x|, hundreds of times more
        assertClose(
                p.predict(x, time, MIXED),
                want,
                2 * FixtureBounds.linear(x.abs().max()));
    }

    @Test
    void scalarFloat64TimestepIsFedAsOneValue() {
        OnnxNoisePredictor p = load("linear_t_f64_scalar", THREE_CLASSES);
        assertThat(p.describe()).contains("float64, scalar");
        Tensor x = Analytic.gaussian(3, 9);
        Timestep time = Timestep.ofAlphaBar(123.25, 0.5); // a float timestep needs no integer model time
        Conditions c = Conditions.labels(2, 0, 1);
        assertClose(p.predict(x, time, c), Analytic.LINEAR.predict(x, time, c), linearBound(x));
    }

    @Test
    void float16ModelTakesAndReturnsHalfPrecision() {
        OnnxNoisePredictor p = load("linear_fp16", THREE_CLASSES);
        assertThat(p.describe()).contains("sample: float16[batch, 1, 8, 8]", "timestep: float16[batch]");
        Tensor x = Analytic.gaussian(4, 21);
        Timestep time = Analytic.level(640);
        // the input x is rounded to float16 (unit roundoff 2^-11): |c δx| ≤ 0.5 · 2^-11 |x|; the output once
        // more: 2^-11 |ε|; relative to max(1, |ε|) that is at most 2^-11 (0.5 max|x| + 1), plus the float32
        // arithmetic in between (timestep 640 is exact in float16)
        assertClose(
                p.predict(x, time, MIXED),
                Analytic.LINEAR.predict(x, time, MIXED),
                ErrorBound.U16 * (0.5 * x.abs().max() + 1) + linearBound(x));
    }

    @Test
    void nullLabelOptionChoosesTheClassOfTheNullCondition() {
        OnnxNoisePredictor p = load("linear", Map.of("nullLabel", 1));
        Tensor x = Analytic.gaussian(2, 3);
        Timestep time = Analytic.level(250);
        Tensor got = p.predict(x, time, Conditions.unconditional(2));
        assertClose(got, Analytic.LINEAR.predict(x, time, Conditions.labels(1, 1)), linearBound(x));
    }

    @Test
    void timestepScaleMultipliesTheModelTime() {
        OnnxNoisePredictor p = load("linear_t_f32", Map.of("numClasses", 3, "timestepScale", 2.0));
        Tensor x = Analytic.gaussian(4, 8);
        Tensor got = p.predict(x, Timestep.ofAlphaBar(250, 0.5), MIXED);
        assertClose(got, Analytic.LINEAR.predict(x, Timestep.ofAlphaBar(500, 0.5), MIXED), linearBound(x));
    }

    @Test
    void predictionTypeComesFromTheModelSpec() {
        OnnxNoisePredictor p =
                backend.loadPredictor(new ModelSpec(Fixtures.onnx("linear"), PredictionType.V, THREE_CLASSES));
        assertThat(p.predictionType()).isEqualTo(PredictionType.V);
        assertThat(p.fixedBatchSize()).isEmpty();
    }

    @Test
    void embeddingModelIsTheClosedForm() {
        OnnxNoisePredictor p = load("linear_emb", Map.of("nullEmbedding", "zeros"));
        assertThat(p.describe()).contains("condition <- 'encoder_hidden_states' (embedding)");
        Tensor x = Analytic.gaussian(3, 4);
        float[][] h = {{0.3f, -1f, 2f, 0.5f, 1f, 0f, -0.25f, 0.75f}, {1f, 1f, 1f, 1f, -1f, -1f, -1f, -1f}};
        Conditions c = Conditions.of(
                Condition.embedding(ArrayTensor.of(h[0], Shape.of(2, 4))),
                Condition.none(),
                Condition.embedding(ArrayTensor.of(h[1], Shape.of(2, 4))));
        int t = 700;
        Tensor got = p.predict(x, Analytic.level(t), c);
        // ε = c(t) x + 0.5 (Σ_{l,j} w[l,j] h[l,j]) E[0], w[l,j] = 0.25 (l+1) − 0.1 j; ∅ → h = 0
        float[] xs = x.toFloatArray();
        float[] want = new float[xs.length];
        double[] s = new double[3];
        for (int e = 0; e < 2; e++) {
            for (int l = 0; l < 2; l++) {
                for (int j = 0; j < 4; j++) {
                    s[e == 0 ? 0 : 2] += (0.25 * (l + 1) - 0.1 * j) * h[e][l * 4 + j];
                }
            }
        }
        for (int b = 0; b < 3; b++) {
            for (int q = 0; q < Analytic.D; q++) {
                want[b * Analytic.D + q] =
                        (float) (Analytic.c(t) * xs[b * Analytic.D + q] + 0.5 * s[b] * Analytic.pattern(0, q));
            }
        }
        // the linear bound plus the embedding term's 8-term sum: γ_8 · 0.5 Σ|w h| |E[0]| ≤ γ_8 · 0.5 · 4 max|h|
        assertClose(
                got,
                ArrayTensor.of(want, x.shape()),
                linearBound(x) + ErrorBound.gamma32(8) * 2 * 2 * FixtureBounds.SAFETY);
    }

    @ParameterizedTest(name = "t = {0}")
    @ValueSource(ints = {0, 100, 600, 999})
    void gaussianMixtureEpsilonIsExact(int t) {
        OnnxNoisePredictor p = load("gmm_eps", THREE_CLASSES);
        Timestep time = Analytic.level(t);
        // x_t drawn around the diffused components so that the responsibilities are not all one-hot
        Tensor x = Analytic.gaussian(4, 40 + t).times(Math.sqrt(time.alphaBar() * 0.25 + time.sigmaSquared()));
        Tensor want = Analytic.gmmEps(x, t, MIXED);
        assertWithin(
                p.predict(x, time, MIXED),
                want,
                FixtureBounds.plusReferenceRounding(
                        FixtureBounds.mixture(FixtureBounds.MixtureOutput.EPSILON, x, MIXED, time), want));
    }

    @ParameterizedTest(name = "t = {0}")
    @ValueSource(ints = {0, 100, 600, 999})
    void classifierGradientIsExactAndMatchesTheImplicitClassifierOfTheEpsilonModel(int t) {
        OnnxClassifierGradient g =
                backend.loadClassifier(new ModelSpec(Fixtures.onnx("gmm_grad"), PredictionType.EPSILON, Map.of()));
        OnnxNoisePredictor eps = load("gmm_eps", THREE_CLASSES);
        Timestep time = Analytic.level(t);
        Tensor x = Analytic.gaussian(4, 70 + t).times(Math.sqrt(time.alphaBar() * 0.25 + time.sigmaSquared()));
        Tensor grad = g.gradLogProb(x, time, MIXED);
        Tensor want = Analytic.gmmGrad(x, t, MIXED);
        double[] gradBound = FixtureBounds.mixture(FixtureBounds.MixtureOutput.GRADIENT, x, MIXED, time);
        assertWithin(grad, want, FixtureBounds.plusReferenceRounding(gradBound, want));
        // ∇ log p(y|x_t) = ∇ log p(x_t|y) − ∇ log p(x_t) = −(ε(x, y) − ε(x, ∅))/σ, two ONNX models agreeing:
        // within the gradient's bound plus (bound of ε_c + bound of ε_u)/σ plus the subtraction and
        // division (γ_2 of |implicit|)
        Tensor epsC = eps.predict(x, time, MIXED);
        Tensor epsU = eps.predict(x, time, Conditions.unconditional(4));
        Tensor implicit = epsC.minus(epsU).times(-1 / time.sigma());
        double[] bc = FixtureBounds.mixture(FixtureBounds.MixtureOutput.EPSILON, x, MIXED, time);
        double[] bu = FixtureBounds.mixture(FixtureBounds.MixtureOutput.EPSILON, x, Conditions.unconditional(4), time);
        float[] imp = implicit.toFloatArray();
        double[] bound = new double[bc.length];
        for (int i = 0; i < bound.length; i++) {
            bound[i] = gradBound[i] + (bc[i] + bu[i]) / time.sigma() + ErrorBound.gamma32(2) * Math.abs(imp[i]);
        }
        assertWithin(grad, implicit, bound);
        // the null condition gets an exactly zero gradient
        assertThat(grad.slice(3, 4).abs().max()).isZero();
    }

    @Test
    void classifierWithOnlyNullConditionsDoesNotRunTheModel() {
        OnnxClassifierGradient g =
                backend.loadClassifier(new ModelSpec(Fixtures.onnx("gmm_grad"), PredictionType.EPSILON, Map.of()));
        Tensor x = Analytic.gaussian(2, 1);
        g.close(); // a closed model fails when run; all-null labels never reach it
        assertThat(g.gradLogProb(x, Analytic.level(10), Conditions.unconditional(2))
                        .abs()
                        .max())
                .isZero();
    }
}
