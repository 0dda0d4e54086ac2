package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.diffusion4j.pipeline.diffusers.DiffusersImport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each step of resolving a sampling document, on its own. */
class SamplingResolverTest {
    static final PipelineOptions OPTIONS = PipelineOptions.defaults();
    static final String BASE =
            "{\"model\": {\"type\": \"gaussian-mixture\"}, \"schedule\": {\"type\": \"linear\", \"numTrainTimesteps\": 100}";

    static SampleSpec spec(String rest) {
        return SampleSpec.fromJson(Json.parse(BASE + rest + "}", "t"), "t");
    }

    static List<String> paths(Problems p) {
        return p.list().stream().map(ConfigProblem::path).toList();
    }

    @Test
    void parseListsTheAvailablePluginsOfAFieldsKind() {
        Problems p = new Problems();
        assertThat(SamplingResolver.parse(
                        Json.parse("{\"model\": 3, \"schedule\": {\"type\": \"linear\"}}", "t"), OPTIONS, p))
                .isNull();
        assertThat(p.list()).singleElement().satisfies(cp -> {
            assertThat(cp.path()).isEqualTo("/model");
            assertThat(cp.message()).contains("available model sources: ").contains("gaussian-mixture");
        });
    }

    @Test
    void variantDocumentsSetEachSweepValueAtItsPointer() {
        Problems p = new Problems();
        List<SamplingResolver.VariantDoc> one = SamplingResolver.variantDocuments(spec(""), p);
        assertThat(one).singleElement().satisfies(d -> {
            assertThat(d.value()).isEmpty();
            assertThat(d.doc().has("sweep")).isFalse();
        });
        List<SamplingResolver.VariantDoc> docs = SamplingResolver.variantDocuments(
                spec(", \"guidance\": {\"type\": \"cfg\"},"
                        + " \"sweep\": {\"parameter\": \"/guidance/guidanceScale\", \"values\": [1, 3]}"),
                p);
        assertThat(docs)
                .extracting(d -> d.doc().at("/guidance/guidanceScale").asInt())
                .containsExactly(1, 3);
        assertThat(docs).extracting(d -> d.value().orElseThrow().asInt()).containsExactly(1, 3);
        assertThat(docs).allSatisfy(d -> assertThat(d.doc().has("sweep")).isFalse());
        assertThat(p.isEmpty()).isTrue();
        // a pointer into an object the document does not have
        assertThat(SamplingResolver.variantDocuments(
                        spec(", \"sweep\": {\"parameter\": \"/noise/x\", \"values\": [1]}"), p))
                .isNull();
        assertThat(paths(p)).containsExactly("/sweep/parameter");
    }

