package org.diffusion4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The element types the backend can feed to and read from a model. */
public enum OnnxElementType {
    FLOAT32("float32", true),
    FLOAT16("float16", true),
    BFLOAT16("bfloat16", true),
    FLOAT64("float64", true),
    INT32("int32", false),
    INT64("int64", false);

    private final String label;
    private final boolean floating;

    OnnxElementType(String label, boolean floating) {
        this.label = label;
        this.floating = floating;
    }

    /** The lower-case name used in options and messages, for example {@code float32}. */
    public String label() {
        return label;
    }

    /** True for the floating-point types. */
    public boolean isFloatingPoint() {
        return floating;
    }

    /**
     * Parses {@code float32} ({@code float}), {@code float16} ({@code half}), {@code bfloat16},
     * {@code float64} ({@code double}), {@code int32} ({@code int}) and {@code int64} ({@code long}).
     */
    public static OnnxElementType parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "float32", "float", "fp32" -> FLOAT32;
            case "float16", "half", "fp16" -> FLOAT16;
            case "bfloat16", "bf16" -> BFLOAT16;
            case "float64", "double", "fp64" -> FLOAT64;
            case "int32", "int" -> INT32;
            case "int64", "long" -> INT64;
            default ->
                throw new IllegalArgumentException("unknown element type '" + name + "'; known: "
                        + Arrays.stream(values()).map(OnnxElementType::label).collect(Collectors.joining(", ")));
        };
    }

    /** The type of an ONNX Runtime tensor, if the backend supports it. */
    static Optional<OnnxElementType> of(OnnxJavaType t) {
        return Optional.ofNullable(
                switch (t) {
                    case FLOAT -> FLOAT32;
                    case FLOAT16 -> FLOAT16;
                    case BFLOAT16 -> BFLOAT16;
                    case DOUBLE -> FLOAT64;
                    case INT32 -> INT32;
                    case INT64 -> INT64;
                    default -> null;
                });
    }

    @Override
    public String toString() {
        return label;
    }
}
