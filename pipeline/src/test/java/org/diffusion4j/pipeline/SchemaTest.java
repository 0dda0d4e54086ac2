package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published schema is what the generator writes for the built-in plugins, and every example
 * sampling document validates against it and resolves without problems. Regenerate with
 * {@code mvn -pl pipeline -am verify -Dtest=SchemaTest -Dsurefire.failIfNoSpecifiedTests=false -Dd4j.writeSchema=true}.
 */
class SchemaTest {
    static final Path SCHEMA = Path.of("../docs/schema/sample-run.schema.json");
    static final Path TRAIN_SCHEMA = Path.of("../docs/schema/train-run.schema.json");

    static Stream<Path> exampleSampleDocuments() throws IOException {
        List<Path> dirs = List.of(Path.of("src/test/resources/examples"), Path.of("../examples/configs"));
        return dirs.stream().filter(Files::isDirectory).flatMap(d -> {
            try {
                return Files.list(d)
                        .filter(f -> f.getFileName().toString().endsWith(".json")
                                && !f.getFileName().toString().contains("train"))
                        .sorted()
                        .toList()
                        .stream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void publishedSchemaIsTheGeneratedOne() throws IOException {
        PipelineOptions o = PipelineOptions.defaults();
        String generated = Json.write(SchemaGenerator.sampleSchema(o.registry(), o.modelSources()));
        String train = Json.write(SchemaGenerator.trainSchema(o.registry(), o.modelSources()));
        if (Boolean.getBoolean("d4j.writeSchema")) {
            Files.writeString(SCHEMA, generated);
            Files.writeString(TRAIN_SCHEMA, train);
        }
        assertThat(Files.readString(SCHEMA))
                .as("docs/schema is stale; regenerate (see class comment)")
                .isEqualTo(generated);
        assertThat(Files.readString(TRAIN_SCHEMA))
                .as("docs/schema is stale; regenerate (see class comment)")
                .isEqualTo(train);
    }

    /** The document fields' ranges and defaults are in the schema, taken from their one description. */
    @Test
    void schemaCarriesTheDeclaredRangesDefaultsAndDescriptions() throws IOException {
        JsonNode s = Json.read(SCHEMA);
        JsonNode spl = s.at("/properties/samplesPerLabel");
        assertThat(spl.get("maximum").asLong()).isEqualTo(Documents.SAMPLES_PER_LABEL.max());
        assertThat(spl.get("default").asInt())
                .isEqualTo(SampleSpec.builder()
                        .modelFile("m.onnx", 1)
                        .schedule("linear")
                        .build()
                        .samplesPerLabel());
        assertThat(s.at("/properties/output/properties/upscale/maximum").asInt())
                .isEqualTo(OutputSpec.MAX_UPSCALE);
        assertThat(s.at("/properties/output/properties/padding/default").asInt())
                .isEqualTo(OutputSpec.DEFAULT.padding());
        assertThat(s.at("/properties/sweep/properties/values/maxItems").asLong())
                .isEqualTo(Documents.SWEEP_VALUES.max());
        assertThat(s.at("/properties/sampler/default/type").asText()).isEqualTo("ddim");
        for (DocField f : Documents.SAMPLING) {
            assertThat(s.at("/properties/" + f.name().replace("~", "~0").replace("/", "~1") + "/description")
                            .asText())
                    .as("description of %s", f.name())
                    .isNotBlank();
        }
    }

    @Test
    void exampleTrainingDocumentsValidateAgainstTheTrainingSchema() throws IOException {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(Files.readString(TRAIN_SCHEMA));
        List<Path> docs = Files.list(Path.of("../examples/configs"))
                .filter(f -> f.getFileName().toString().contains("train"))
                .sorted()
                .toList();
        assertThat(docs).isNotEmpty();
        for (Path f : docs) {
            assertThat(schema.validate(Json.read(f)))
                    .as("schema errors of %s", f)
                    .isEmpty();
        }
        String[] bad = {
            "{\"trainer\": {\"type\": \"mixture-fit\"}, \"schedule\": {\"type\": \"linear\"}, \"steps\": 0}",
            "{\"trainer\": {\"type\": \"mixture-fit\"}, \"schedule\": {\"type\": \"linear\"}, \"steps\": 5,"
                    + " \"sample\": {\"model\": {\"type\": \"file\"}}}",
            "{\"schedule\": {\"type\": \"linear\"}, \"steps\": 5}"
        };
        for (String b : bad) {
            JsonNode doc = Json.parse(b, "bad");
            assertThat(schema.validate(doc)).as("schema errors of %s", b).isNotEmpty();
            assertThat(TrainingPipeline.check(doc, PipelineOptions.defaults()))
                    .as("parser problems of %s", b)
                    .isNotEmpty();
        }
    }

    @Test
    void exampleDocumentsValidateAgainstTheSchemaAndResolve() throws IOException {
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(Files.readString(SCHEMA));
        List<Path> docs = exampleSampleDocuments().toList();
        assertThat(docs).hasSizeGreaterThanOrEqualTo(3);
        for (Path f : docs) {
            JsonNode doc = Json.read(f);
            Set<ValidationMessage> errors = schema.validate(doc);
            assertThat(errors).as("schema errors of %s", f).isEmpty();
            if (doc.at("/model/type").asText().equals("file")) {
                continue; // needs a backend jar that the pipeline module does not have
            }
            assertThat(SamplingPipeline.check(doc, PipelineOptions.defaults().withBaseDirectory(f.getParent())))
                    .as("problems of %s", f)
                    .isEmpty();
        }
    }

    @Test
    void schemaRejectsWhatTheParserRejects() throws IOException {
        JsonSchema schema =
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(Files.readString(SCHEMA));
        String[] bad = {
            "{\"model\": {\"type\": \"gaussian-mixture\"}, \"schedule\": {\"type\": \"linear\"}, \"lables\": [1]}",
            "{\"model\": {\"type\": \"gaussian-mixture\"}, \"schedule\": {\"type\": \"linear\", \"numTrainTimestep\": 5}}",
            "{\"model\": {\"type\": \"gaussian-mixture\"}, \"schedule\": {\"type\": \"linear\"}, \"sampler\": {\"type\": \"ddim\", \"steps\": \"x\"}}",
            "{\"model\": {\"type\": \"gaussian-mixture\"}, \"schedule\": {\"type\": \"linear\"}, \"samplesPerLabel\": 0}",
            "{\"schedule\": {\"type\": \"linear\"}}"
        };
        for (String b : bad) {
            JsonNode doc = Json.parse(b, "bad");
            assertThat(schema.validate(doc)).as("schema errors of %s", b).isNotEmpty();
            assertThat(SamplingPipeline.check(doc, PipelineOptions.defaults()))
                    .as("parser problems of %s", b)
                    .isNotEmpty();
        }
        // a third-party plugin type is not the schema's business
        JsonNode thirdParty = Json.parse(
                "{\"model\": {\"type\": \"gaussian-mixture\"}, \"schedule\": {\"type\": \"linear\"},"
                        + " \"sampler\": {\"type\": \"my-sampler\", \"order\": 2}}",
                "t");
        assertThat(schema.validate(thirdParty)).isEmpty();
    }
}
