package org.diffusion4j.onnx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import org.diffusion4j.api.spi.ModelSpec;

/**
 * How to call one ONNX model: which inputs take the sample, the timestep and the condition, which
 * output to read, and how to encode the timestep and the condition. Every field is optional; what is
 * left out is read from the model (names after the diffusers export convention, dtypes and shapes from
 * the model's metadata). Built from {@link ModelSpec#options()} with {@link #parse(Map)}; the keys
 * are the component names below.
 *
 * @param sampleInput    the input taking x_t (default {@code sample})
 * @param timestepInput  the input taking the model time (default {@code timestep})
 * @param conditionInput the input taking the condition (default {@code encoder_hidden_states} or
 *                       {@code class_labels}, whichever the model has; none if it has neither)
 * @param output         the output to read (default {@code out_sample}, else the model's only output)
 * @param timestepType   the dtype the caller expects the timestep input to have; the model's declared
 *                       dtype always wins, a mismatch is logged
 * @param timestepShape  {@code batch} ([B], one value per sample), {@code scalar} ([]), {@code single}
 *                       ([1], broadcast by the model) or {@code auto} (from the model's metadata)
 * @param timestepScale  factor applied to the model time before it is handed to the model (default 1)
 * @param conditionKind  {@code label} (class labels, int64 [B]), {@code embedding} (float [B, L, D]),
 *                       {@code none} (an unconditional model) or {@code auto} (from the input's dtype)
 * @param numClasses     the number of real classes; labels must be below it, and it is the default
 *                       null label
 * @param nullLabel      the label given for the null condition ∅ (default {@code numClasses})
 * @param nullEmbedding  what the null condition becomes for an embedding model: {@code error}
 *                       (default) or {@code zeros}
 */
