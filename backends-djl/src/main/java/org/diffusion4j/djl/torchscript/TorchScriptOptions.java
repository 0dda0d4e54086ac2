package org.diffusion4j.djl.torchscript;

import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.diffusion4j.api.DiffusionArgumentException;
import org.jspecify.annotations.Nullable;

/**
 * How to call a TorchScript model, parsed from a {@code ModelSpec}'s options.
 *
 * <table>
 *   <caption>options</caption>
 *   <tr><td>{@code inputs}</td><td>positional inputs as roles (list or comma-separated): {@code sample},
 *       {@code timestep}, {@code class_labels}, {@code encoder_hidden_states} (or an alias, see
 *       {@link InputRole}); default: read from the model's forward signature</td></tr>
 *   <tr><td>{@code timestepDtype}</td><td>{@code int64} (default), {@code int32}, {@code float32},
 *       {@code float64}, {@code float16}</td></tr>
 *   <tr><td>{@code timestepShape}</td><td>{@code batch} ([B], default) or {@code scalar} ([])</td></tr>
 *   <tr><td>{@code sampleDtype}</td><td>{@code float32} (default) or {@code float16}</td></tr>
 *   <tr><td>{@code numClasses}</td><td>K: the null condition is sent as class K</td></tr>
 *   <tr><td>{@code outputIndex}</td><td>which element of a tuple/list output (default 0)</td></tr>
 *   <tr><td>{@code outputKey}</td><td>which entry of a dict output (default {@code sample})</td></tr>
 *   <tr><td>{@code output}</td><td>classifiers only: {@code logits} (default; gradient by autograd)
 *       or {@code gradient} (the model returns ∇ log p(y | x_t) itself)</td></tr>
 *   <tr><td>{@code graphOptimizer}</td><td>keep PyTorch's graph-executor optimiser on (default false)</td></tr>
 *   <tr><td>{@code warmup}</td><td>run one call at load (default true; needs {@code sampleShape})</td></tr>
 *   <tr><td>{@code sampleShape}</td><td>shape of one sample without the batch axis, e.g. [1, 28, 28]</td></tr>
 *   <tr><td>{@code fixedBatchSize}</td><td>the only batch size the model accepts</td></tr>
 * </table>
 *
 * @param inputs         the roles in positional order; empty = from the signature
 * @param timestepDtype  dtype of the timestep input
 * @param timestepScalar true for a scalar timestep
 * @param sampleDtype    dtype of the sample input (the output is converted to float32)
 * @param numClasses     K, or −1 when not given
 * @param outputIndex    element of a tuple output
 * @param outputKey      entry of a dict output
 * @param gradientOutput classifiers: the model returns the gradient itself
 * @param graphOptimizer keep the graph-executor optimiser on
 * @param warmup         call once at load
 * @param sampleShape    one sample's shape, or null
 * @param fixedBatchSize the only accepted batch size, or −1
 */
