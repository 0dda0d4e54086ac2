package org.diffusion4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.DiscreteSchedule;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.BoundRecorder;
import org.diffusion4j.testkit.FixtureBounds;
import org.diffusion4j.testkit.FixtureBounds.MixtureOutput;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Classifier gradients ∇_{x_t} log p(y | x_t) of the fixtures' Gaussian mixture, three ways: the
 * gradient-output network {@code gmm_grad} through ONNX Runtime, its TorchScript twin through DJL
 * (option {@code output: gradient}), and the logits-only network {@code gmm_logits} through DJL with
 * the gradient taken by PyTorch autograd. Each is within the mixture's per-element float32 bound
 * ({@link FixtureBounds#mixture}, derived there: logits rounding × the softmax's sensitivity, which
 * vanishes where the posterior is one-hot) of the test kit's exact gradient α(μ_y − μ̄)/v, so any two
 * are within the sum of their bounds, whatever kernels PyTorch and ONNX Runtime pick on the CPU.
 */
class ClassifierGradientEquivalenceTest {
    private static final DiscreteSchedule LINEAR = Schedules.linear(1000);
    private static final Conditions LABELS = Conditions.of(
            Condition.label(0),
            Condition.label(1),
            Condition.label(2),
            Condition.none(),
            Condition.label(0),
            Condition.label(2));

    private static Twins twins;
    private static ClassifierGradient onnxGrad;
    private static ClassifierGradient djlGrad;
    private static ClassifierGradient djlAutograd;

    @BeforeAll
    static void open() {
        twins = Twins.open(1);
        onnxGrad = twins.classifier(Twins.ONNX, "gmm_grad", Map.of());
        djlGrad = twins.classifier(Twins.DJL, "gmm_grad", Map.of("output", "gradient"));
        djlAutograd = twins.classifier(Twins.DJL, "gmm_logits", Map.of("output", "logits"));
    }

    @AfterAll
    static void close() {
        twins.close();
    }

    /** x_t = α x0 + σ ε with x0 exact draws from the fixtures' mixture: the inputs a sampler meets. */
    private static Tensor onDistribution(Timestep level, long seed) {
        Shape flat = Shape.of(LABELS.size(), 64);
        Tensor x0 = EpsilonEquivalenceTest.mixture().sample(LABELS.size(), seed).x();
        return level.diffuse(x0, Close.gaussian(flat, seed + 1, 1.0)).reshape(Fixtures.SAMPLE.withBatch(LABELS.size()));
    }

    private static Tensor exact(Tensor x, Timestep level) {
        return EpsilonEquivalenceTest.mixture()
                .classifierGradient()
                .gradLogProb(x.reshape(Shape.of(LABELS.size(), 64)), level, LABELS)
                .reshape(x.shape());
    }

    @ParameterizedTest(name = "t={0}")
    @ValueSource(ints = {1, 17, 100, 250, 500, 750, 999})
    void gradientOutputOnnxEqualsTorchScriptGradientAndAutogradOfLogits(int t) {
        Timestep level = LINEAR.level(t);
        Tensor x = onDistribution(level, 97 + t);
        Tensor onnx = onnxGrad.gradLogProb(x, level, LABELS);
        Tensor direct = djlGrad.gradLogProb(x, level, LABELS);
        Tensor autograd = djlAutograd.gradLogProb(x, level, LABELS);
        assertAllAgree(x, level, onnx, direct, autograd, "t=" + t);
        // the null condition's gradient is exactly zero on every path; the labelled ones are not
        for (Tensor g : new Tensor[] {onnx, direct, autograd}) {
            assertThat(g.slice(3, 4).abs().max()).isZero();
        }
        // not vacuous: the labelled gradient α|μ_y − μ̄|/v is of order 1 on the data, far above 1e-3,
        // while a backend returning zeros would give a norm of 0
        assertThat(onnx.slice(0, 1).norm()).isGreaterThan(1e-3);
    }

    /** The three routes against the exact gradient and against each other, each within its bound. */
    private static void assertAllAgree(
            Tensor x, Timestep level, Tensor onnx, Tensor direct, Tensor autograd, String what) {
        Tensor exact = exact(x, level);
        double[] export = FixtureBounds.mixture(MixtureOutput.GRADIENT, x, LABELS, level);
        double[] byAutograd = FixtureBounds.mixture(MixtureOutput.GRADIENT_BY_AUTOGRAD, x, LABELS, level);
        Close.assertWithin(
                onnx, exact, FixtureBounds.plusReferenceRounding(export, exact), what + ": onnx gmm_grad vs exact");
        Close.assertWithin(
                direct, exact, FixtureBounds.plusReferenceRounding(export, exact), what + ": djl gmm_grad.pt vs exact");
        Close.assertWithin(
                autograd,
                exact,
                FixtureBounds.plusReferenceRounding(byAutograd, exact),
                what + ": djl autograd of gmm_logits.pt vs exact");
        Close.assertWithin(
                direct, onnx, FixtureBounds.times(2, export), what + ": djl gmm_grad.pt vs onnx gmm_grad.onnx");
        double[] mixed = new double[export.length];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = export[i] + byAutograd[i];
        }
        Close.assertWithin(autograd, onnx, mixed, what + ": djl autograd of gmm_logits.pt vs onnx gmm_grad.onnx");
    }

    /**
     * Off the data (x ~ N(0, I) at every t): the logits log N(x; αμ_k, vI) reach hundreds at small t,
     * so float32 rounding in the logits is large in absolute terms; it reaches the gradient only through
     * the softmax, in proportion to 1 − max_k p(k | x), which the bound takes from the exact posterior.
     */
    @ParameterizedTest(name = "t={0}")
    @ValueSource(ints = {1, 17, 100, 250, 500, 750, 999})
    void offTheDataTheGradientsAgreeToFloat32Rounding(int t) {
        Timestep level = LINEAR.level(t);
        Tensor x = Close.gaussian(Fixtures.SAMPLE.withBatch(LABELS.size()), 97 + t, 1.0);
        Tensor onnx = onnxGrad.gradLogProb(x, level, LABELS);
        Tensor direct = djlGrad.gradLogProb(x, level, LABELS);
        Tensor autograd = djlAutograd.gradLogProb(x, level, LABELS);
        assertAllAgree(x, level, onnx, direct, autograd, "t=" + t + " off the data");
    }

    /**
     * Classifier guidance, end to end: DDIM with the ε model and the gradient on ONNX Runtime (the
     * gradient-output export) gives the same samples as with both on DJL (the gradient by autograd
     * through the logits network). Bound: per step, ε̂ = ε_u − s σ ∇log p carries both models'
     * per-call bounds at the step's input (two backends: the ε bound twice, the gradient bound of the
     * export plus that of autograd), accumulated over the steps ({@link FixtureBounds#trajectory}).
     */
    @Test
    void classifierGuidedSamplesAgree() {
        double scale = 2.0;
        for (double eta : new double[] {0, 0.5}) {
            Tensor[] out = new Tensor[2];
            String[] ids = {Twins.ONNX, Twins.DJL};
            BoundRecorder eps = null;
            BoundRecorder.Classifier[] grads = new BoundRecorder.Classifier[2];
            for (int i = 0; i < 2; i++) {
                boolean onnx = ids[i].equals(Twins.ONNX);
                grads[i] = new BoundRecorder.Classifier(
                        onnx ? onnxGrad : djlAutograd,
                        onnx ? MixtureOutput.GRADIENT : MixtureOutput.GRADIENT_BY_AUTOGRAD);
                BoundRecorder p = new BoundRecorder(twins.predictor(ids[i], "gmm_eps"), "gmm_eps");
                eps = onnx ? p : eps;
                out[i] = Samplers.ddim(20, eta)
                        .sample(SampleRequest.builder()
                                .predictor(p)
                                .schedule(LINEAR)
                                .guidance(Guidances.classifier(grads[i], scale))
                                .conditions(LABELS)
                                .sampleShape(Fixtures.SAMPLE)
                                .seed(7)
                                .build());
            }
            double tol = eps.trajectory(2, 1) + scale * (grads[0].sigmaWeightedSum() + grads[1].sigmaWeightedSum());
            Close.assertClose(out[1], out[0], tol, "classifier-guided ddim(20, " + eta + "): djl vs onnx");
        }
    }

    /** ONNX Runtime has no autograd: the logits-only export is refused there, while DJL differentiates it. */
    @Test
    void logitsClassifierIsRefusedByOnnxOnly() {
        assertThatThrownBy(() -> twins.classifier(Twins.ONNX, "gmm_logits", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gmm_logits.onnx")
                .hasMessageContaining("djl");
    }
}