public record OnnxModelOptions(
        Optional<String> sampleInput,
        Optional<String> timestepInput,
        Optional<String> conditionInput,
        Optional<String> output,
        Optional<OnnxElementType> timestepType,
        TimestepShape timestepShape,
        double timestepScale,
        ConditionKind conditionKind,
        OptionalInt numClasses,
        OptionalInt nullLabel,
        NullEmbedding nullEmbedding) {

    /** No options: everything from the model. */
    public static final OnnxModelOptions DEFAULTS = new OnnxModelOptions(
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            TimestepShape.AUTO,
            1.0,
            ConditionKind.AUTO,
            OptionalInt.empty(),
            OptionalInt.empty(),
            NullEmbedding.ERROR);

    /** The option keys {@link #parse} accepts. */
    public static final List<String> KEYS = List.of(
            "sampleInput",
            "timestepInput",
            "conditionInput",
            "output",
            "timestepType",
            "timestepShape",
            "timestepScale",
            "conditionKind",
            "numClasses",
            "nullLabel",
            "nullEmbedding");

    public OnnxModelOptions {
        if (!(timestepScale > 0) || !Double.isFinite(timestepScale)) {
            throw new IllegalArgumentException(
                    "model option 'timestepScale' must be a positive finite number, got " + timestepScale);
        }
        if (numClasses.isPresent() && numClasses.getAsInt() < 1) {
            throw new IllegalArgumentException("model option 'numClasses' must be >= 1, got " + numClasses.getAsInt());
        }
        if (nullLabel.isPresent() && nullLabel.getAsInt() < 0) {
            throw new IllegalArgumentException("model option 'nullLabel' must be >= 0, got " + nullLabel.getAsInt());
        }
        if (conditionKind == ConditionKind.NONE && conditionInput.isPresent()) {
            throw new IllegalArgumentException(
                    "model options name conditionInput '" + conditionInput.get() + "' but set conditionKind 'none'");
        }
    }

    /** How the timestep is shaped. */
    public enum TimestepShape {
        /** From the model's metadata: rank 0 is {@link #SCALAR}, [1] with a dynamic batch {@link #SINGLE}, else {@link #BATCH}. */
        AUTO,
        /** One value per sample: [B]. */
        BATCH,
        /** One value for the batch: []. */
        SCALAR,
        /** One value for the batch: [1]. */
        SINGLE
    }

    /** What the condition input takes. */
    public enum ConditionKind {
        /** From the model: an integer input takes labels, a float input of rank 3 embeddings. */
        AUTO,
        /** Class labels, [B] of int64 (or int32). */
        LABEL,
        /** Embeddings [B, L, D] of float32 (or float16, float64). */
        EMBEDDING,
        /** The model has no condition input. */
        NONE
    }

    /** What the null condition becomes for an embedding model. */
    public enum NullEmbedding {
        /** Refuse: the caller must give an embedding for every sample. */
        ERROR,
        /** An all-zero embedding. */
        ZEROS
    }

    /** The options of {@code spec}. */
    public static OnnxModelOptions of(ModelSpec spec) {
        return parse(spec.options());
    }

    /**
     * Parses options as they come from JSON: strings, numbers and nulls (a null is the same as a missing
     * key). Unknown keys and bad values fail with a message naming the key and what is allowed.
     */
    public static OnnxModelOptions parse(Map<String, ?> options) {
        TreeSet<String> unknown = new TreeSet<>(options.keySet());
        KEYS.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown ONNX model option" + (unknown.size() > 1 ? "s " : " ") + unknown
                    + "; allowed: " + String.join(", ", KEYS));
        }
        Map<String, ?> o = options;
        return new OnnxModelOptions(
                string(o, "sampleInput"),
                string(o, "timestepInput"),
                string(o, "conditionInput"),
                string(o, "output"),
                string(o, "timestepType")
                        .filter(s -> !s.equalsIgnoreCase("auto"))
                        .map(s -> parseWith("timestepType", s, OnnxElementType::parse)),
                string(o, "timestepShape")
                        .map(s -> parseEnum("timestepShape", s, TimestepShape.class))
                        .orElse(TimestepShape.AUTO),
                number(o, "timestepScale").orElse(1.0),
                string(o, "conditionKind")
                        .map(s -> parseEnum("conditionKind", s, ConditionKind.class))
                        .orElse(ConditionKind.AUTO),
                integer(o, "numClasses"),
                integer(o, "nullLabel"),
                string(o, "nullEmbedding")
                        .map(s -> parseEnum("nullEmbedding", s, NullEmbedding.class))
                        .orElse(NullEmbedding.ERROR));
    }

    /** {@code overrides} laid over {@code defaults}, key by key (for provider-level defaults). */
    public static Map<String, Object> merge(Map<String, ?> defaults, Map<String, ?> overrides) {
        Map<String, Object> m = new LinkedHashMap<>(defaults);
        m.putAll(overrides);
        return m;
    }

    /** The null label: {@link #nullLabel}, else {@link #numClasses}. */
    public OptionalInt effectiveNullLabel() {
        return nullLabel.isPresent() ? nullLabel : numClasses;
    }

    private static Optional<String> string(Map<String, ?> o, String key) {
        Object v = o.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("model option '" + key + "' must be a string, got " + describe(v));
        }
        if (s.isBlank()) {
            throw new IllegalArgumentException("model option '" + key + "' is blank");
        }
        return Optional.of(s.trim());
    }

    private static Optional<Double> number(Map<String, ?> o, String key) {
        Object v = o.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("model option '" + key + "' must be a number, got " + describe(v));
        }
        return Optional.of(n.doubleValue());
    }

    private static OptionalInt integer(Map<String, ?> o, String key) {
        Object v = o.get(key);
        if (v == null) {
            return OptionalInt.empty();
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            long l = ((Number) v).longValue();
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return OptionalInt.of((int) l);
            }
        }
        throw new IllegalArgumentException("model option '" + key + "' must be an integer, got " + describe(v));
    }

    private static <E extends Enum<E>> E parseEnum(String key, String value, Class<E> type) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            known.append(known.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
        }
        throw new IllegalArgumentException(
                "model option '" + key + "': unknown value '" + value + "'; allowed: " + known);
    }

    private static <T> T parseWith(String key, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model option '" + key + "': " + e.getMessage(), e);
        }
    }

    private static String describe(Object v) {
        return v.getClass().getSimpleName() + " " + v;
    }
}
