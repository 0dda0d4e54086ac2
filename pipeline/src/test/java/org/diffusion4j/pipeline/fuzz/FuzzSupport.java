package org.diffusion4j.pipeline.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.diffusion4j.pipeline.ConfigProblem;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.diffusion4j.pipeline.PipelineOptions;

/**
 * What the fuzz targets share: the options documents are resolved with, the two ways an input
 * becomes a document, and the property every rejection must have.
 *
 * <h2>Inputs</h2>
 * A fuzz input is read through a {@link FuzzedDataProvider}. Its last byte chooses the mode:
 * <ul>
 *   <li>even (a seed file ending in a newline): the rest of the input is the document's JSON text,
 *       mutated byte-wise by the fuzzer ({@code raw});</li>
 *   <li>odd: the input drives up to eight structural edits of one of the seed documents (replace a
 *       value by an edge value of another type, remove a field or element, add a known field, copy a
 *       subtree elsewhere), and the edited document is written out and read back as text
 *       ({@code structured}). This reaches the validation behind the JSON syntax far faster than
 *       byte mutations do.</li>
 * </ul>
 */
public final class FuzzSupport {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The folder that relative file names resolve against: holds one valid {@code scheduler_config.json}. */
    public static final Path BASE_DIRECTORY = baseDirectory();

    private FuzzSupport() {}

