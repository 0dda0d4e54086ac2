package org.diffusion4j.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing configuration documents: strict standard JSON, pretty output. */
public final class Json {
    /** Strict reader (duplicate keys and trailing content are errors) and NON_NULL writer; never handed out (it is mutable). */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private Json() {}

    /**
     * Parses a document.
     *
     * @param text   the JSON text
     * @param source its name for messages
     * @throws PipelineConfigException on a syntax error, with line and column
     */
    public static JsonNode parse(String text, String source) {
        try {
            JsonNode n = MAPPER.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new PipelineConfigException(source, "", "the document is empty; expected a JSON object");
            }
            List<ConfigProblem> overflow = new ArrayList<>();
            nonFinite(n, "", overflow);
            if (!overflow.isEmpty()) {
                throw new PipelineConfigException(source, overflow);
            }
            return n;
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
            throw new PipelineConfigException(source, "", "not valid JSON: " + where + e.getOriginalMessage());
        }
    }

    /** Numbers whose text overflows a double (1e999 reads as infinity): a problem each, at its pointer. */
    private static void nonFinite(JsonNode n, String at, List<ConfigProblem> out) {
        if (n.isFloatingPointNumber() && !n.isBigDecimal() && !Double.isFinite(n.doubleValue())) {
            out.add(new ConfigProblem(
                    at,
                    "number out of range: it overflows a 64-bit floating-point number" + " (largest about 1.8e308)"));
        } else if (n.isObject()) {
            n.fields().forEachRemaining(e -> nonFinite(e.getValue(), at + segment(e.getKey()), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                nonFinite(n.get(i), at + "/" + i, out);
            }
        }
    }

    /** Reads and parses a file. */
    public static JsonNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new PipelineConfigException(file.toString(), "", "no such file: " + file.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Pretty-printed JSON with a trailing newline. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** The strict reader of documents (immutable; duplicate keys and trailing content are errors). */
    public static ObjectReader reader() {
        return MAPPER.reader();
    }

    /** The writer of documents (immutable; pretty-printed, nulls left out). */
    public static ObjectWriter writer() {
        return MAPPER.writer();
    }

    /** A fresh empty array. */
    public static ArrayNode array() {
        return MAPPER.createArrayNode();
    }

    /** A fresh empty object. */
    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** A value (a config record, a map, a number) as a JSON tree, nulls left out. */
    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** What a JSON value is, for messages: {@code string "abc"}, {@code number 1.5}, {@code object}. */
    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        String text = n.toString();
        if (text.length() > 40) {
            text = text.substring(0, 37) + "...";
        }
        if (n.isTextual()) {
            return "string " + text;
        }
        if (n.isIntegralNumber()) {
            return "integer " + text;
        }
        if (n.isNumber()) {
            return "number " + text;
        }
        if (n.isBoolean()) {
            return "boolean " + text;
        }
        if (n.isNull()) {
            return "null";
        }
        if (n.isArray()) {
            return "array " + text;
        }
        return "object " + text;
    }

    /** A JSON-pointer segment, escaped. */
    static String segment(String field) {
        return "/" + field.replace("~", "~0").replace("/", "~1");
    }
}
