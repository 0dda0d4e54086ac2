package org.diffusion4j.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusion4j.api.noise.SdkNoise;

/**
 * Seeded initialisation, counting and host copies of a block's parameters, keyed by DJL's stable
 * hierarchical parameter names.
 *
 * <p>Initial values are drawn on the host with the SDK's own generator ({@link SdkNoise#normal}), one
 * stream per parameter seeded from the run seed and the parameter name, so a network starts from the
 * same weights on every device and thread count: weights U(−1/√fan_in, 1/√fan_in) (PyTorch's default
 * for convolutions and dense layers), embedding tables N(0, 1), biases and shifts 0, scales 1.
 */
public final class Weights {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private static final NDIndex ALL = new NDIndex("...");

    private Weights() {}

    /**
     * Copies host values into {@code a} in place (it keeps its identity and its gradient attachment).
     * Through an index assignment, not {@code NDArray.set(float[])}: DJL implements that with libtorch's
     * deprecated {@code AutoNonVariableTypeMode}, whose constructor prints "AutoNonVariableTypeMode is
     * deprecated" on stderr (natively, past any logger) the first time in every process.
     *
     * @throws IllegalArgumentException when the number of values differs from the array's size
     */
    public static void assign(NDArray a, float[] v) {
        if (v.length != a.size()) {
            throw new IllegalArgumentException(v.length + " values for an array of shape " + a.getShape());
        }
        try (NDManager tmp = a.getManager().newSubManager()) {
            a.set(ALL, tmp.create(v, a.getShape()));
        }
    }

    /** Overwrites every parameter of {@code block} (already initialised) with seeded values. */
    public static void initialise(Block block, long seed) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            String name = p.getKey();
            Parameter param = p.getValue();
            NDArray a = param.getArray();
            Shape s = a.getShape();
            int n = Math.toIntExact(s.size());
            float[] v = new float[n];
            SdkNoise.Normal rng = SdkNoise.normal(seed ^ (name.hashCode() * GOLDEN_GAMMA));
            switch (param.getType()) {
                case WEIGHT -> {
                    if (name.endsWith("Table")) {
                        rng.fill(v, 0, n);
                    } else {
                        long fanIn = s.dimension() > 1 ? s.size() / s.get(0) : s.size();
                        double bound = 1 / Math.sqrt(fanIn);
                        for (int i = 0; i < n; i++) {
                            v[i] = (float) ((2 * rng.nextUniform() - 1) * bound);
                        }
                    }
                }
                case GAMMA, RUNNING_VAR -> java.util.Arrays.fill(v, 1f);
                default -> {
                    // biases, shifts, running means: 0
                }
            }
            assign(a, v);
        }
    }

    /** Number of scalar parameters. */
    public static long count(Block block) {
        long c = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            c += p.getValue().getArray().size();
        }
        return c;
    }

    /** Host copies of all parameters, in the block's order. */
    public static Map<String, float[]> export(Block block) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    /** The shape of every parameter, in the block's order. */
    public static Map<String, long[]> shapes(Block block) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.put(p.getKey(), p.getValue().getArray().getShape().getShape());
        }
        return out;
    }

    /**
     * Sets every parameter from {@code values}.
     *
     * @param source where the values came from, for error messages
     * @throws IllegalArgumentException when a parameter is missing or has another size, naming it
     */
    public static void load(Block block, Map<String, float[]> values, String source) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            float[] v = values.get(p.getKey());
            NDArray a = p.getValue().getArray();
            if (v == null) {
                throw new IllegalArgumentException(source + " has no values for parameter '" + p.getKey() + "' (shape "
                        + a.getShape() + "); was it written for a network of another configuration?");
            }
            if (v.length != a.size()) {
                throw new IllegalArgumentException(source + ": parameter '" + p.getKey() + "' has " + v.length
                        + " values but the network needs " + a.size() + " (shape " + a.getShape() + ")");
            }
            assign(a, v);
        }
    }
}
