package org.diffusion4j.djl.torchscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.diffusion4j.djl.tensor.DjlTensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.testkit.ErrorBound;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript twins of the shared test networks (tools/fixtures, made with PyTorch by
 * make_fixtures.py): each is run on the inputs stored in its {@code .expected.json} and must give the
 * stored PyTorch output.
 */
class TorchScriptTest {

    private static final Path DIR = FixtureFiles.DIR;
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

    private static JsonNode expected(String name) {
        return FixtureFiles.json(name + ".expected.json");
    }

    private static float[] data(JsonNode t) {
        return FixtureFiles.data(t);
    }

    private static float[] slice(float[] a, int i, int per) {
        return java.util.Arrays.copyOfRange(a, i * per, (i + 1) * per);
    }

    /** |actual_i − expected_i| ≤ tol · max(1, |expected_i|): a bound relative to max(1, |value|). */
    private static void close(float[] actual, float[] expected, double tol) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i])
                    .as("element %d", i)
                    .isCloseTo(
                            expected[i],
                            org.assertj.core.api.Assertions.within(tol * Math.max(1, Math.abs(expected[i]))));
        }
    }

    /** |actual_i − expected_i| ≤ bound_i. */
    private static void assertWithinBound(float[] actual, float[] expected, double[] bound) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat(Math.abs((double) actual[i] - expected[i]))
                    .as("element %d: %s vs %s", i, actual[i], expected[i])
                    .isLessThanOrEqualTo(bound[i]);
        }
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * DJL's PyTorch and the PyTorch run that recorded the expected outputs are two float32 evaluations
     * of one graph: twice one evaluation's bound ({@link FixtureBounds}), relative to max(1, |ε|). The
     * float16 model's outputs are rounded to float16 on both sides (2^-11 each, its input rounding is
     * the same on both).
     */
    private static double twoEvaluations(String name, float[] x) {
        if (name.equals("linear_fp16")) {
            return 2 * (ErrorBound.U16 + FixtureBounds.linear(maxAbs(x)));
        }
        return 2 * FixtureBounds.oneEvaluation(name, ArrayTensor.of(x, Shape.of(x.length)));
    }

    /** Runs a (sample, timestep, class_labels) model one probe sample at a time and compares. */
    private static void checkPerSample(String name, Map<String, Object> options) throws Exception {
        checkPerSample(name, options, null);
    }

    private static void checkPerSample(String name, Map<String, Object> options, String output) throws Exception {
        JsonNode e = expected(name);
        List<JsonNode> in = new ArrayList<>();
        e.get("inputs").elements().forEachRemaining(in::add); // positional: sample, timestep, class labels
        float[] x = data(in.get(0));
        float[] t = data(in.get(1));
        float[] y = data(in.get(2));
        float[] out = data(
                output == null
                        ? e.get("outputs").fields().next().getValue()
                        : e.get("outputs").get(output));
        double tol = twoEvaluations(name, x);
        try (TorchScriptPredictor p =
                TorchScriptPredictor.load(new ModelSpec(fixture(name + ".pt"), PredictionType.EPSILON, options), f)) {
            for (int i = 0; i < y.length; i++) {
                Condition c = y[i] == 3 ? Condition.none() : Condition.label((int) y[i]);
                Tensor xi = ArrayTensor.of(slice(x, i, 64), Shape.of(1, 1, 8, 8));
                Tensor r = p.predict(xi, Timestep.ofAlphaBar(t.length == 1 ? t[0] : t[i], 0.5), Conditions.of(c));
                close(r.toFloatArray(), slice(out, i, 64), tol);
            }
        }
    }

    @Test
    void linearModelGivesPyTorchsOutput() throws Exception {
        checkPerSample("linear", Map.of("numClasses", 3, "sampleShape", List.of(1, 8, 8)));
    }

    @Test
    void tinyUNetGivesPyTorchsOutput() throws Exception {
        checkPerSample("tiny_unet", Map.of("numClasses", 3, "sampleShape", List.of(1, 8, 8)));
        checkPerSample("tiny_unet_t_f32", Map.of("numClasses", 3, "timestepDtype", "float32"));
    }

    @Test
    void timestepDtypesAndShapes() throws Exception {
        checkPerSample("linear_t_f32", Map.of("numClasses", 3, "timestepDtype", "float32"));
        checkPerSample("linear_t_i32", Map.of("numClasses", 3, "timestepDtype", "int32"));
        checkPerSample("linear_fp16", Map.of("numClasses", 3, "timestepDtype", "float16", "sampleDtype", "float16"));
        // a scalar float64 timestep shared by the batch: the three probes in one call
        JsonNode e = expected("linear_t_f64_scalar");
        try (TorchScriptPredictor p = TorchScriptPredictor.load(
                new ModelSpec(
                        fixture("linear_t_f64_scalar.pt"),
                        PredictionType.EPSILON,
                        Map.of("numClasses", 3, "timestepDtype", "float64", "timestepShape", "scalar")),
                f)) {
            Tensor x = f.of(data(e.get("inputs").get("sample")), Shape.of(3, 1, 8, 8));
            Tensor r = p.predict(
                    x,
                    Timestep.ofAlphaBar(500, 0.5),
                    Conditions.of(Condition.label(0), Condition.label(2), Condition.none()));
            assertThat(r).isInstanceOf(DjlTensor.class);
            close(
                    r.toFloatArray(),
                    data(e.get("outputs").get("out_sample")),
                    twoEvaluations("linear_t_f64_scalar", data(e.get("inputs").get("sample"))));
        }
    }

    @Test
    void nonDiffusersNamesAndTupleOutputs() throws Exception {
        Path file = fixture("linear_custom.pt");
        assertThat(TorchScriptSignature.read(file)).hasValueSatisfying(s -> {
            assertThat(s.argNames()).containsExactly("x", "t", "y");
            assertThat(s.returns()).isEqualTo("Tuple[Tensor, Tensor]");
        });
        checkPerSample("linear_custom", Map.of("numClasses", 3, "outputIndex", 1), "eps");
    }

    @Test
    void embeddingConditions() throws Exception {
        JsonNode e = expected("linear_emb");
        float[] x = data(e.get("inputs").get("sample"));
        float[] t = data(e.get("inputs").get("timestep"));
        float[] h = data(e.get("inputs").get("encoder_hidden_states"));
        float[] out = data(e.get("outputs").get("out_sample"));
        try (TorchScriptPredictor p = TorchScriptPredictor.load(ModelSpec.of(fixture("linear_emb.pt")), f)) {
            assertThat(p.inputs())
                    .containsExactly(InputRole.SAMPLE, InputRole.TIMESTEP, InputRole.ENCODER_HIDDEN_STATES);
            for (int i = 0; i < 3; i++) {
                Condition c = Condition.embedding(ArrayTensor.of(slice(h, i, 8), Shape.of(2, 4)));
                Tensor r = p.predict(
                        ArrayTensor.of(slice(x, i, 64), Shape.of(1, 1, 8, 8)),
                        Timestep.ofAlphaBar(t[i], 0.5),
                        Conditions.of(c));
                // the linear bound at max(|x|, 4 max|h|) covers the embedding term 0.5 (Σ_{l,j} w h) E[0] (8 terms, |w|
                // ≤ 0.5)
                close(
                        r.toFloatArray(),
                        slice(out, i, 64),
                        2 * FixtureBounds.linear(Math.max(maxAbs(x), 4 * maxAbs(h))));
            }
        }
    }

    @Test
    void autogradThroughALogitsClassifierEqualsTheExactGradientModel() throws Exception {
        JsonNode e = expected("gmm_grad");
        float[] x = data(e.get("inputs").get("sample"));
        float[] t = data(e.get("inputs").get("timestep"));
        float[] y = data(e.get("inputs").get("class_labels"));
        float[] exact = data(e.get("outputs").get("grad"));
        try (TorchScriptClassifier logits = TorchScriptClassifier.load(ModelSpec.of(fixture("gmm_logits.pt")), f);
                TorchScriptClassifier direct = TorchScriptClassifier.load(
                        new ModelSpec(
                                fixture("gmm_grad.pt"),
                                PredictionType.EPSILON,
                                Map.of("output", "gradient", "numClasses", 3)),
                        f)) {
            for (int i = 0; i < 3; i++) {
                Conditions c = Conditions.of(y[i] == 3 ? Condition.none() : Condition.label((int) y[i]));
                Tensor xi = ArrayTensor.of(slice(x, i, 64), Shape.of(1, 1, 8, 8));
                Timestep ti = Timestep.ofAlphaBar(t[i], 0.5);
                // the networks read ᾱ from their own table by t; the bounds need the true ᾱ_t
                int[] label = {y[i] == 3 ? FixtureBounds.K : (int) y[i]};
                float[] xs = slice(x, i, 64);
                double ab = FixtureBounds.alphaBar((int) t[i]);
                double[] export = FixtureBounds.mixture(FixtureBounds.MixtureOutput.GRADIENT, xs, label, ab);
                double[] autograd =
                        FixtureBounds.mixture(FixtureBounds.MixtureOutput.GRADIENT_BY_AUTOGRAD, xs, label, ab);
                double[] both = new double[export.length];
                for (int n = 0; n < both.length; n++) {
                    both[n] = export[n] + autograd[n];
                }
                // recorded gmm_grad (one float32 evaluation) vs autograd of the logits / vs the same export
                assertWithinBound(logits.gradLogProb(xi, ti, c).toFloatArray(), slice(exact, i, 64), both);
                assertWithinBound(
                        direct.gradLogProb(xi, ti, c).toFloatArray(),
                        slice(exact, i, 64),
                        FixtureBounds.times(2, export));
            }
        }
    }

    @Test
    void wrongInputsNameWhatTheModelExpects() {
        Path gmm = fixture("gmm_eps.pt");
        // float timesteps cannot index the model's alpha_bar table
        TorchScriptPredictor p = TorchScriptPredictor.load(
                new ModelSpec(
                        gmm,
                        PredictionType.EPSILON,
                        Map.of("numClasses", 3, "timestepDtype", "float32", "warmup", false)),
                f);
        try (p) {
            assertThatThrownBy(() -> p.predict(
                            f.zeros(Shape.of(1, 1, 8, 8)), Timestep.ofAlphaBar(10, 0.5), Conditions.labels(0)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("D4J-TORCHSCRIPT: ")
                    .hasMessageContaining(
                            "expects GmmEps.forward(sample: Tensor, timestep: Tensor, class_labels: Tensor)")
                    .hasMessageContaining("float32(1)")
                    .hasMessageContaining("long");
        }
        assertThatThrownBy(() -> TorchScriptPredictor.load(
                        new ModelSpec(gmm, PredictionType.EPSILON, Map.of("inputs", List.of("sample", "timestep"))), f))
                .hasMessageContaining("expects 3 inputs")
                .hasMessageContaining("class_labels");
        assertThatThrownBy(() ->
                        TorchScriptPredictor.load(new ModelSpec(gmm, PredictionType.EPSILON, Map.of("inputz", 1)), f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("D4J-TORCHSCRIPT: ")
                .hasMessageContaining("unknown TorchScript option 'inputz'");
        try (TorchScriptPredictor q = TorchScriptPredictor.load(ModelSpec.of(gmm), f)) {
            assertThatThrownBy(() -> q.predict(
                            f.zeros(Shape.of(1, 1, 8, 8)), Timestep.ofAlphaBar(10, 0.5), Conditions.unconditional(1)))
                    .hasMessageContaining("numClasses");
            assertThatThrownBy(() -> q.predict(
                            f.zeros(Shape.of(1, 1, 8, 8)), Timestep.ofAlphaBar(10.5, 0.5), Conditions.labels(0)))
                    .hasMessageContaining("int64 timesteps");
        }
        assertThatThrownBy(() -> TorchScriptPredictor.load(ModelSpec.of(DIR.resolve("missing.pt")), f))
                .hasMessageContaining("does not exist");
    }

    @Test
    void aFixedBatchModelRunsOtherBatchesInPaddedChunks() {
        try (TorchScriptPredictor p = TorchScriptPredictor.load(
                        new ModelSpec(
                                fixture("linear_b1.pt"),
                                PredictionType.EPSILON,
                                Map.of("fixedBatchSize", 1, "numClasses", 3, "sampleShape", List.of(1, 8, 8))),
                        f);
                TorchScriptPredictor dynamic = TorchScriptPredictor.load(
                        new ModelSpec(
                                fixture("linear.pt"),
                                PredictionType.EPSILON,
                                Map.of("numClasses", 3, "sampleShape", List.of(1, 8, 8))),
                        f)) {
            assertThat(p.fixedBatchSize()).hasValue(1);
            float[] data = new float[3 * 64];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) Math.sin(i);
            }
            Tensor x = f.of(data, Shape.of(3, 1, 8, 8));
            Conditions c = Conditions.of(
                    org.diffusion4j.api.Condition.label(0),
                    org.diffusion4j.api.Condition.label(2),
                    org.diffusion4j.api.Condition.none());
            float[] chunked = p.predict(x, Timestep.ofAlphaBar(10, 0.5), c).toFloatArray();
            float[] whole = dynamic.predict(x, Timestep.ofAlphaBar(10, 0.5), c).toFloatArray();
            assertThat(chunked).hasSize(whole.length);
            // batch 1 (padded chunks) vs batch 3: PyTorch may pick other kernels per batch, so two float32
            // evaluations of the linear model (|x| ≤ 1 here)
            close(chunked, whole, 2 * FixtureBounds.linear(1));
        }
    }

    @Test
    void aClassifierWithLabelInputsMustSayItReturnsTheGradient() {
        assertThatThrownBy(() -> TorchScriptClassifier.load(ModelSpec.of(fixture("gmm_grad.pt")), f))
                .hasMessageContaining("output to 'gradient'");
    }
}
