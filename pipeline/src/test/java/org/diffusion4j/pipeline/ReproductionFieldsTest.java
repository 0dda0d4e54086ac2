package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.io.RawFloat32;
import org.diffusion4j.io.Safetensors;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.noise.torch.TorchGenerator;
import org.diffusion4j.noise.torch.TorchNoise;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The document fields that reproduce a PyTorch run: a given x_T ({@code initialState}), the torch-cpu
 * noise's batch generator, per-sample labels ({@code sampleLabels}) and raw output ({@code output.tensors}):
 * each against the same run written directly with the api (bit for bit: the same arithmetic in the same
 * order), and their errors at their JSON paths.
 */
class ReproductionFieldsTest {
    static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();
    static final String HEAD = """
            {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "linear", "numTrainTimesteps": 1000},
             "sampler": {"type": "ddim", "steps": 10}, "guidance": {"type": "cfg", "guidanceScale": 2},""";

    @TempDir
    Path dir;

    private PipelineOptions options() {
        return PipelineOptions.defaults().withSource("test").withBaseDirectory(dir);
    }

    private SamplingPipeline pipeline(String rest) {
        return SamplingPipeline.fromJson(Json.parse(HEAD + rest, "test"), options());
    }

    private List<ConfigProblem> check(String rest) {
        return SamplingPipeline.check(Json.parse(HEAD + rest, "test"), options());
    }

    private static float[] direct(SampleRequest.Builder b) {
        return Samplers.ddim(10)
                .sample(b.predictor(MIX.epsilonPredictor())
                        .schedule(Schedules.linear(1000))
                        .guidance(Guidances.cfg(2))
                        .sampleShape(2)
                        .build())
                .toFloatArray();
    }

    private static float[] xT(int n) {
        return TorchGenerator.manualSeed(7).randn(n * 2);
    }

    @Test
    void initialStateFromNpyIsTheSamplersStart() throws Exception {
        Npy.write(dir.resolve("x_T.npy"), NdArray.ofFloats(xT(4), 4, 2));
        float[] got = pipeline("""
                "labels": [0, 2], "samplesPerLabel": 2, "initialState": {"file": "x_T.npy"}}""").sample().sets().get(0).samples().toFloatArray();
        float[] want = direct(SampleRequest.builder()
                .conditions(Conditions.labels(0, 0, 2, 2))
                .initialState(ArrayTensor.wrap(xT(4), Shape.of(4, 2))));
        assertThat(got).containsExactly(want);
    }

    @Test
    void initialStateIsSplitAcrossBatches() throws Exception {
        Npy.write(dir.resolve("x_T.npy"), NdArray.ofFloats(xT(4), 4, 2));
        float[] whole = pipeline(
                        "\"labels\": [0, 2], \"samplesPerLabel\": 2, \"initialState\": {\"file\": \"x_T.npy\"}}")
                .sample()
                .sets()
                .get(0)
                .samples()
                .toFloatArray();
        float[] split = pipeline("\"labels\": [0, 2], \"samplesPerLabel\": 2, \"batchSize\": 3,"
                        + " \"initialState\": {\"file\": \"x_T.npy\"}}")
                .sample()
                .sets()
                .get(0)
                .samples()
                .toFloatArray();
        // the exact-score model computes each sample alone, so the batches change no bit
        assertThat(split).containsExactly(whole);
    }

    @Test
    void initialStateFromSafetensorsAndRawFloat32() throws Exception {
        Safetensors.write(
                dir.resolve("x.safetensors"),
                Map.of("latents", NdArray.ofFloats(xT(3), 3, 2), "other", NdArray.ofFloats(new float[6], 3, 2)),
                Map.of());
        RawFloat32.write(dir.resolve("x.bin"), NdArray.ofFloats(xT(3), 3, 2));
        float[] want = direct(SampleRequest.builder()
                .conditions(Conditions.labels(1, 1, 1))
                .initialState(ArrayTensor.wrap(xT(3), Shape.of(3, 2))));
        float[] st = pipeline("""
                "labels": [1], "samplesPerLabel": 3, "initialState": {"file": "x.safetensors", "tensor": "latents"}}""").sample().sets().get(0).samples().toFloatArray();
        float[] raw = pipeline("""
                "labels": [1], "samplesPerLabel": 3, "initialState": {"file": "x.bin", "shape": [3, 2]}}""").sample().sets().get(0).samples().toFloatArray();
        assertThat(st).containsExactly(want);
        assertThat(raw).containsExactly(want);
    }

