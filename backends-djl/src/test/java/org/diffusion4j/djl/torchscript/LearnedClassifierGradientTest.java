package org.diffusion4j.djl.torchscript;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Autograd through a TorchScript classifier with learnable parameters ({@code tiny_classifier.pt}: conv,
 * conv, linear, traced; tools/fixtures/make_fixtures.py). Before the fix the DJL backend loaded every
 * TorchScript model for inference, and autograd through such a model failed with "Inference tensors
 * cannot be saved for backward".
 *
 * <p>Every tolerance comes from {@code tiny_classifier.bounds.json}, written by the fixture script from
 * the model's weights (see {@code classifier_bounds} there): first-order running error bounds of the
 * float32 forward and backward passes (u = 2^-24 × the magnitudes |W||input| of each dot product × its
 * length), and an a-priori bound d3 on the third derivative of log softmax(logits)[y] along a coordinate.
 * A safety factor {@link #SAFETY} covers the second-order terms those first-order bounds leave out.
 */
class LearnedClassifierGradientTest {

    private static final int K = 3;
    /** Covers the O(u²) terms dropped by the first-order running bounds (each below 1e-6 of the first-order terms). */
    private static final double SAFETY = 2;

    private static DjlTensorFactory f;

    @BeforeAll
    static void start() {
        f = DjlTensorFactory.cpu();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static Path fixture(String name) {
        return FixtureFiles.fixture(name);
    }

    private static JsonNode json(String file) {
        return FixtureFiles.json(file);
    }

    private static double[] doubles(JsonNode d) {
        double[] out = new double[d.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = d.get(i).asDouble();
        }
        return out;
    }

    private static float[] floats(JsonNode t) {
        double[] d = doubles(t.get("data"));
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    private static TorchScriptClassifier logitsClassifier() {
        return TorchScriptClassifier.load(ModelSpec.of(fixture("tiny_classifier.pt")), f);
    }

    /**
     * The DJL autograd gradient of the traced logits model equals the output of its twin that computes
     * its own gradient (torch.autograd.grad inside a scripted forward), both loaded through the DJL
     * backend, and the twin's output recorded by PyTorch. Two float32 evaluations of the same gradient
     * differ by at most the sum of their error bounds: |a − b| ≤ 2·grad_error, times SAFETY.
     */
    @Test
    void autogradThroughALearnedClassifierEqualsItsGradientExportingTwin() throws Exception {
        JsonNode e = json("tiny_classifier_grad.expected.json");
        JsonNode bounds = json("tiny_classifier.bounds.json");
        float[] x = floats(e.get("inputs").get("sample"));
        float[] t = floats(e.get("inputs").get("timestep"));
        float[] y = floats(e.get("inputs").get("class_labels"));
        float[] recorded = floats(e.get("outputs").get("grad"));
        try (TorchScriptClassifier autograd = logitsClassifier();
                TorchScriptClassifier twin = TorchScriptClassifier.load(
                        new ModelSpec(
                                fixture("tiny_classifier_grad.pt"),
                                PredictionType.EPSILON,
                                Map.of("output", "gradient", "numClasses", K)),
                        f)) {
            for (int b = 0; b < y.length; b++) {
                Tensor xb = ArrayTensor.of(Arrays.copyOfRange(x, b * 64, b * 64 + 64), Shape.of(1, 1, 8, 8));
                Timestep tb = Timestep.ofAlphaBar(t[b], 0.5);
                Conditions c = Conditions.of(Condition.label((int) y[b]));
                float[] a = autograd.gradLogProb(xb, tb, c).toFloatArray();
                float[] w = twin.gradLogProb(xb, tb, c).toFloatArray();
                double[] err = doubles(bounds.get("grad_error").get(b));
                double norm = 0;
                for (int i = 0; i < 64; i++) {
                    double tol = SAFETY * 2 * err[i];
                    float r = recorded[b * 64 + i];
                    norm = Math.max(norm, Math.abs(r));
                    assertThat((double) a[i])
                            .as("sample %d element %d: djl autograd vs recorded twin", b, i)
                            .isCloseTo(r, org.assertj.core.api.Assertions.within(tol));
                    assertThat((double) w[i])
                            .as("sample %d element %d: djl twin vs recorded twin", b, i)
                            .isCloseTo(r, org.assertj.core.api.Assertions.within(tol));
                }
                // the comparison is not vacuous: every tolerance is below 5 % of the largest gradient element
                assertThat(norm)
                        .isGreaterThan(
                                20 * SAFETY * 2 * Arrays.stream(err).max().orElseThrow());
            }
        }
    }

    /**
     * The autograd gradient against central differences of log softmax(logits)[y], taken in double
     * from float32 forward passes of the logits model, at x' = x rounded to a grid of 2^-12 (so that
     * x' ± h, h a power of 2 ≥ 2^-5, is exact in float32).
     *
     * <p>|D_i − ∂f/∂x_i| ≤ h²·d3/6 (Taylor, d3 ≥ |f‴| on the whole line) + e_f/h (e_f ≥ the float32 error
     * of each of f(x' ± h e_i), bounds.json eval_error; their difference over 2h) + the double-precision
     * log-softmax error over 2h; the autograd gradient itself is within grid_grad_error of ∂f/∂x_i. h was
     * chosen by the fixture script as the power of 2 nearest to the minimiser (3 e_f/d3)^(1/3).
     */
    @Test
    void autogradThroughALearnedClassifierMatchesCentralDifferences() throws Exception {
        JsonNode e = json("tiny_classifier_grad.expected.json");
        JsonNode bounds = json("tiny_classifier.bounds.json");
        float[] x = floats(e.get("inputs").get("sample"));
        float[] t = floats(e.get("inputs").get("timestep"));
        float[] y = floats(e.get("inputs").get("class_labels"));
        double d3 = bounds.get("d3").asDouble();
        double grid = bounds.get("fd_grid").asDouble();
        TorchScriptOptions o = TorchScriptOptions.parse(Map.of(), "tiny_classifier.pt");
        try (TorchScriptClassifier autograd = logitsClassifier();
                TorchScriptModule logits = new TorchScriptModule(
                        fixture("tiny_classifier.pt"),
                        Device.cpu(),
                        o,
                        List.of(InputRole.SAMPLE, InputRole.TIMESTEP))) {
            for (int b = 0; b < y.length; b++) {
                double h = bounds.get("h").get(b).asDouble();
                double ef = bounds.get("eval_error").get(b).asDouble();
                double[] gradErr = doubles(bounds.get("grid_grad_error").get(b));
                float[] xg = new float[64];
                for (int i = 0; i < 64; i++) {
                    xg[i] = (float) (Math.rint(x[b * 64 + i] / grid) * grid);
                }
                // 128 points x' ± h e_i in one batch
                float[] pts = new float[128 * 64];
                for (int i = 0; i < 64; i++) {
                    for (int s = 0; s < 2; s++) {
                        float[] p = xg.clone();
                        p[i] = (float) (xg[i] + (s == 0 ? h : -h));
                        assertThat(Math.abs((double) p[i] - xg[i]))
                                .as("x' ± h exact in float32")
                                .isEqualTo(h);
                        System.arraycopy(p, 0, pts, (2 * i + s) * 64, 64);
                    }
                }
                double[] z = logits(logits, pts, 128, t[b]);
                int label = (int) y[b];
                float[] g = autograd.gradLogProb(
                                ArrayTensor.of(xg, Shape.of(1, 1, 8, 8)),
                                Timestep.ofAlphaBar(t[b], 0.5),
                                Conditions.of(Condition.label(label)))
                        .toFloatArray();
                double zmax = Arrays.stream(z).map(Math::abs).max().orElseThrow();
                // double log-softmax: K exps, a sum, a log and a subtraction, each within (K + 4)·2^-53 of |z| + log K
                double ed = (K + 4) * 0x1p-53 * (zmax + Math.log(K));
                double worst = 0;
                double norm = 0;
                for (int i = 0; i < 64; i++) {
                    double plus = logSoftmax(z, 2 * i, label);
                    double minus = logSoftmax(z, 2 * i + 1, label);
                    double d = (plus - minus) / (2 * h);
                    // the truncation term is rigorous (d3 bounds |f‴| everywhere); SAFETY multiplies the rounding terms
                    double tol = h * h * d3 / 6 + SAFETY * (ef / h + ed / h + gradErr[i]);
                    assertThat((double) g[i])
                            .as(
                                    "sample %d (t=%s, y=%d) element %d: autograd vs central difference (h=%s)",
                                    b, t[b], label, i, h)
                            .isCloseTo(d, org.assertj.core.api.Assertions.within(tol));
                    worst = Math.max(worst, tol);
                    norm = Math.max(norm, Math.abs(g[i]));
                }
                // the check is not vacuous: the tolerance stays below 2/3 of the largest element, so a zero or
                // sign-flipped gradient fails it
                assertThat(norm)
                        .as("sample %d: largest gradient element vs tolerance", b)
                        .isGreaterThan(1.5 * worst);
            }
        }
    }

    private static double logSoftmax(double[] z, int row, int y) {
        double m = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < K; k++) {
            m = Math.max(m, z[row * K + k]);
        }
        double s = 0;
        for (int k = 0; k < K; k++) {
            s += Math.exp(z[row * K + k] - m);
        }
        return z[row * K + y] - m - Math.log(s);
    }

    private static double[] logits(TorchScriptModule m, float[] xs, int batch, float time) {
        try (NDManager call = m.manager().newSubManager()) {
            NDArray xa = call.create(xs, new ai.djl.ndarray.types.Shape(batch, 1, 8, 8));
            NDArray out = m.forward(
                    call, m.inputs(call, xa, Timestep.ofAlphaBar(time, 0.5), Conditions.unconditional(batch)));
            assertThat(out.getShape().getShape()).containsExactly(batch, K);
            float[] v = out.toFloatArray();
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            return d;
        }
    }
}
