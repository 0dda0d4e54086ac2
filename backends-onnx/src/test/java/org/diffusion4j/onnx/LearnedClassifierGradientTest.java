package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ONNX export of the learned classifier's gradient ({@code tiny_classifier_grad_manual.onnx}, a
 * hand-written backward pass of tiny_classifier) gives the gradient that PyTorch's autograd computed
 * for the recorded inputs ({@code tiny_classifier_grad.expected.json}).
 *
 * <p>Tolerance: both are float32 evaluations of the same gradient, each within the first-order running
 * error bound {@code grad_error} of {@code tiny_classifier.bounds.json} (u = 2^-24 × |W||input| ×
 * dot-product length through the forward and backward layers; see make_fixtures.py classifier_bounds),
 * so they differ by at most 2·grad_error; × 2 for the dropped second-order terms.
 */
class LearnedClassifierGradientTest {
    private static final double SAFETY = 2;
    private static OnnxBackend backend;

    @BeforeAll
    static void open() {
        backend = OnnxBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    @Test
    void handWrittenGradientExportMatchesAutograd() throws Exception {
        Fixtures.Expected e = Fixtures.expected("tiny_classifier_grad");
        JsonNode bounds = new ObjectMapper()
                .readTree(Fixtures.dir().resolve("tiny_classifier.bounds.json").toFile());
        float[] x = e.inputs().get("sample").floats();
        int[] t = e.inputs().get("timestep").ints();
        int[] y = e.inputs().get("class_labels").ints();
        float[] want = e.outputs().get("grad").floats();
        try (OnnxClassifierGradient g = backend.loadClassifier(
                new ModelSpec(Fixtures.onnx("tiny_classifier_grad_manual"), PredictionType.EPSILON, Map.of()))) {
            for (int b = 0; b < y.length; b++) {
                float[] xb = java.util.Arrays.copyOfRange(x, b * 64, b * 64 + 64);
                float[] got = g.gradLogProb(
                                ArrayTensor.of(xb, Shape.of(1, 1, 8, 8)),
                                Timestep.ofAlphaBar(t[b], 0.5),
                                Conditions.of(Condition.label(y[b])))
                        .toFloatArray();
                double largest = 0;
                double largestTol = 0;
                for (int i = 0; i < 64; i++) {
                    double tol =
                            SAFETY * 2 * bounds.get("grad_error").get(b).get(i).asDouble();
                    assertThat((double) got[i])
                            .as("sample %d element %d", b, i)
                            .isCloseTo(want[b * 64 + i], org.assertj.core.api.Assertions.within(tol));
                    largest = Math.max(largest, Math.abs(want[b * 64 + i]));
                    largestTol = Math.max(largestTol, tol);
                }
                assertThat(largest)
                        .as("the bound is below 5 %% of the gradient")
                        .isGreaterThan(20 * largestTol);
            }
        }
    }

    @Test
    void theLogitsExportIsRefusedAsAClassifier() {
        assertThatThrownBy(() -> backend.loadClassifier(
                        new ModelSpec(Fixtures.onnx("tiny_classifier"), PredictionType.EPSILON, Map.of())))
                .hasMessageContaining("tiny_classifier.onnx");
    }
}