    @Test
    void initialStateOfTheWrongShapeNamesTheFileThePathAndBothShapes() throws Exception {
        Npy.write(dir.resolve("x_T.npy"), NdArray.ofFloats(xT(3), 3, 2));
        List<ConfigProblem> p =
                check("\"labels\": [0, 2], \"samplesPerLabel\": 2, \"initialState\": {\"file\": \"x_T.npy\"}}");
        assertThat(p).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("/initialState");
            assertThat(c.message()).contains("x_T.npy").contains("[3, 2]").contains("[4, 2]");
        });
        assertThat(check("\"initialState\": {\"file\": \"missing.npy\"}}"))
                .singleElement()
                .satisfies(c -> assertThat(c.path()).isEqualTo("/initialState/file"));
        assertThat(check("\"initialState\": {\"file\": \"x.bin\"}}"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.path()).isEqualTo("/initialState/shape");
                    assertThat(c.message()).contains("raw");
                });
        assertThat(check("\"initialState\": {\"file\": \"x_T.npy\", \"tensor\": \"a\"}}"))
                .anySatisfy(c -> assertThat(c.path()).isEqualTo("/initialState/tensor"));
        assertThat(check("\"initialState\": {\"fil\": \"x_T.npy\"}}"))
                .anySatisfy(c -> assertThat(c.path()).isEqualTo("/initialState/fil"))
                .anySatisfy(c -> assertThat(c.path()).isEqualTo("/initialState/file"));
    }

    @Test
    void torchSeedDrawsTheWholeBatchFromOneGenerator() {
        // diffusers: g = torch.Generator().manual_seed(42); x_T = torch.randn([4, 2], generator=g); DDIM with η = 1
        // continues g for its per-step noise
        String rest = """
                "sampler": {"type": "ddim", "steps": 10, "eta": 1}, "labels": [0, 2], "samplesPerLabel": 2,
                 "noise": {"type": "torch-cpu", "seed": 42%s}}""";
        float[] want = Samplers.ddim(10, 1)
                .sample(SampleRequest.builder()
                        .predictor(MIX.epsilonPredictor())
                        .schedule(Schedules.linear(1000))
                        .guidance(Guidances.cfg(2))
                        .sampleShape(2)
                        .conditions(Conditions.labels(0, 0, 2, 2))
                        .seed(42)
                        .noise(TorchNoise.avx2())
                        .build())
                .toFloatArray();
        for (String mode : new String[] {"", ", \"generator\": \"batch\""}) {
            String doc = HEAD.replace("\"sampler\": {\"type\": \"ddim\", \"steps\": 10},", "") + rest.formatted(mode);
            float[] got = SamplingPipeline.fromJson(Json.parse(doc, "test"), options())
                    .sample()
                    .sets()
                    .get(0)
                    .samples()
                    .toFloatArray();
            assertThat(got).containsExactly(want);
        }
    }

    @Test
    void torchSeedWithABatchSizeThatSplitsTheRunIsReported() {
        assertThat(check(
                        "\"samplesPerLabel\": 4, \"batchSize\": 2, \"noise\": {\"type\": \"torch-cpu\", \"seed\": 1}}"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.path()).isEqualTo("/batchSize");
                    assertThat(c.message()).contains("one generator").contains("4 samples");
                });
        assertThat(check("\"samplesPerLabel\": 4, \"noise\": {\"type\": \"torch-cpu\", \"sampleSeeds\": [1, 2, 3]}}"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.path()).isEqualTo("/noise/sampleSeeds");
                    assertThat(c.message()).contains("3 sample seeds").contains("4 samples");
                });
        assertThat(check("\"seed\": 3, \"noise\": {\"type\": \"torch-cpu\", \"seed\": 1}}"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.path()).isEqualTo("/seed");
                    assertThat(c.message()).contains("ignored");
                });
        assertThat(check("\"noise\": {\"type\": \"torch-cpu\", \"generator\": \"batch\"}}"))
                .anySatisfy(c -> assertThat(c.path()).startsWith("/noise"));
    }

    @Test
    void sampleLabelsGiveEverySampleItsOwnNoise() {
        SampleSet s = pipeline("\"sampleLabels\": [0, 0, null, 2], \"seed\": 5}")
                .sample()
                .sets()
                .get(0);
        long[] seeds = new long[4];
        for (int i = 0; i < 4; i++) {
            seeds[i] = SamplingPipeline.sampleSeed(5, i);
        }
        float[] want = direct(SampleRequest.builder()
                .conditions(Conditions.of(List.of(
                        org.diffusion4j.api.Condition.label(0), org.diffusion4j.api.Condition.label(0),
                        org.diffusion4j.api.Condition.none(), org.diffusion4j.api.Condition.label(2))))
                .sampleSeeds(seeds));
        assertThat(s.samples().toFloatArray()).containsExactly(want);
        assertThat(s.rows()).isEqualTo(4);
        assertThat(s.columns()).isEqualTo(1);
        // the repeated label has two different samples
        float[] x = s.samples().toFloatArray();
        assertThat(Arrays.copyOfRange(x, 0, 2)).isNotEqualTo(Arrays.copyOfRange(x, 2, 4));
        SampleSpec spec = SampleSpec.fromJson(Json.parse(HEAD + "\"sampleLabels\": [0, 1]}", "t"), "t");
        assertThat(spec.toJson().has("sampleLabels")).isTrue();
        assertThat(SampleSpec.fromJson(spec.toJson(), "t")).isEqualTo(spec);
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
    }

    /**
     * A model conditioned on an embedding [2] per sample: ε = x/2 + e (e = 0 for the null condition), so a
     * sample's trajectory depends on its own embedding.
     */
    static final org.diffusion4j.api.NoisePredictor EMBEDDING_MODEL = (x, t, c) -> {
        float[] v = x.toFloatArray();
        for (int i = 0; i < c.size(); i++) {
            float[] e = c.get(i) instanceof org.diffusion4j.api.Condition.Embedding emb
                    ? emb.value().toFloatArray()
                    : new float[2];
            v[2 * i] = v[2 * i] / 2 + e[0];
            v[2 * i + 1] = v[2 * i + 1] / 2 + e[1];
        }
        return ArrayTensor.wrap(v, x.shape());
    };

    @Test
    void sampleEmbeddingsConditionEverySampleOnItsOwnEmbeddingWithItsOwnNoise() throws Exception {
        float[] emb = {1, -1, 0.5f, 2, 1, -1};
        Npy.write(dir.resolve("emb.npy"), NdArray.ofFloats(emb, 3, 2));
        PipelineOptions o = options().withResource("emb", EMBEDDING_MODEL);
        String doc = """
                {"model": {"type": "resource", "name": "emb", "sampleShape": [2]},
                 "schedule": {"type": "linear", "numTrainTimesteps": 1000}, "sampler": {"type": "ddim", "steps": 10},
                 "guidance": {"type": "cfg", "guidanceScale": 2}, "seed": 5,
                 "sampleEmbeddings": {"file": "emb.npy"}, "batchSize": 2}""";
        SampleSet s = SamplingPipeline.fromJson(Json.parse(doc, "t"), o)
                .sample()
                .sets()
                .get(0);
        long[] seeds = new long[3];
        List<org.diffusion4j.api.Condition> conds = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            seeds[i] = SamplingPipeline.sampleSeed(5, i);
            conds.add(org.diffusion4j.api.Condition.embedding(
                    ArrayTensor.wrap(Arrays.copyOfRange(emb, 2 * i, 2 * i + 2), Shape.of(2))));
        }
        // the same run written with the api, in one call: batchSize never changes a sample
        float[] want = Samplers.ddim(10)
                .sample(SampleRequest.builder()
                        .predictor(EMBEDDING_MODEL)
                        .schedule(Schedules.linear(1000))
                        .guidance(Guidances.cfg(2))
                        .sampleShape(2)
                        .conditions(Conditions.of(conds))
                        .sampleSeeds(seeds)
                        .build())
                .toFloatArray();
        assertThat(s.samples().toFloatArray()).containsExactly(want);
        assertThat(s.rows()).isEqualTo(3);
        assertThat(s.columns()).isEqualTo(1);
        // samples 0 and 2 share an embedding but not their noise
        float[] x = s.samples().toFloatArray();
        assertThat(Arrays.copyOfRange(x, 0, 2)).isNotEqualTo(Arrays.copyOfRange(x, 4, 6));
        // the document round-trips through toJson
        SampleSpec spec = SampleSpec.fromJson(Json.parse(doc, "t"), "t");
        assertThat(spec.toJson().at("/sampleEmbeddings/file").asText()).isEqualTo("emb.npy");
        assertThat(spec.toJson().has("sampleLabels")).isFalse();
        assertThat(SampleSpec.fromJson(spec.toJson(), "t")).isEqualTo(spec);
    }

    @Test
    void sampleEmbeddingsErrorsNameTheirPath() throws Exception {
        Npy.write(dir.resolve("flat.npy"), NdArray.ofFloats(new float[] {1, 2, 3}, 3));
        assertThat(check("\"sampleEmbeddings\": {\"file\": \"missing.npy\"}}")).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("/sampleEmbeddings/file");
            assertThat(c.message()).contains("cannot read the sample embeddings 'missing.npy'");
        });
        assertThat(check("\"sampleEmbeddings\": {\"file\": \"flat.npy\"}}")).anySatisfy(c -> {
            assertThat(c.path()).isEqualTo("/sampleEmbeddings");
            assertThat(c.message()).contains("shape [3]", "[samples, ...embeddingShape]");
        });
        assertThat(check("\"sampleEmbeddings\": {\"file\": \"flat.npy\"}, \"sampleLabels\": [0], \"labels\": [1]}"))
                .anySatisfy(c -> {
                    assertThat(c.path()).isEqualTo("/sampleEmbeddings");
                    assertThat(c.message()).contains("remove /labels and /sampleLabels");
                });
        assertThat(check("\"sampleEmbeddings\": {}}"))
                .anySatisfy(c -> assertThat(c.path()).isEqualTo("/sampleEmbeddings/file"));
        Npy.write(dir.resolve("emb.npy"), NdArray.ofFloats(new float[] {1, 2, 3, 4}, 2, 2));
        assertThatThrownBy(() -> pipeline("\"sampleEmbeddings\": {\"file\": \"emb.npy\"}}")
                        .open())
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("/sampleEmbeddings");
    }

    @Test
    void aSessionRefusesDocumentsThatAreNotGrids() throws Exception {
        assertThatThrownBy(() -> pipeline("\"sampleLabels\": [0, 1]}").open())
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("/sampleLabels");
        Npy.write(dir.resolve("x_T.npy"), NdArray.ofFloats(xT(8), 8, 2));
        assertThatThrownBy(() ->
                        pipeline("\"initialState\": {\"file\": \"x_T.npy\"}}").open())
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("/initialState");
    }

    @Test
    void sampleLabelsAndAGridTogetherAreAnError() {
        assertThat(check("\"sampleLabels\": [0], \"labels\": [1], \"samplesPerLabel\": 2}"))
                .anySatisfy(c -> {
                    assertThat(c.path()).isEqualTo("/sampleLabels");
                    assertThat(c.message()).contains("/labels and /samplesPerLabel");
                });
        assertThat(check("\"sampleLabels\": [0, 7]}"))
                .anySatisfy(c -> assertThat(c.path()).isEqualTo("/sampleLabels/1"));
        assertThat(check("\"sampleLabels\": []}"))
                .anySatisfy(c -> assertThat(c.path()).isEqualTo("/sampleLabels"));
    }

    @Test
    void outputTensorsIsReadFromItsDeclaration() {
        SampleSpec spec = SampleSpec.fromJson(Json.parse(HEAD + "\"output\": {\"tensors\": \"npy\"}}", "t"), "t");
        assertThat(spec.value("/output/tensors").orElseThrow().asText()).isEqualTo("npy");
        SampleSpec none = SampleSpec.fromJson(Json.parse(HEAD + "\"seed\": 1}", "t"), "t");
        assertThat(none.value("/output/tensors").orElseThrow().asText()).isEqualTo("none");
        assertThat(check("\"output\": {\"tensors\": \"npz\"}}")).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("/output/tensors");
            assertThat(c.message()).contains("npy").contains("safetensors");
        });
    }

    @Test
    void hoSalimansWIsGammaMinusOneAndBareWIsItsDeprecatedAlias() {
        // Ho & Salimans (arXiv 2207.12598, eq. 6): (1 + w) ε_c − w ε_u, so w = 1 is γ = 2, the HEAD's guidanceScale
        String base = HEAD.replace("\"guidanceScale\": 2", "%s");
        float[] gamma = SamplingPipeline.fromJson(Json.parse(HEAD + "\"seed\": 3}", "t"), options())
                .sample()
                .sets()
                .get(0)
                .samples()
                .toFloatArray();
        for (String field : new String[] {"\"hoSalimansW\": 1", "\"w\": 1"}) {
            float[] w = SamplingPipeline.fromJson(Json.parse(base.formatted(field) + "\"seed\": 3}", "t"), options())
                    .sample()
                    .sets()
                    .get(0)
                    .samples()
                    .toFloatArray();
            assertThat(w).as(field).containsExactly(gamma);
        }
        assertThat(SamplingPipeline.check(
                        Json.parse(base.formatted("\"hoSalimansW\": 1, \"guidanceScale\": 2") + "\"seed\": 3}", "t"),
                        options()))
                .anySatisfy(c -> {
                    assertThat(c.path()).startsWith("/guidance");
                    assertThat(c.message()).contains("only one of");
                });
        // the bare w is valid but reported at its path, with the gamma it means and what to write instead;
        // hoSalimansW and guidanceScale draw no warning
        Validation bare =
                SamplingPipeline.validate(Json.parse(base.formatted("\"w\": 1") + "\"seed\": 3}", "t"), options());
        assertThat(bare.valid()).isTrue();
        assertThat(bare.warnings()).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo("/guidance/w");
            assertThat(c.message()).contains("gamma = 1 + w = 2.0", "\"hoSalimansW\": 1.0", "\"guidanceScale\": 2.0");
        });
        assertThat(SamplingPipeline.validate(
                                Json.parse(base.formatted("\"hoSalimansW\": 1") + "\"seed\": 3}", "t"), options())
                        .warnings())
                .isEmpty();
        assertThat(SamplingPipeline.validate(Json.parse(HEAD + "\"seed\": 3}", "t"), options())
                        .warnings())
                .isEmpty();
        // a sweep of the deprecated field is reported once, at the field, however many variants use it
        Validation swept = SamplingPipeline.validate(
                Json.parse(
                        base.formatted("\"w\": 1")
                                + "\"seed\": 3, \"sweep\": {\"parameter\": \"/guidance/w\", \"values\": [1, 2]}}",
                        "t"),
                options());
        assertThat(swept.valid()).isTrue();
        assertThat(swept.warnings()).extracting(ConfigProblem::path).containsOnly("/guidance/w");
    }

    @Test
    void builderSetsTheNewFields() throws Exception {
        Npy.write(dir.resolve("x_T.npy"), NdArray.ofFloats(xT(2), 2, 2));
        SampleSpec s = SampleSpec.builder()
                .model(PluginSpec.of("gaussian-mixture"))
                .schedule("linear")
                .sampleLabels(List.of(0, 1))
                .initialState(InitialState.of("x_T.npy"))
                .build();
        assertThat(s.toJson().at("/initialState/file").asText()).isEqualTo("x_T.npy");
        assertThat(s.perSample()).isTrue();
        assertThat(SamplingPipeline.of(s, options())
                        .sample()
                        .sets()
                        .get(0)
                        .samples()
                        .shape()
                        .dims())
                .containsExactly(2, 2);
    }
}