record TorchScriptOptions(
        List<InputRole> inputs,
        DataType timestepDtype,
        boolean timestepScalar,
        DataType sampleDtype,
        int numClasses,
        int outputIndex,
        String outputKey,
        boolean gradientOutput,
        boolean graphOptimizer,
        boolean warmup,
        int @Nullable [] sampleShape,
        int fixedBatchSize) {

    private static final Set<String> KEYS = Set.of(
            "inputs",
            "timestepDtype",
            "timestepShape",
            "sampleDtype",
            "numClasses",
            "outputIndex",
            "outputKey",
            "output",
            "graphOptimizer",
            "warmup",
            "sampleShape",
            "fixedBatchSize");

    public TorchScriptOptions {
        inputs = List.copyOf(inputs);
    }

    /** The fixed batch size, if any. */
    public OptionalInt fixedBatch() {
        return fixedBatchSize > 0 ? OptionalInt.of(fixedBatchSize) : OptionalInt.empty();
    }

    /**
     * Parses options.
     *
     * @param source the model file, for messages
     * @throws IllegalArgumentException naming the option, the bad value and what is allowed
     */
    public static TorchScriptOptions parse(Map<String, Object> options, String source) {
        for (String k : options.keySet()) {
            if (!KEYS.contains(k)) {
                throw new DiffusionArgumentException(
                        TorchScriptModule.CODE,
                        source + ": unknown TorchScript option '" + k + "'; known: " + new java.util.TreeSet<>(KEYS));
            }
        }
        List<InputRole> inputs = new ArrayList<>();
        Object in = options.get("inputs");
        if (in != null) {
            List<String> names = new ArrayList<>();
            if (in instanceof List<?> l) {
                l.forEach(o -> names.add(String.valueOf(o)));
            } else {
                for (String s : String.valueOf(in).split(",")) {
                    names.add(s.trim());
                }
            }
            for (String n : names) {
                inputs.add(InputRole.of(n)
                        .orElseThrow(() -> new DiffusionArgumentException(
                                TorchScriptModule.CODE,
                                source + ": option inputs: '" + n + "' is not a known input; known: "
                                        + InputRole.known())));
            }
        }
        DataType tDtype = dtype(options.getOrDefault("timestepDtype", "int64"), "timestepDtype", source);
        String tShape =
                String.valueOf(options.getOrDefault("timestepShape", "batch")).toLowerCase(Locale.ROOT);
        if (!tShape.equals("batch") && !tShape.equals("scalar")) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    source + ": option timestepShape must be 'batch' ([B]) or 'scalar' ([]), got '" + tShape + "'");
        }
        DataType sDtype = dtype(options.getOrDefault("sampleDtype", "float32"), "sampleDtype", source);
        if (sDtype != DataType.FLOAT32 && sDtype != DataType.FLOAT16) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE, source + ": option sampleDtype must be float32 or float16, got " + sDtype);
        }
        String output = String.valueOf(options.getOrDefault("output", "logits")).toLowerCase(Locale.ROOT);
        if (!output.equals("logits") && !output.equals("gradient")) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    source + ": option output must be 'logits' or 'gradient', got '" + output + "'");
        }
        int[] shape = null;
        Object ss = options.get("sampleShape");
        if (ss instanceof List<?> l) {
            shape = new int[l.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = intValue(l.get(i), "sampleShape", source);
            }
        } else if (ss != null) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    source + ": option sampleShape must be a list such as [1, 28, 28], got " + ss);
        }
        return new TorchScriptOptions(
                inputs,
                tDtype,
                tShape.equals("scalar"),
                sDtype,
                options.containsKey("numClasses") ? intValue(options.get("numClasses"), "numClasses", source) : -1,
                options.containsKey("outputIndex") ? intValue(options.get("outputIndex"), "outputIndex", source) : 0,
                String.valueOf(options.getOrDefault("outputKey", "sample")),
                output.equals("gradient"),
                bool(options.getOrDefault("graphOptimizer", false), "graphOptimizer", source),
                bool(options.getOrDefault("warmup", true), "warmup", source),
                shape,
                options.containsKey("fixedBatchSize")
                        ? intValue(options.get("fixedBatchSize"), "fixedBatchSize", source)
                        : -1);
    }

    private static DataType dtype(Object o, String key, String source) {
        return switch (String.valueOf(o).toLowerCase(Locale.ROOT)) {
            case "int64", "long" -> DataType.INT64;
            case "int32", "int" -> DataType.INT32;
            case "float32", "float" -> DataType.FLOAT32;
            case "float64", "double" -> DataType.FLOAT64;
            case "float16", "half" -> DataType.FLOAT16;
            default ->
                throw new DiffusionArgumentException(
                        TorchScriptModule.CODE,
                        source + ": option " + key + " must be one of int64, int32, "
                                + "float32, float64, float16; got '" + o + "'");
        };
    }

    private static int intValue(Object o, String key, String source) {
        if (o instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(String.valueOf(o).trim());
        } catch (NumberFormatException e) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE, source + ": option " + key + " must be an integer, got '" + o + "'", e);
        }
    }

    private static boolean bool(Object o, String key, String source) {
        if (o instanceof Boolean b) {
            return b;
        }
        String s = String.valueOf(o).toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new DiffusionArgumentException(
                TorchScriptModule.CODE, source + ": option " + key + " must be true or false, got '" + o + "'");
    }
}
