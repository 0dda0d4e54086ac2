package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A field read, checked and described from its declaration alone. */
class DocFieldTest {
    static final DocField FORMAT = DocField.string("format", "the file format")
            .oneOf("png", "npy")
            .byDefault("png", "`png`")
            .generic();
    static final DocField COUNT = DocField.integer("count", 1, 10, "how many").generic();
    static final DocField FLAG = DocField.bool("flag", "on or off").generic();

    static Optional<JsonNode> read(DocField f, String json, Problems p) {
        return Fields.of(Json.parse(json, "t"), "/output", p, "an object").read(f);
    }

    @Test
    void aGenericFieldIsReadInItsTypeRangeAndChoices() {
        Problems p = new Problems();
        assertThat(read(FORMAT, "{\"format\": \"npy\"}", p))
                .get()
                .extracting(JsonNode::asText)
                .isEqualTo("npy");
        assertThat(read(COUNT, "{\"count\": 10}", p))
                .get()
                .extracting(JsonNode::asLong)
                .isEqualTo(10L);
        assertThat(read(FLAG, "{\"flag\": true}", p))
                .get()
                .extracting(JsonNode::asBoolean)
                .isEqualTo(true);
        assertThat(read(COUNT, "{}", p)).isEmpty();
        assertThat(p.isEmpty()).isTrue();
        assertThat(read(FORMAT, "{\"format\": \"nyp\"}", p)).isEmpty();
        assertThat(read(COUNT, "{\"count\": 11}", p)).isEmpty();
        assertThat(read(COUNT, "{\"count\": 2.5}", p)).isEmpty();
        assertThat(read(FLAG, "{\"flag\": \"yes\"}", p)).isEmpty();
        assertThat(p.list())
                .extracting(ConfigProblem::path)
                .containsExactly("/output/format", "/output/count", "/output/count", "/output/flag");
        assertThat(p.list().get(0).message()).contains("expected one of png, npy", "did you mean 'npy'");
        assertThat(p.list().get(1).message()).contains("[1, 10]");
    }

    @Test
    void itsSchemaHasTheTypeRangeChoicesDefaultAndDescription() {
        assertThat(FORMAT.schema().get("enum")).containsExactly(Json.tree("png"), Json.tree("npy"));
        assertThat(FORMAT.schema().get("default").asText()).isEqualTo("png");
        assertThat(COUNT.schema().get("minimum").asInt()).isEqualTo(1);
        assertThat(COUNT.schema().get("maximum").asInt()).isEqualTo(10);
        assertThat(FLAG.schema().get("type").asText()).isEqualTo("boolean");
        assertThat(DocumentTables.table(List.of(FORMAT, COUNT)))
                .contains("| `format` | the file format | `png` |")
                .contains("| `count` | how many; 1..10 | none |");
        assertThatThrownBy(() -> DocField.of("o", DocField.Type.OBJECT, "x").generic())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fieldsAreFoundByPointerAndOnlyGenericOnesByValue() {
        assertThat(Documents.field("/samplesPerLabel")).containsSame(Documents.SAMPLES_PER_LABEL);
        assertThat(Documents.field("/output/upscale")).containsSame(Documents.OUTPUT_UPSCALE);
        assertThat(Documents.field("/output/nothing")).isEmpty();
        SampleSpec s =
                SampleSpec.builder().modelFile("m.onnx", 1).schedule("linear").build();
        assertThatThrownBy(() -> s.value("/samplesPerLabel")).hasMessageContaining("its own accessor");
        // a field that no declaration has is refused where it is set, as in a document
        assertThatThrownBy(() -> s.toBuilder().set("/output/colour", "red").build())
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("/output/colour")
                .hasMessageContaining("unknown field 'colour'");
        assertThatThrownBy(() -> s.toBuilder().set("/colour", "red").build()).hasMessageContaining("at /colour");
    }
}
