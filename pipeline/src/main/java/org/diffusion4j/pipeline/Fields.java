package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the fields of one JSON object strictly, recording every problem with its JSON pointer: unknown
 * fields (with did-you-mean and the allowed list), wrong types, out-of-range values.
 */
final class Fields {
    private final ObjectNode node;
    private final String path;
    private final Problems problems;
    private final boolean valid;

    private Fields(ObjectNode node, String path, Problems problems, boolean valid) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.valid = valid;
    }

    /** Reads {@code n} at {@code path}, which must be an object. */
    static Fields of(JsonNode n, String path, Problems problems, String what) {
        if (n instanceof ObjectNode o) {
            return new Fields(o, path, problems, true);
        }
        problems.add(path, "expected " + what + " (a JSON object), got " + Json.describe(n));
        return new Fields(Json.object(), path, problems, false);
    }

    boolean valid() {
        return valid;
    }

    Problems problems() {
        return problems;
    }

    ObjectNode node() {
        return node;
    }

    String path() {
        return path;
    }

    String at(String field) {
        return path + Json.segment(field);
    }

    /** Reports every field that is not one of {@code fields}. */
    void allow(List<DocField> fields) {
        allow(Documents.names(fields));
    }

    /** The integer field {@code f}, in its declared range. */
    Optional<Long> integer(DocField f) {
        return integer(
                f.name(), f.min() == null ? Long.MIN_VALUE : f.min(), f.max() == null ? Long.MAX_VALUE : f.max());
    }

    /**
     * A field read from its description alone ({@link DocField#generic}): a string (one of its choices, when
     * it has some), an integer in its range, a finite number or a boolean; the value as JSON.
     */
    Optional<JsonNode> read(DocField f) {
        String n = f.name();
        return switch (f.type()) {
            case STRING -> {
                Optional<String> s = string(n);
                if (s.isPresent() && !f.choices().isEmpty() && !f.choices().contains(s.get())) {
                    problems.add(
                            at(n),
                            "expected one of " + String.join(", ", f.choices()) + ", got '" + s.get() + "'"
                                    + org.diffusion4j.api.spi.PluginRegistry.didYouMean(s.get(), f.choices()));
                    yield Optional.empty();
                }
                yield s.map(v -> (JsonNode) com.fasterxml.jackson.databind.node.TextNode.valueOf(v));
            }
            case INTEGER -> integer(f).map(v -> (JsonNode) com.fasterxml.jackson.databind.node.LongNode.valueOf(v));
            case NUMBER ->
                number(n, -Double.MAX_VALUE, Double.MAX_VALUE)
                        .map(v -> (JsonNode) com.fasterxml.jackson.databind.node.DoubleNode.valueOf(v));
            case BOOLEAN -> bool(n).map(v -> (JsonNode) com.fasterxml.jackson.databind.node.BooleanNode.valueOf(v));
            default -> throw new IllegalStateException(n + " is not read generically");
        };
    }

    /** Reports every field not in {@code allowed}. */
    void allow(Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                problems.add(
                        at(f),
                        "unknown field '" + f + "'" + org.diffusion4j.api.spi.PluginRegistry.didYouMean(f, allowed)
                                + "; allowed fields: " + String.join(", ", new LinkedHashSet<>(allowed)));
            }
        }
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    Optional<JsonNode> get(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
    }

    Optional<String> string(String field) {
        Optional<JsonNode> v = get(field);
        if (v.isPresent() && !v.get().isTextual()) {
            problems.add(at(field), "expected a string, got " + Json.describe(v.get()));
            return Optional.empty();
        }
        return v.map(JsonNode::asText);
    }

    /** A string that must be non-blank when present. */
    Optional<String> nonBlank(String field) {
        Optional<String> s = string(field);
        if (s.isPresent() && s.get().isBlank()) {
            problems.add(at(field), "must not be blank");
            return Optional.empty();
        }
        return s;
    }

    Optional<Boolean> bool(String field) {
        Optional<JsonNode> v = get(field);
        if (v.isPresent() && !v.get().isBoolean()) {
            problems.add(at(field), "expected true or false, got " + Json.describe(v.get()));
            return Optional.empty();
        }
        return v.map(JsonNode::booleanValue);
    }

    /** An integer in [min, max]. */
    Optional<Long> integer(String field, long min, long max) {
        Optional<JsonNode> v = get(field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        return integerValue(v.get(), at(field), min, max);
    }

    Optional<Long> integerValue(JsonNode n, String where, long min, long max) {
        if (n.isFloatingPointNumber() && !n.isBigDecimal() && !Double.isFinite(n.doubleValue())) {
            // a tree built in code (parsed text never has these): infinity has no decimal value
            problems.add(where, "must be in [" + min + ", " + max + "], got " + Json.describe(n));
            return Optional.empty();
        }
        if (!n.isIntegralNumber()
                && !(n.isNumber() && n.decimalValue().stripTrailingZeros().scale() <= 0)) {
            problems.add(where, "expected an integer in [" + min + ", " + max + "], got " + Json.describe(n));
            return Optional.empty();
        }
        if (!n.canConvertToLong() && !n.isBigDecimal()) {
            problems.add(where, "integer out of range [" + min + ", " + max + "]: " + n);
            return Optional.empty();
        }
        java.math.BigDecimal d = n.decimalValue();
        if (d.compareTo(java.math.BigDecimal.valueOf(min)) < 0 || d.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            problems.add(where, "must be in [" + min + ", " + max + "], got " + n);
            return Optional.empty();
        }
        return Optional.of(d.longValueExact());
    }

    /** A finite number in [min, max]. */
    Optional<Double> number(String field, double min, double max) {
        Optional<JsonNode> v = get(field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = v.get();
        if (!n.isNumber()) {
            problems.add(at(field), "expected a number in [" + min + ", " + max + "], got " + Json.describe(n));
            return Optional.empty();
        }
        double d = n.doubleValue();
        if (!(d >= min && d <= max)) {
            problems.add(at(field), "must be in [" + min + ", " + max + "], got " + n);
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** An array of integers, each in [min, max], of length in [minLength, maxLength]. */
    Optional<int[]> intArray(String field, int minLength, int maxLength, long min, long max) {
        Optional<JsonNode> v = get(field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        if (!v.get().isArray() || v.get().size() < minLength || v.get().size() > maxLength) {
            problems.add(
                    at(field),
                    "expected an array of " + minLength + (maxLength > minLength ? " to " + maxLength : "")
                            + " integers, got " + Json.describe(v.get()));
            return Optional.empty();
        }
        int[] out = new int[v.get().size()];
        boolean ok = true;
        for (int i = 0; i < out.length; i++) {
            Optional<Long> e = integerValue(v.get().get(i), at(field) + "/" + i, min, max);
            ok &= e.isPresent();
            out[i] = e.map(Long::intValue).orElse(0);
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    /** The object field {@code field}, if present. */
    Optional<Fields> object(String field, String what) {
        Optional<JsonNode> v = get(field);
        return v.map(n -> of(n, at(field), problems, what));
    }

    /** A required field: reports it when missing. */
    boolean require(String field, String hint) {
        if (!has(field)) {
            problems.add(at(field), "missing required field '" + field + "'" + (hint.isEmpty() ? "" : "; " + hint));
            return false;
        }
        return true;
    }

    List<String> fieldNames() {
        List<String> l = new ArrayList<>();
        node.fieldNames().forEachRemaining(l::add);
        return l;
    }
}