    @Test
    void aDiffusersImportGivesAModelWithoutPredictionTypeTheImportedOne(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("scheduler_config.json"),
                "{\"_class_name\": \"DDIMScheduler\", \"prediction_type\": \"v_prediction\"}");
        PipelineOptions o = OPTIONS.withBaseDirectory(dir);
        Optional<DiffusersImport> imported = SamplingResolver.diffusersImport(
                Json.parse("{\"type\": \"diffusers\", \"file\": \"scheduler_config.json\"}", "t"), o);
        assertThat(imported).isPresent();
        assertThat(SamplingResolver.diffusersImport(Json.parse("{\"type\": \"linear\"}", "t"), o))
                .isEmpty();
        ObjectNode model = (ObjectNode) Json.parse("{\"type\": \"gaussian-mixture\"}", "t");
        ObjectNode m = SamplingResolver.withImportedPrediction(model, imported, o.modelSources());
        assertThat(m.get("predictionType").asText()).isEqualTo(imported.get().predictionType());
        assertThat(model.has("predictionType"))
                .as("the given object is not changed")
                .isFalse();
        ObjectNode own =
                (ObjectNode) Json.parse("{\"type\": \"gaussian-mixture\", \"predictionType\": \"epsilon\"}", "t");
        assertThat(SamplingResolver.withImportedPrediction(own, imported, o.modelSources()))
                .isSameAs(own);
        assertThat(SamplingResolver.withImportedPrediction(model, Optional.empty(), o.modelSources()))
                .isSameAs(model);
    }

    @Test
    void bindModelTellsTheClassesOrRecordsTheProblemAtItsPath() {
        Problems p = new Problems();
        Optional<SamplingResolver.ModelFacts> m = SamplingResolver.bindModel(
                (ObjectNode) Json.parse("{\"type\": \"gaussian-mixture\"}", "t"), OPTIONS, p);
        assertThat(p.isEmpty()).isTrue();
        assertThat(m).get().satisfies(f -> {
            assertThat(f.numClasses()).isPresent();
            assertThat(f.providesClassifier()).isTrue();
        });
        assertThat(SamplingResolver.bindModel(
                        (ObjectNode) Json.parse("{\"type\": \"gaussian-mixtur\"}", "t"), OPTIONS, p))
                .isEmpty();
        assertThat(p.list()).singleElement().satisfies(cp -> {
            assertThat(cp.path()).isEqualTo("/model/type");
            assertThat(cp.message())
                    .contains(
                            "D4J-PLUGIN-UNKNOWN",
                            "no model source named 'gaussian-mixtur'",
                            "did you mean 'gaussian-mixture'");
        });
        Problems q = new Problems();
        SamplingResolver.bindModel(
                (ObjectNode) Json.parse("{\"type\": \"gaussian-mixture\", \"presett\": 1}", "t"), OPTIONS, q);
        assertThat(q.list()).singleElement().satisfies(cp -> {
            assertThat(cp.path()).isEqualTo("/model/presett");
            assertThat(cp.message())
                    .contains("did you mean 'preset'", "allowed fields of model source 'gaussian-mixture': type, ");
        });
    }

    @Test
    void chooseBackendTakesTheModelsPreferenceAndReportsADeviceAtDevice() {
        Problems p = new Problems();
        Optional<SamplingResolver.ModelFacts> m = SamplingResolver.bindModel(
                (ObjectNode) Json.parse("{\"type\": \"gaussian-mixture\"}", "t"), OPTIONS, p);
        Optional<SamplingResolver.BackendChoice> b = SamplingResolver.chooseBackend(spec(""), m, OPTIONS, p);
        assertThat(b)
                .get()
                .satisfies(c -> assertThat(c.json().get("type").asText()).isEqualTo("java"));
        assertThat(SamplingResolver.chooseBackend(spec(", \"device\": \"gpu\""), m, OPTIONS, p))
                .isEmpty();
        assertThat(paths(p)).containsExactly("/device");
        Problems q = new Problems();
        assertThat(SamplingResolver.chooseBackend(spec(", \"backend\": {\"type\": \"jav\"}"), m, OPTIONS, q))
                .isEmpty();
        assertThat(q.list())
                .singleElement()
                .satisfies(cp -> assertThat(cp.message()).contains("did you mean 'java'"));
    }

    @Test
    void checkLabelsReportsEachLabelBeyondTheClasses() {
        Problems p = new Problems();
        SamplingResolver.checkLabels(spec(", \"labels\": [0, 3, null, 5]"), OptionalInt.of(3), p);
        assertThat(paths(p)).containsExactly("/labels/1", "/labels/3");
        Problems none = new Problems();
        SamplingResolver.checkLabels(spec(", \"labels\": [7]"), OptionalInt.empty(), none);
        assertThat(none.isEmpty()).isTrue();
    }

    @Test
    void checkRunSizeReportsAGridBeyondTheMemoryLimitWhereTheDocumentSetsItsSize() {
        Problems p = new Problems();
        Optional<SamplingResolver.ModelFacts> m = SamplingResolver.bindModel(
                (ObjectNode) Json.parse("{\"type\": \"resource\", \"name\": \"x\", \"sampleShape\": [3, 64, 64]}", "t"),
                OPTIONS.withResource("x", (org.diffusion4j.api.NoisePredictor) (x, t, c) -> x),
                p);
        assertThat(p.isEmpty()).isTrue();
        // one grid of 4096 samples of 3·64·64 float32 values is 201 MB before the sampler's working set: over 1 MB
        PipelineOptions small = OPTIONS.withMemoryLimit(1 << 20);
        JsonNode doc = Json.parse(BASE + ", \"samplesPerLabel\": 4096}", "t");
        SamplingResolver.checkRunSize(SampleSpec.fromJson(doc, "t"), m.orElseThrow(), small, doc, p);
        assertThat(paths(p)).containsExactly("/samplesPerLabel");
        Problems q = new Problems();
        SamplingResolver.checkRunSize(
                spec(", \"samplesPerLabel\": 1"), m.orElseThrow(), OPTIONS, Json.parse("{}", "t"), q);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void resolveVariantMakesTheCanonicalDocumentOrReportsTheSamplerAgainstTheSchedule() {
        Problems p = new Problems();
        SampleSpec s = spec(", \"sampler\": {\"type\": \"DDIM\", \"steps\": 10}");
        SamplingResolver.VariantDoc d = SamplingResolver.variantDocuments(s, p).get(0);
        Optional<SamplingPipeline.Variant> v =
                SamplingResolver.resolveVariant(s, d, 1, Optional.empty(), Optional.empty(), false, OPTIONS, p);
        assertThat(p.isEmpty()).isTrue();
        assertThat(v).get().satisfies(x -> {
            assertThat(x.resolvedDoc().at("/sampler/type").asText()).isEqualTo("ddim");
            assertThat(x.resolvedDoc().at("/guidance/type").asText()).isEqualTo("none");
            assertThat(x.resolvedDoc().at("/noise/type").asText()).isEqualTo("sdk");
            assertThat(x.versions()).containsKeys("schedule:linear", "sampler:ddim", "guidance:none", "noise:sdk");
            assertThat(x.label()).isEqualTo("run");
        });
        // 500 DDIM steps on a schedule of 100 training steps: refused by the dry run, at the sampler's steps
        SampleSpec tooMany = spec(", \"sampler\": {\"type\": \"ddim\", \"steps\": 500}");
        assertThat(SamplingResolver.resolveVariant(
                        tooMany,
                        SamplingResolver.variantDocuments(tooMany, p).get(0),
                        1,
                        Optional.empty(),
                        Optional.empty(),
                        false,
                        OPTIONS,
                        p))
                .isEmpty();
        assertThat(paths(p)).containsExactly("/sampler/steps");
    }

    @Test
    void aMeanShiftGuidanceNeedsASamplerThatAppliesIt() {
        Problems p = new Problems();
        SampleSpec s = spec(", \"guidance\": {\"type\": \"classifier\", \"placement\": \"mean_shift\"}");
        Optional<SamplingResolver.ModelFacts> m = SamplingResolver.bindModel(
                (ObjectNode) Json.parse("{\"type\": \"gaussian-mixture\"}", "t"), OPTIONS, p);
        assertThat(SamplingResolver.resolveVariant(
                        s, SamplingResolver.variantDocuments(s, p).get(0), 1, m, Optional.empty(), true, OPTIONS, p))
                .isEmpty();
        assertThat(p.list()).singleElement().satisfies(cp -> {
            assertThat(cp.path()).isEqualTo("/guidance");
            assertThat(cp.message()).contains("cannot apply", "ddim");
        });
        SampleSpec ddpm = spec(
                ", \"sampler\": {\"type\": \"ddpm\"}, \"guidance\": {\"type\": \"classifier\", \"placement\": \"mean_shift\"}");
        Problems q = new Problems();
        assertThat(SamplingResolver.resolveVariant(
                        ddpm,
                        SamplingResolver.variantDocuments(ddpm, q).get(0),
                        1,
                        m,
                        Optional.empty(),
                        true,
                        OPTIONS,
                        q))
                .isPresent();
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void anImportedSamplerMergesUnderTheDocumentsOwnFields() {
        var reg = OPTIONS.registry();
        ObjectNode imported = (ObjectNode) Json.parse(
                "{\"type\": \"ddim\", \"steps\": 50, \"clipSample\": 1.0, \"thresholding\": false,"
                        + " \"stepsOffset\": 1}",
                "t");
        assertThat(SamplingResolver.mergeImportedSampler(null, imported, reg)).isSameAs(imported);
        ObjectNode other = (ObjectNode) Json.parse("{\"type\": \"ddpm\"}", "t");
        assertThat(SamplingResolver.mergeImportedSampler(other, imported, reg)).isSameAs(other);
        ObjectNode given = (ObjectNode) Json.parse("{\"type\": \"DDIM\", \"steps\": 20, \"thresholding\": true}", "t");
        ObjectNode merged = SamplingResolver.mergeImportedSampler(given, imported, reg);
        assertThat(merged.get("steps").asInt()).isEqualTo(20);
        assertThat(merged.get("thresholding").asBoolean()).isTrue();
        assertThat(merged.has("clipSample"))
                .as("the document's processing replaces the imported processing")
                .isFalse();
        assertThat(merged.get("stepsOffset").asInt()).isEqualTo(1);
    }
}
