package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture through ONNX Runtime gives the output PyTorch (the TorchScript twin) computed for the
 * recorded inputs: the same network in both formats.
 */
class FixtureEquivalenceTest {
    private static OnnxBackend backend;

    @BeforeAll
    static void open() {
        backend = OnnxBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    static Stream<Arguments> fixtures() {
        Map<String, Object> labels = Map.of("numClasses", 3);
        return Stream.of(
                Arguments.of("linear", labels),
                Arguments.of("linear_t_f32", labels),
                Arguments.of("linear_t_i32", labels),
                Arguments.of("linear_t_f64_scalar", labels),
                Arguments.of("linear_fp16", labels),
                Arguments.of("linear_b1", labels),
                Arguments.of("linear_b2", labels),
                Arguments.of(
                        "linear_custom",
                        Map.of(
                                "sampleInput",
                                "x",
                                "timestepInput",
                                "t",
                                "conditionInput",
                                "y",
                                "output",
                                "eps",
                                "numClasses",
                                3)),
                Arguments.of("linear_emb", Map.of()),
                Arguments.of("gmm_eps", labels),
                Arguments.of("gmm_grad", labels),
                Arguments.of("tiny_unet", labels),
                Arguments.of("tiny_unet_t_f32", labels),
                Arguments.of("tiny_unet_b1", labels));
    }

    /**
     * ONNX Runtime and the PyTorch run that recorded the expected output are two float32 evaluations
     * of the same graph, so they differ by at most twice one evaluation's bound
     * ({@link FixtureBounds#twoEvaluations}). The float16 model rounds its input and output to float16
     * (unit roundoff 2^-11) on both sides: the input's rounding is identical, so only the outputs'
     * roundings (one half-ulp each, relative to |ε|) and the float32 arithmetic in between differ.
     * The embedding model is the linear model plus 0.5 (Σ_{l,j} w h) E[0] with an 8-term sum: γ_8 more
     * of |0.5 Σ|w h| E[0]| ≤ 0.5 · 8 · 0.5 · max|h|, covered by evaluating the linear bound at
     * max(|x|, 4 max|h|).
     */
    private static double[] bound(String name, Tensor x, Timestep time, Conditions c, Tensor want) {
        return switch (name) {
            case "linear_fp16" ->
                FixtureBounds.relative(
                        2 * (ErrorBound.U16 + FixtureBounds.linear(x.abs().max())), want);
            case "linear_emb" ->
                FixtureBounds.relative(2 * FixtureBounds.linear(Math.max(x.abs().max(), 4 * embeddingMax(c))), want);
            case "linear_custom" ->
                FixtureBounds.relative(2 * FixtureBounds.linear(x.abs().max()), want);
            default -> FixtureBounds.twoEvaluations(name, x, time, c, want);
        };
    }

    private static double embeddingMax(Conditions c) {
        double m = 0;
        for (int i = 0; i < c.size(); i++) {
            if (c.get(i) instanceof Condition.Embedding e) {
                m = Math.max(m, e.value().abs().max());
            }
        }
        return m;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void onnxRuntimeReproducesTheTorchScriptOutput(String name, Map<String, Object> options) {
        Fixtures.Expected e = Fixtures.expected(name);
        Fixtures.Array[] in = e.inputs().values().toArray(new Fixtures.Array[0]);
        Fixtures.Array xa = in[0];
        Fixtures.Array ta = in[1];
        Fixtures.Array ca = in[2];
        Fixtures.Array want = e.outputs()
                .get(
                        name.equals("linear_custom")
                                ? "eps"
                                : e.outputs().keySet().iterator().next());
        ModelSpec spec = new ModelSpec(Fixtures.onnx(name), PredictionType.EPSILON, options);
        boolean classifier = name.equals("gmm_grad");
        OnnxNoisePredictor p = classifier ? null : backend.loadPredictor(spec);
        OnnxClassifierGradient g = classifier ? backend.loadClassifier(spec) : null;

        Shape shape = xa.shape();
        int batch = shape.get(0);
        int per = shape.sampleShape().intSize();
        float[] xs = xa.floats();
        float[] wanted = want.floats();
        // the recorded batch has one timestep per sample; the SDK hands one timestep per call, so each
        // sample is replayed as a batch of one (a fixed-batch model pads it to its batch size)
        for (int b = 0; b < batch; b++) {
            float[] row = java.util.Arrays.copyOfRange(xs, b * per, (b + 1) * per);
            Tensor x = ArrayTensor.of(row, shape.rebatch(1));
            double t = ta.shape().rank() == 0 ? ta.data()[0] : ta.data()[b];
            Timestep time = Analytic.level((int) Math.round(t));
            Conditions c;
            if (ca.dtype().startsWith("float")) {
                Shape item = ca.shape().sampleShape();
                float[] emb = java.util.Arrays.copyOfRange(ca.floats(), b * item.intSize(), (b + 1) * item.intSize());
                c = Conditions.of(Condition.embedding(ArrayTensor.of(emb, item)));
            } else {
                int y = (int) ca.data()[b];
                c = Conditions.of(y == 3 ? Condition.none() : Condition.label(y));
            }
            Tensor out = classifier ? g.gradLogProb(x, time, c) : p.predict(x, time, c);
            float[] got = out.toFloatArray();
            Tensor wantRow = ArrayTensor.of(java.util.Arrays.copyOfRange(wanted, b * per, (b + 1) * per), x.shape());
            double[] bound = bound(name, x, time, c, wantRow);
            for (int i = 0; i < per; i++) {
                float w = wanted[b * per + i];
                assertThat(Math.abs((double) got[i] - w))
                        .as("%s sample %d element %d: %s vs %s", name, b, i, got[i], w)
                        .isLessThanOrEqualTo(bound[i]);
            }
        }
    }
}
