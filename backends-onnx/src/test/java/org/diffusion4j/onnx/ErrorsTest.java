package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad files, wrong names, wrong shapes and wrong conditions each fail with a message saying what and where. */
class ErrorsTest {
    private static OnnxBackend backend;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        backend = OnnxBackend.open();
    }

    @AfterAll
    static void close() {
        backend.close();
    }

    private static ModelSpec spec(Path file, Map<String, Object> options) {
        return new ModelSpec(file, PredictionType.EPSILON, options);
    }

    private static OnnxNoisePredictor linear() {
        return backend.loadPredictor(spec(Fixtures.onnx("linear"), Map.of("numClasses", 3)));
    }

    @Test
    void missingFile() {
        Path f = tmp.resolve("nowhere").resolve("model.onnx");
        assertThatThrownBy(() -> backend.loadPredictor(ModelSpec.of(f)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("D4J-ONNX")
                .hasMessageContaining(f.toAbsolutePath().toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void directoryAndEmptyFile() throws IOException {
        assertThatThrownBy(() -> backend.loadPredictor(ModelSpec.of(tmp)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("is a directory");
        Path empty = Files.createFile(tmp.resolve("empty.onnx"));
        assertThatThrownBy(() -> backend.loadPredictor(ModelSpec.of(empty)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("is empty (0 bytes)");
    }

    @Test
    void notAnOnnxFile() throws IOException {
        Path text = Files.writeString(tmp.resolve("notes.onnx"), "this is not a model\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> backend.loadPredictor(ModelSpec.of(text)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("cannot load " + text.toAbsolutePath())
                .hasMessageContaining("as an ONNX model");
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] full = Files.readAllBytes(Fixtures.onnx("tiny_unet"));
        Path cut = Files.write(tmp.resolve("tiny_unet_cut.onnx"), Arrays.copyOf(full, full.length / 2));
        assertThatThrownBy(() -> backend.loadPredictor(ModelSpec.of(cut)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("cannot load " + cut.toAbsolutePath())
                .hasMessageContaining("(" + full.length / 2 + " bytes)");
    }

    @Test
    void torchScriptFileGetsAHint() {
        Path pt = Fixtures.pt("linear");
        assertThatThrownBy(() -> backend.loadPredictor(ModelSpec.of(pt)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("zip archive")
                .hasMessageContaining("backend 'djl'");
    }

    @Test
    void nonDiffusersNamesWithoutMappingListTheModelsInputsAndOutputs() {
        assertThatThrownBy(() -> backend.loadPredictor(ModelSpec.of(Fixtures.onnx("linear_custom"))))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("linear_custom.onnx")
                .hasMessageContaining("no input 'sample'")
                .hasMessageContaining("sampleInput")
                .hasMessageContaining("x: float32[batch, 1, 8, 8], t: int64[batch], y: int64[batch]")
                .hasMessageContaining("outputs (aux: float32[batch, 1, 8, 8], eps: float32[batch,");
    }

    @Test
    void wrongInputName() {
        assertThatThrownBy(() -> backend.loadPredictor(spec(Fixtures.onnx("linear"), Map.of("sampleInput", "latent"))))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("model option 'sampleInput' names input 'latent', which the model does not have")
                .hasMessageContaining(
                        "sample: float32[batch, 1, 8, 8], timestep: int64[batch], class_labels: int64[batch]");
    }

    @Test
    void ambiguousOutputAndWrongOutputName() {
        Map<String, Object> names = Map.of("sampleInput", "x", "timestepInput", "t", "conditionInput", "y");
        assertThatThrownBy(() -> backend.loadPredictor(spec(Fixtures.onnx("linear_custom"), names)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("2 outputs and none named 'out_sample'; choose one with model option 'output'");
        Map<String, Object> wrong = new java.util.HashMap<>(names);
        wrong.put("output", "noise");
        assertThatThrownBy(() -> backend.loadPredictor(spec(Fixtures.onnx("linear_custom"), wrong)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("'output' names output 'noise'");
    }

    @Test
    void unmappedExtraInput() {
        // only two of the three inputs mapped: the label input would be left unfed
        Map<String, Object> o =
                Map.of("sampleInput", "x", "timestepInput", "t", "output", "eps", "conditionKind", "none");
        assertThatThrownBy(() -> backend.loadPredictor(spec(Fixtures.onnx("linear_custom"), o)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("has input [y] that the backend would not feed");
    }

    @Test
    void unknownAndBadOptions() {
        assertThatThrownBy(() -> backend.loadPredictor(spec(Fixtures.onnx("linear"), Map.of("sampleInputs", "x"))))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("unknown ONNX model option [sampleInputs]")
                .hasMessageContaining("allowed: sampleInput, timestepInput");
        assertThatThrownBy(
                        () -> backend.loadPredictor(spec(Fixtures.onnx("linear"), Map.of("timestepShape", "vector"))))
                .hasMessageContaining(
                        "model option 'timestepShape': unknown value 'vector'; allowed: auto, batch, scalar, single");
        assertThatThrownBy(() -> backend.loadPredictor(spec(Fixtures.onnx("linear"), Map.of("numClasses", "three"))))
                .hasMessageContaining("model option 'numClasses' must be an integer");
        assertThatThrownBy(
                        () -> backend.loadPredictor(spec(Fixtures.onnx("linear"), Map.of("timestepShape", "scalar"))))
                .hasMessageContaining("timestepShape 'scalar' but input 'timestep' has rank 1");
        assertThatThrownBy(() ->
                        backend.loadPredictor(spec(Fixtures.onnx("linear"), Map.of("conditionKind", "embedding"))))
                .hasMessageContaining("conditionKind 'embedding' needs a float input of shape [B, L, D]")
                .hasMessageContaining("class_labels: int64[batch]");
    }

    @Test
    void wrongSampleShape() {
        OnnxNoisePredictor p = linear();
        Tensor small = ArrayTensor.of(new float[2 * 16], Shape.of(2, 1, 4, 4));
        assertThatThrownBy(() -> p.predict(small, Analytic.level(5), Conditions.labels(0, 1)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("x has shape [2, 1, 4, 4]")
                .hasMessageContaining("sample: float32[batch, 1, 8, 8]")
                .hasMessageContaining("linear.onnx");
        Tensor flat = ArrayTensor.of(new float[2 * 64], Shape.of(2, 64));
        assertThatThrownBy(() -> p.predict(flat, Analytic.level(5), Conditions.labels(0, 1)))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("x has shape [2, 64]");
    }

    @Test
    void wrongEmbeddingShape() {
        OnnxNoisePredictor p = backend.loadPredictor(ModelSpec.of(Fixtures.onnx("linear_emb")));
        Tensor x = Analytic.gaussian(1, 1);
        Conditions c = Conditions.of(Condition.embedding(ArrayTensor.of(new float[6], Shape.of(3, 2))));
        assertThatThrownBy(() -> p.predict(x, Analytic.level(5), c))
                .hasMessageContaining(
                        "an embedding of shape [3, 2] does not fit input encoder_hidden_states: float32[batch, 2, 4]");
        assertThatThrownBy(() -> p.predict(x, Analytic.level(5), Conditions.labels(1)))
                .hasMessageContaining("takes embeddings");
        assertThatThrownBy(() -> p.predict(x, Analytic.level(5), Conditions.unconditional(1)))
                .hasMessageContaining("nullEmbedding 'zeros'");
    }

    @Test
    void labelProblems() {
        OnnxNoisePredictor noNull = backend.loadPredictor(ModelSpec.of(Fixtures.onnx("linear")));
        Tensor x = Analytic.gaussian(2, 1);
        assertThatThrownBy(
                        () -> noNull.predict(x, Analytic.level(5), Conditions.of(Condition.label(0), Condition.none())))
                .hasMessageContaining(
                        "sample 1 has the null condition, but the null class label of linear.onnx is unknown")
                .hasMessageContaining("'nullLabel'");
        assertThatThrownBy(() -> linear().predict(x, Analytic.level(5), Conditions.labels(0, 3)))
                .hasMessageContaining(
                        "sample 1 has class label 3 but the model linear.onnx has numClasses 3 (labels 0..2)");
        Conditions emb =
                Conditions.of(Condition.label(0), Condition.embedding(ArrayTensor.of(new float[8], Shape.of(2, 4))));
        assertThatThrownBy(() -> linear().predict(x, Analytic.level(5), emb))
                .hasMessageContaining("sample 1 is conditioned on an embedding");
    }

    @Test
    void nonIntegerTimeForAnIntegerTimestepModel() {
        Tensor x = Analytic.gaussian(1, 1);
        assertThatThrownBy(() -> linear().predict(x, Timestep.ofAlphaBar(0.37, 0.5), Conditions.labels(0)))
                .hasMessageContaining("takes integer timesteps, but the model time is 0.37");
    }

    @Test
    void logitsClassifierIsRefusedWithAnExplanation() {
        assertThatThrownBy(() -> backend.loadClassifier(ModelSpec.of(Fixtures.onnx("gmm_logits"))))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining("gmm_logits.onnx as a classifier gradient")
                .hasMessageContaining("looks like a classifier that returns logits")
                .hasMessageContaining("no autograd")
                .hasMessageContaining("∇_x log p(y | x_t)")
                .hasMessageContaining("outputs (logits: float32[batch, 3])");
    }

    @Test
    void classifierNeedsALabelInput() {
        assertThatThrownBy(() -> backend.loadClassifier(spec(Fixtures.onnx("linear_emb"), Map.of())))
                .isInstanceOf(OnnxModelException.class)
                .hasMessageContaining(
                        "a classifier for guidance takes the class labels y as an integer input, but input"
                                + " 'encoder_hidden_states' takes embedding");
    }

    @Test
    void closedPredictorAndClosedBackend() {
        OnnxNoisePredictor p = linear();
        p.close();
        assertThatThrownBy(() -> p.predict(Analytic.gaussian(1, 1), Analytic.level(1), Conditions.labels(0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was closed");
        OnnxBackend b = OnnxBackend.open();
        OnnxNoisePredictor q = b.loadPredictor(spec(Fixtures.onnx("linear"), Map.of("numClasses", 3)));
        b.close();
        assertThatThrownBy(() -> q.predict(Analytic.gaussian(1, 1), Analytic.level(1), Conditions.labels(0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("was closed");
        assertThatThrownBy(() -> b.loadPredictor(ModelSpec.of(Fixtures.onnx("linear"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backend was closed");
    }

    @Test
    void describeNamesTheBinding() {
        assertThat(linear().describe())
                .contains(
                        "sample <- 'sample'",
                        "timestep <- 'timestep' (int64, batch)",
                        "condition <- 'class_labels' (label)",
                        "output -> 'out_sample' (epsilon)");
        assertThat(backend.loadPredictor(spec(Fixtures.onnx("linear_b1"), Map.of()))
                        .describe())
                .contains("fixed batch 1");
    }
}