    private static Path baseDirectory() {
        try {
            Path d = Files.createTempDirectory("d4j-fuzz");
            Files.writeString(d.resolve("scheduler_config.json"), """
                    {"_class_name": "DDIMScheduler", "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
                     "beta_schedule": "scaled_linear", "steps_offset": 0, "set_alpha_to_one": false, "clip_sample": false}
                    """);
            d.toFile().deleteOnExit();
            d.resolve("scheduler_config.json").toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plugins on the test class path, relative files resolved in {@link #BASE_DIRECTORY}. */
    public static PipelineOptions options() {
        return PipelineOptions.defaults().withBaseDirectory(BASE_DIRECTORY).withSource("fuzz.json");
    }

    /**
     * The seed documents of a target, from its inputs folder ({@code <Target>Inputs/<method>/}, where
     * Jazzer also finds them as the seed corpus of byte-wise fuzzing).
     */
    public static List<JsonNode> seeds(Class<?> target, String method, String... names) {
        String dir = target.getSimpleName() + "Inputs/" + method + "/";
        List<JsonNode> out = new ArrayList<>();
        for (String name : names) {
            out.add(Json.parse(resource(target, dir + name), name));
        }
        return List.copyOf(out);
    }

    private static String resource(Class<?> c, String name) {
        try (InputStream in = c.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name + " next to " + c.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every field name and every string value of the seeds: what the structured edits draw names from. */
    public static List<String> vocabulary(List<JsonNode> seeds, List<String> more) {
        TreeSet<String> words = new TreeSet<>(more);
        for (JsonNode s : seeds) {
            collect(s, words);
        }
        return List.copyOf(words);
    }

    private static void collect(JsonNode n, TreeSet<String> words) {
        if (n.isTextual()) {
            words.add(n.asText());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            words.add(e.getKey());
            collect(e.getValue(), words);
        }
        if (n.isArray()) {
            n.forEach(c -> collect(c, words));
        }
    }

    /**
     * The document text an input stands for (see the class comment): raw text, or a seed edited
     * structurally and written out.
     */
    public static String document(FuzzedDataProvider data, List<JsonNode> seeds, List<String> vocabulary) {
        String text;
        if (data.remainingBytes() == 0 || !data.consumeBoolean()) {
            text = data.consumeRemainingAsString();
        } else {
            JsonNode doc = seeds.get(data.consumeInt(0, seeds.size() - 1)).deepCopy();
            int edits = data.consumeInt(1, 8);
            for (int i = 0; i < edits && data.remainingBytes() > 0; i++) {
                doc = edit(doc, data, vocabulary);
            }
            text = Json.write(doc);
        }
        if (PRINT) {
            System.err.println("fuzz input document:\n" + text);
        }
        return text;
    }

    /** {@code -Dd4j.fuzz.print=true}: print each input's document (to read what a crash file stands for). */
    private static final boolean PRINT = Boolean.getBoolean("d4j.fuzz.print");

    private static JsonNode edit(JsonNode doc, FuzzedDataProvider data, List<String> vocabulary) {
        List<JsonPointer> paths = new ArrayList<>();
        paths(doc, JsonPointer.empty(), paths);
        JsonPointer at = paths.get(data.consumeInt(0, paths.size() - 1));
        int op = data.consumeInt(0, 4);
        if (at.matches()) {
            // the root: replace it (rarely useful) or add a field to it
            if (op == 0) {
                return value(data, vocabulary, doc);
            }
            if (doc instanceof ObjectNode o) {
                o.set(pick(data, vocabulary), value(data, vocabulary, doc));
            }
            return doc;
        }
        JsonNode parent = doc.at(at.head());
        String last = at.last().getMatchingProperty();
        switch (op) {
            case 0, 1 -> set(parent, last, at.last().getMatchingIndex(), value(data, vocabulary, doc));
            case 2 -> {
                if (parent instanceof ObjectNode o) {
                    o.remove(last);
                } else if (parent instanceof ArrayNode a) {
                    a.remove(at.last().getMatchingIndex());
                }
            }
            case 3 -> {
                JsonNode target = doc.at(at);
                if (target instanceof ObjectNode o) {
                    o.set(pick(data, vocabulary), value(data, vocabulary, doc));
                } else if (target instanceof ArrayNode a) {
                    a.insert(data.consumeInt(0, a.size()), value(data, vocabulary, doc));
                } else {
                    set(parent, last, at.last().getMatchingIndex(), value(data, vocabulary, doc));
                }
            }
            default -> {
                // a subtree of the document itself, somewhere else: an object where a number was, and so on
                JsonPointer from = paths.get(data.consumeInt(0, paths.size() - 1));
                set(parent, last, at.last().getMatchingIndex(), doc.at(from).deepCopy());
            }
        }
        return doc;
    }

    private static void set(JsonNode parent, String field, int index, JsonNode value) {
        if (parent instanceof ObjectNode o) {
            o.set(field, value);
        } else if (parent instanceof ArrayNode a && index >= 0 && index < a.size()) {
            a.set(index, value);
        }
    }

    private static void paths(JsonNode n, JsonPointer at, List<JsonPointer> out) {
        out.add(at);
        if (n.isObject()) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                paths(n.get(f), at.appendProperty(f), out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                paths(n.get(i), at.appendIndex(i), out);
            }
        }
    }

    private static String pick(FuzzedDataProvider data, List<String> vocabulary) {
        return data.consumeBoolean()
                ? vocabulary.get(data.consumeInt(0, vocabulary.size() - 1))
                : data.consumeString(16);
    }

    /** A value of any JSON type, biased to the edges: limits of int and long, fractions, huge numbers, names. */
    private static JsonNode value(FuzzedDataProvider data, List<String> vocabulary, JsonNode doc) {
        return switch (data.consumeInt(0, 11)) {
            case 0 -> F.nullNode();
            case 1 -> F.booleanNode(data.consumeBoolean());
            case 2 ->
                F.numberNode(data.pickValue(new long[] {
                    0,
                    1,
                    -1,
                    2,
                    3,
                    7,
                    1000,
                    1001,
                    Integer.MAX_VALUE,
                    Integer.MIN_VALUE,
                    Integer.MAX_VALUE + 1L,
                    Long.MAX_VALUE,
                    Long.MIN_VALUE
                }));
            case 3 -> F.numberNode(data.consumeLong());
            case 4 ->
                F.numberNode(data.pickValue(
                        new double[] {0.5, 10.5, -0.0, 1e-320, 1e308, -1e308, 0.999999, 1.0000001, 2.5e9, 1e19}));
            case 5 -> F.numberNode(finite(data.consumeDouble()));
            case 6 -> F.numberNode(new BigInteger("1" + "0".repeat(data.consumeInt(19, 400))));
            case 7 -> F.numberNode(new BigDecimal("1e" + data.consumeInt(-400, 400)));
            case 8 -> F.textNode(pick(data, vocabulary));
            case 9 -> {
                ArrayNode a = F.arrayNode();
                int n = data.consumeInt(0, 4);
                for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
                    a.add(value(data, vocabulary, doc));
                }
                yield a;
            }
            case 10 -> {
                ObjectNode o = F.objectNode();
                int n = data.consumeInt(0, 3);
                for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
                    o.set(pick(data, vocabulary), value(data, vocabulary, doc));
                }
                yield o;
            }
            default -> F.numberNode(data.consumeInt());
        };
    }

    private static double finite(double d) {
        return Double.isFinite(d) ? d : 0.0;
    }

    /**
     * The property of a rejection: at least one problem, each at a JSON pointer (syntactically valid,
     * {@code ""} for the whole document) with a message that says something, and the message names no
     * Java exception class. {@code check} (the {@code validate} command) must report exactly the same.
     */
    /**
     * The shared first half of a document target: the fuzzed text is parsed and resolved; a syntax or
     * configuration error must be a well-formed {@code D4J-CONFIG} error (a resolution error exactly what
     * {@code check} reports), and a document that resolves must pass {@code check}. Returns the run
     * object, or empty when the input was (correctly) refused.
     */
    public static <T> java.util.Optional<T> resolve(
            FuzzedDataProvider data,
            List<JsonNode> seeds,
            List<String> vocabulary,
            java.util.function.Function<JsonNode, T> fromJson,
            java.util.function.Function<JsonNode, List<ConfigProblem>> check) {
        JsonNode doc;
        try {
            doc = org.diffusion4j.pipeline.Json.parse(document(data, seeds, vocabulary), "fuzz.json");
        } catch (PipelineConfigException e) {
            assertWellFormed(e); // a syntax error (at "") or a number out of range
            return java.util.Optional.empty();
        }
        T run;
        try {
            run = fromJson.apply(doc);
        } catch (PipelineConfigException e) {
            assertWellFormed(e, check.apply(doc));
            return java.util.Optional.empty();
        }
        assertThat(check.apply(doc))
                .as("validate agrees that the document is valid")
                .isEmpty();
        return java.util.Optional.of(run);
    }

    public static void assertWellFormed(PipelineConfigException e, List<ConfigProblem> checked) {
        assertWellFormed(e);
        assertThat(checked).as("validate (check) reports what fromJson throws").isEqualTo(e.problems());
    }

    /** The property of a rejection without the comparison with {@code check} (for errors of the JSON text). */
    public static void assertWellFormed(PipelineConfigException e) {
        assertThat(e.getMessage()).startsWith("D4J-CONFIG");
        assertThat(e.problems()).isNotEmpty();
        for (ConfigProblem p : e.problems()) {
            assertThat(p.path()).as("JSON pointer of %s", p).matches("(?s)|/.*");
            JsonPointer.compile(p.path());
            assertThat(p.message()).as("message of %s", p).isNotBlank();
            assertThat(p.message())
                    .as("message of %s", p)
                    .doesNotContain(
                            "java.lang.",
                            "NullPointerException",
                            "ClassCastException",
                            "ArithmeticException",
                            "IndexOutOfBoundsException");
        }
    }
}
