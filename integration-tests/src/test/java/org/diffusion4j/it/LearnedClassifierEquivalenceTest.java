package org.diffusion4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.Map;
import org.diffusion4j.api.ClassifierGradient;
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
 * A classifier with learnable parameters, both ways: on djl, PyTorch autograd through the traced logits
 * model {@code tiny_classifier.pt}; on onnx, the export of its hand-written backward pass
 * {@code tiny_classifier_grad_manual.onnx}. Same gradient on the recorded inputs, and the null condition
 * gives exactly 0 on both.
 *
 * <p>Tolerance: each float32 evaluation is within the first-order running error bound
 * {@code grad_error} of {@code tiny_classifier.bounds.json} (u = 2^-24 × |W||input| × dot-product length,
 * forward and backward; make_fixtures.py classifier_bounds), so the two differ by at most 2·grad_error;
 * × {@link #SAFETY} for the dropped second-order terms.
 */
class LearnedClassifierEquivalenceTest {
    private static final double SAFETY = 2;
    private static Twins twins;

    @BeforeAll
    static void open() {
        twins = Twins.open(1);
    }

    @AfterAll
    static void close() {
        twins.close();
    }

    @Test
    void djlAutogradAndTheOnnxGradientExportAgree() throws Exception {
        Fixtures.Recorded r = Fixtures.recorded("tiny_classifier_grad");
        JsonNode bounds = new ObjectMapper()
                .readTree(Fixtures.dir().resolve("tiny_classifier.bounds.json").toFile());
        float[] x = r.input("sample").floats();
        float[] t = r.input("timestep").floats();
        float[] y = r.input("class_labels").floats();
        ClassifierGradient djl = twins.djl()
                .loadClassifier(new ModelSpec(Fixtures.pt("tiny_classifier"), PredictionType.EPSILON, Map.of()));
        ClassifierGradient onnx = twins.onnx()
                .loadClassifier(
                        new ModelSpec(Fixtures.onnx("tiny_classifier_grad_manual"), PredictionType.EPSILON, Map.of()));
        for (int b = 0; b < y.length; b++) {
            ArrayTensor xb = ArrayTensor.of(Arrays.copyOfRange(x, b * 64, b * 64 + 64), Shape.of(1, 1, 8, 8));
            Timestep tb = Timestep.ofAlphaBar(t[b], 0.5);
            Conditions c = Conditions.of(Condition.label((int) y[b]));
            float[] a = djl.gradLogProb(xb, tb, c).toFloatArray();
            float[] o = onnx.gradLogProb(xb, tb, c).toFloatArray();
            double largest = 0;
            double largestTol = 0;
            for (int i = 0; i < 64; i++) {
                double tol = SAFETY * 2 * bounds.get("grad_error").get(b).get(i).asDouble();
                assertThat((double) a[i])
                        .as("sample %d element %d: djl autograd vs onnx export", b, i)
                        .isCloseTo(o[i], org.assertj.core.api.Assertions.within(tol));
                largest = Math.max(largest, Math.abs(o[i]));
                largestTol = Math.max(largestTol, tol);
            }
            assertThat(largest)
                    .as("not vacuous: the bound is below 5 %% of the gradient")
                    .isGreaterThan(20 * largestTol);
            assertThat(djl.gradLogProb(xb, tb, Conditions.unconditional(1))
                            .abs()
                            .max())
                    .isZero();
            assertThat(onnx.gradLogProb(xb, tb, Conditions.unconditional(1))
                            .abs()
                            .max())
                    .isZero();
        }
    }
}
