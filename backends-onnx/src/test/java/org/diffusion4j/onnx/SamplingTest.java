package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.guidance.ClassifierFreeGuidance;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.BoundRecorder;
import org.diffusion4j.testkit.ErrorBound;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sampling through ONNX models with the SDK's samplers and guidance, checked against closed forms. */
class SamplingTest {
    private static final Map<String, Object> THREE_CLASSES = Map.of("numClasses", 3);
    private static final Schedule LINEAR = Schedules.linear(1000);
    private static final Conditions LABELS = Conditions.labels(0, 1, 2);
    private static OnnxBackend backend;

    @BeforeAll
    static void open() {
        backend = OnnxBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static OnnxNoisePredictor load(String name) {
        return backend.loadPredictor(new ModelSpec(Fixtures.onnx(name), PredictionType.EPSILON, THREE_CLASSES));
    }

    private static SampleRequest.Builder request(NoisePredictor p, Guidance g, Tensor xT) {
        return SampleRequest.builder()
                .predictor(p)
                .schedule(LINEAR)
                .guidance(g)
                .conditions(LABELS)
                .sampleShape(Analytic.SAMPLE)
                .initialState(xT);
    }

    /**
     * DDIM (η = 0) on ε = c(t) x + d e_y, with CFG ε̂ = c x + d γ e_y (e_∅ = 0), in closed form: each step
     * x_prev = α'x̂0 + σ'ε̂ with x̂0 = (x − σε̂)/α is affine in x,
     * x_prev = [α'/α (1 − σ c) + σ' c] x + [σ' − α'σ/α] d γ e_y (DDIM, arXiv 2010.02502, eq. 12, σ = 0).
     */
    private static float[] ddimClosedForm(Tensor xT, int steps, double gamma) {
        float[] x0 = xT.toFloatArray();
        double[] x = new double[x0.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = x0[i];
        }
        for (Step s : LINEAR.plan(steps)) {
            double alpha = s.current().alpha();
            double sigma = s.current().sigma();
            double alphaPrev = s.previous().alpha();
            double sigmaPrev = s.previous().sigma();
            double c = Analytic.c(s.current().modelTime());
            double a = alphaPrev / alpha * (1 - sigma * c) + sigmaPrev * c;
            double b = sigmaPrev - alphaPrev * sigma / alpha;
            for (int n = 0; n < x.length; n++) {
                int y = Analytic.label(LABELS.get(n / Analytic.D));
                x[n] = a * x[n] + b * 0.5 * gamma * Analytic.pattern(y, n % Analytic.D);
            }
        }
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }

    private static void assertClose(float[] got, float[] want, double tol) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < got.length; i++) {
            assertThat(Math.abs((double) got[i] - want[i]))
                    .as("element %d: got %s, want %s", i, got[i], want[i])
                    .isLessThanOrEqualTo(tol * Math.max(1, Math.abs(want[i])));
        }
    }

    @ParameterizedTest(name = "guidance scale {0}")
    @ValueSource(doubles = {1.0, 3.0})
    void ddimOnTheLinearModelIsTheClosedForm(double gamma) {
        Tensor xT = Analytic.gaussian(3, 1234);
        Guidance g = gamma == 1.0 ? Guidance.NONE : Guidances.cfg(gamma);
        BoundRecorder model = new BoundRecorder(load("linear"), "linear");
        Tensor x0 = Samplers.ddim(25).sample(request(model, g, xT).build());
        // one float32 run against the closed form in double: the model's bound once per step, amplified by CFG
        assertClose(
                x0.toFloatArray(),
                ddimClosedForm(xT, 25, gamma),
                model.trajectory(1, FixtureBounds.cfgAmplification(gamma)) + ErrorBound.U32);
    }

    @Test
    void stochasticDdimThroughOnnxEqualsThePureJavaModelFromTheSameSeed() {
        Sampler ddim = Samplers.ddim(20, 0.7);
        SampleRequest viaOnnx = SampleRequest.builder()
                .predictor(load("linear"))
                .schedule(LINEAR)
                .guidance(Guidances.cfg(2.0))
                .conditions(LABELS)
                .sampleShape(Analytic.SAMPLE)
                .seed(77)
                .build();
        BoundRecorder model = new BoundRecorder(load("linear"), "linear");
        Tensor a = ddim.sample(viaOnnx.toBuilder().predictor(model).build());
        Tensor b = ddim.sample(viaOnnx.toBuilder().predictor(Analytic.LINEAR).build());
        // ONNX Runtime vs the closed form rounded to float32 per call: the model's bound plus u per call
        assertClose(
                a.toFloatArray(),
                b.toFloatArray(),
                model.trajectory(1, FixtureBounds.cfgAmplification(2.0))
                        + 20 * ErrorBound.U32 * FixtureBounds.cfgAmplification(2.0));
        assertThat(a.abs().max()).isGreaterThan(0.1); // a real sample, not a degenerate zero
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linear", "tiny_unet"})
    void fixedBatchModelsWorkWithCfgInEitherBatching(String name) {
        OnnxNoisePredictor dynamic = load(name);
        OnnxNoisePredictor fixed = load(name + "_b1");
        assertThat(fixed.fixedBatchSize()).hasValue(1);
        AtomicInteger calls = new AtomicInteger();
        NoisePredictor counted = new NoisePredictor() {
            @Override
            public Tensor predict(Tensor x, org.diffusion4j.api.Timestep t, Conditions c) {
                calls.incrementAndGet();
                return fixed.predict(x, t, c);
            }

            @Override
            public java.util.OptionalInt fixedBatchSize() {
                return fixed.fixedBatchSize();
            }
        };
        Tensor xT = Analytic.gaussian(3, 55);
        int steps = 10;
        ClassifierFreeGuidance cfg = Guidances.cfg(2.5);
        Tensor want = Samplers.ddim(steps).sample(request(dynamic, cfg, xT).build());
        // AUTO: the fixed batch (1 ≠ 2B) makes the guidance call cond and uncond separately
        Tensor auto = Samplers.ddim(steps).sample(request(counted, cfg, xT).build());
        assertThat(calls.get()).isEqualTo(2 * steps);
        // CONCAT: one call of 2B, which the predictor splits into runs of its fixed batch
        Tensor concat = Samplers.ddim(steps)
                .sample(request(fixed, cfg.withBatching(ClassifierFreeGuidance.Batching.CONCAT), xT)
                        .build());
        // the _b1 export is a separate graph (static shapes: ONNX Runtime may pick other kernels), so these are
        // two float32 evaluations per call, amplified by CFG over the steps
        BoundRecorder bounds = new BoundRecorder(dynamic, name);
        Samplers.ddim(steps).sample(request(bounds, cfg, xT).build());
        double tol = bounds.trajectory(2, FixtureBounds.cfgAmplification(2.5));
        assertClose(auto.toFloatArray(), want.toFloatArray(), tol);
        assertClose(concat.toFloatArray(), want.toFloatArray(), tol);
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 2, 3, 5})
    void fixedBatchOfTwoSplitsAndPadsLargerAndSmallerBatches(int batch) {
        OnnxNoisePredictor fixed = load("linear_b2");
        assertThat(fixed.fixedBatchSize()).hasValue(2);
        Tensor x = Analytic.gaussian(batch, 3 + batch);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = (i * 2) % 3;
        }
        Conditions c = Conditions.labels(y);
        // runs of 2; an odd batch pads its last run with a copy of its last sample and drops it again: two
        // float32 evaluations of the same function, where a misplaced sample would differ by O(1)
        assertClose(
                fixed.predict(x, Analytic.level(400), c).toFloatArray(),
                load("linear").predict(x, Analytic.level(400), c).toFloatArray(),
                2 * FixtureBounds.linear(x.abs().max()));
    }

    @Test
    void cfgWithADynamicBatchMakesOneCallPerStep() {
        OnnxNoisePredictor dynamic = load("linear");
        AtomicInteger calls = new AtomicInteger();
        NoisePredictor counted = (x, t, c) -> {
            calls.incrementAndGet();
            assertThat(x.batchSize()).isEqualTo(2 * LABELS.size()); // cond and uncond in one batch of 2B
            return dynamic.predict(x, t, c);
        };
        Samplers.ddim(7)
                .sample(request(counted, Guidances.cfg(2.0), Analytic.gaussian(3, 1))
                        .build());
        assertThat(calls.get()).isEqualTo(7);
    }

    /** The exact mixture ε of the testkit on [B, 64], wrapped for samples of shape [B, 1, 8, 8]. */
    private static NoisePredictor testkitMixture() {
        double[][] means = new double[3][Analytic.D];
        for (int k = 0; k < 3; k++) {
            for (int p = 0; p < Analytic.D; p++) {
                means[k][p] = Analytic.mu(k, p);
            }
        }
        GaussianMixture gm =
                new GaussianMixture(new double[] {1, 1, 1}, means, new double[] {Analytic.S, Analytic.S, Analytic.S});
        NoisePredictor eps = gm.epsilonPredictor();
        return (x, t, c) -> eps.predict(x.reshape(Shape.of(x.batchSize(), Analytic.D)), t, c)
                .reshape(x.shape());
    }

    @Test
    void gaussianMixtureModelSamplesLikeTheTestkitOracle() {
        Tensor xT = Analytic.gaussian(3, 909);
        ClassifierFreeGuidance cfg = Guidances.cfg(2.0);
        BoundRecorder model = new BoundRecorder(load("gmm_eps"), "gmm_eps");
        Tensor viaOnnx = Samplers.ddim(30).sample(request(model, cfg, xT).build());
        Tensor viaJava =
                Samplers.ddim(30).sample(request(testkitMixture(), cfg, xT).build());
        // one float32 network against the oracle (double, rounded once per call): the mixture bound per step
        // plus the oracle's rounding, amplified by CFG
        assertClose(
                viaOnnx.toFloatArray(),
                viaJava.toFloatArray(),
                model.trajectory(1, FixtureBounds.cfgAmplification(2.0))
                        + 30 * ErrorBound.U32 * FixtureBounds.cfgAmplification(2.0));
    }

    @Test
    void classifierGuidanceWithTheGradientModelEqualsCfgWithExactScores() {
        // with exact scores, ε(x, ∅) − s σ ∇log p(y|x) = s ε(x, y) + (1 − s) ε(x, ∅) (docs/math.md: classifier = CFG at
        // γ = s)
        OnnxClassifierGradient grad = backend.loadClassifier(ModelSpec.of(Fixtures.onnx("gmm_grad")));
        OnnxNoisePredictor eps = load("gmm_eps");
        Tensor xT = Analytic.gaussian(3, 4242);
        double s = 3.0;
        BoundRecorder.Classifier g = new BoundRecorder.Classifier(grad, FixtureBounds.MixtureOutput.GRADIENT);
        BoundRecorder epsForClassifier = new BoundRecorder(eps, "gmm_eps");
        BoundRecorder epsForCfg = new BoundRecorder(eps, "gmm_eps");
        Tensor viaClassifier = Samplers.ddim(30)
                .sample(request(epsForClassifier, Guidances.classifier(g, s), xT)
                        .build());
        Tensor viaCfg = Samplers.ddim(30)
                .sample(request(epsForCfg, Guidances.cfg(s), xT).build());
        // both routes equal the same exact update; each is within its float32 bound of it: the classifier
        // route ε_u + s σ ∇log p (amplification 1 on ε, plus s σ × the gradient's bound), the CFG route
        // with amplification |s| + |1 − s|
        double tol = epsForClassifier.trajectory(1, 1)
                + s * g.sigmaWeightedSum()
                + epsForCfg.trajectory(1, FixtureBounds.cfgAmplification(s));
        assertClose(viaClassifier.toFloatArray(), viaCfg.toFloatArray(), tol);
    }

    @Test
    void ddimPlusCfgOnTheTinyUnetIsReproducibleAndFinite() {
        OnnxNoisePredictor unet = load("tiny_unet");
        SampleRequest r = SampleRequest.builder()
                .predictor(unet)
                .schedule(LINEAR)
                .guidance(Guidances.cfg(4.0))
                .conditions(LABELS)
                .sampleShape(Analytic.SAMPLE)
                .seed(5)
                .build();
        Tensor a = Samplers.ddim(15, 0.5).sample(r);
        Tensor b = Samplers.ddim(15, 0.5).sample(r);
        assertThat(a.allFinite()).isTrue();
        // the same session, inputs and thread count give the same bits: ONNX Runtime's CPU kernels split work
        // across threads by output blocks, never inside one element's reduction (reproducibility on one
        // machine; another CPU may round differently, see the bounds above)
        assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
        Tensor other = Samplers.ddim(15, 0.5).sample(r.toBuilder().seed(6).build());
        // another seed moves the samples by O(1), far above rounding (a seed ignored would give 0)
        assertThat(Analytic.maxAbsDiff(a, other)).isGreaterThan(1e-3);
        assertThat(ArrayTensor.FACTORY).isSameAs(backend.tensors());
    }
}
