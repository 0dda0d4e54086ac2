package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.diffusion4j.api.spi.PluginKind;
import org.jspecify.annotations.Nullable;

/**
 * One field of a document, described once: its name, JSON type, whether it is required, its range, its
 * default and what it means. The parser reads the field with these limits ({@link Fields#read}), the
 * schema generator writes them as JSON Schema keywords ({@link #schema()}) and the field tables of
 * {@code docs/pipeline.md} are written from them ({@link DocumentTables}). See {@link Documents} for the
 * fields of every document and how to add one.
 *
 * @param name        the JSON name
 * @param type        its JSON type
 * @param isRequired  true when a document must have it
 * @param min         the least value of an integer (or the least length of an array), if bounded
 * @param max         the largest value of an integer (or the largest length of an array), if bounded
 * @param defaultValue the value used when the field is absent, as JSON, when there is one to write in a schema
 * @param defaultText the default in words, for the docs ({@code "required"}, {@code "all at once"})
 * @param description what the field means: one sentence, Markdown
 * @param plugin      the plugin kind of a {@code {"type": ...}} object, else null
 * @param choices     the allowed values of a string field; empty: any string
 * @param schemaExtra further JSON Schema keywords ({@code pattern}, {@code items}, nested {@code properties})
 * @param inSample    true when a training document's {@code sample} object may set it
 * @param isGeneric   true when the parser reads and checks it from this description alone and the document
 *                    keeps its value as given ({@link SampleSpec#value}): a field that needs no code of its own
 */
record DocField(
        String name,
        Type type,
        boolean isRequired,
        @Nullable Long min,
        @Nullable Long max,
        @Nullable JsonNode defaultValue,
        String defaultText,
        String description,
        @Nullable PluginKind<?> plugin,
        List<String> choices,
        ObjectNode schemaExtra,
        boolean inSample,
        boolean isGeneric) {

    /** The JSON types of fields. */
    enum Type {
        STRING("string"),
        INTEGER("integer"),
        NUMBER("number"),
        BOOLEAN("boolean"),
        ARRAY("array"),
        OBJECT("object"),
        PLUGIN("object");

        final String json;

        Type(String json) {
            this.json = json;
        }
    }

    DocField {
        choices = List.copyOf(choices);
        schemaExtra = schemaExtra.deepCopy();
        defaultValue = defaultValue == null ? null : defaultValue.deepCopy();
    }

    static DocField of(String name, Type type, String description) {
        return new DocField(
                name, type, false, null, null, null, "none", description, null, List.of(), Json.object(), false, false);
    }

    static DocField string(String name, String description) {
        return of(name, Type.STRING, description);
    }

    static DocField integer(String name, long min, long max, String description) {
        return of(name, Type.INTEGER, description).range(min, max);
    }

    static DocField bool(String name, String description) {
        return of(name, Type.BOOLEAN, description);
    }

    static DocField plugin(String name, PluginKind<?> kind, String description) {
        return new DocField(
                name,
                Type.PLUGIN,
                false,
                null,
                null,
                null,
                "none",
                description,
                kind,
                List.of(),
                Json.object(),
                false,
                false);
    }

    private DocField copy(
            boolean req,
            @Nullable Long lo,
            @Nullable Long hi,
            @Nullable JsonNode dv,
            String dt,
            List<String> ch,
            ObjectNode extra,
            boolean sample,
            boolean gen) {
        return new DocField(name, type, req, lo, hi, dv, dt, description, plugin, ch, extra, sample, gen);
    }

    DocField required() {
        return copy(true, min, max, defaultValue, "required", choices, schemaExtra, inSample, isGeneric);
    }

    DocField range(long lo, long hi) {
        return copy(isRequired, lo, hi, defaultValue, defaultText, choices, schemaExtra, inSample, isGeneric);
    }

    /** A default written in the schema and, as {@code text}, in the docs. */
    DocField byDefault(@Nullable Object value, String text) {
        return copy(
                isRequired,
                min,
                max,
                value == null ? null : Json.tree(value),
                text,
                choices,
                schemaExtra,
                inSample,
                isGeneric);
    }

    /** A default told in words only ({@code "all at once"}). */
    DocField byDefault(String text) {
        return copy(isRequired, min, max, defaultValue, text, choices, schemaExtra, inSample, isGeneric);
    }

    /** The values a string field may take. */
    DocField oneOf(String... values) {
        return copy(isRequired, min, max, defaultValue, defaultText, List.of(values), schemaExtra, inSample, isGeneric);
    }

    /** Further schema keywords. */
    DocField schema(ObjectNode extra) {
        ObjectNode e = schemaExtra.deepCopy();
        e.setAll(extra);
        return copy(isRequired, min, max, defaultValue, defaultText, choices, e, inSample, isGeneric);
    }

    /** Settable in a training document's {@code sample} object. */
    DocField inTrainingSample() {
        return copy(isRequired, min, max, defaultValue, defaultText, choices, schemaExtra, true, isGeneric);
    }

    /**
     * Read, checked and kept by the description alone (a string, with its {@link #oneOf} choices; an integer
     * in its range; a number; a boolean): no parser code, the value is {@link SampleSpec#value}.
     */
    DocField generic() {
        if (type == Type.PLUGIN || type == Type.OBJECT || type == Type.ARRAY) {
            throw new IllegalStateException(
                    name + ": only string, integer, number and boolean fields are read generically");
        }
        return copy(isRequired, min, max, defaultValue, defaultText, choices, schemaExtra, inSample, true);
    }

    Optional<JsonNode> defaultJson() {
        return Optional.ofNullable(defaultValue).map(JsonNode::deepCopy);
    }

    /** The declared default, for code that relies on the field having one (a copy). */
    JsonNode declaredDefault() {
        return defaultJson().orElseThrow(() -> new IllegalStateException(name + " declares no default"));
    }

    /** The declared upper bound, for code that relies on the field having one. */
    long declaredMax() {
        Long hi = max;
        if (hi == null) {
            throw new IllegalStateException(name + " declares no upper bound");
        }
        return hi;
    }

    /** The field's JSON Schema: type, range, default, description and the further keywords. */
    ObjectNode schema() {
        ObjectNode s = Json.object();
        if (plugin != null) {
            s.put("$ref", "#/$defs/" + SchemaGenerator.defName(plugin));
        } else if (min != null && max != null && min.equals(max) && type == Type.INTEGER) {
            s.put("const", min);
        } else {
            s.put("type", type.json);
            if (type == Type.INTEGER) {
                if (min != null && min != Long.MIN_VALUE) {
                    s.put("minimum", min);
                }
                if (max != null && max != Long.MAX_VALUE) {
                    s.put("maximum", max);
                }
            } else if (type == Type.ARRAY) {
                if (min != null) {
                    s.put("minItems", min);
                }
                if (max != null && max < Integer.MAX_VALUE) {
                    s.put("maxItems", max);
                }
            }
        }
        if (!choices.isEmpty()) {
            s.set("enum", Json.tree(choices));
        }
        s.put("description", plainText(description));
        if (defaultValue != null) {
            s.set("default", defaultValue.deepCopy());
        }
        s.setAll(schemaExtra.deepCopy());
        return s;
    }

    /** The description without Markdown code marks, for the schema. */
    static String plainText(String markdown) {
        return markdown.replace("`", "");
    }

    /** The names of {@code fields}, in order. */
    static List<String> names(List<DocField> fields) {
        return fields.stream().map(DocField::name).toList();
    }
}
