package org.diffusion4j.cli;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.tensor.Shape;
import org.jspecify.annotations.Nullable;

/**
 * An ONNX model that maps a batch of images to one score vector per image (a classifier's logits, or
 * a feature layer), run with ONNX Runtime on the CPU: the images go to the model's one input not named in
 * {@code constants}; every named input gets its constant, once per image ({@code int64}, {@code int32} or
 * {@code float}, such as the timestep 0 of a noisy classifier); the output {@code output} (else the
 * first) is read as {@code [B, ...]} and flattened per image. Not thread-safe.
 */
final class OnnxScores implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String imageInput;
    private final Map<String, Double> constants;
    private final Map<String, OnnxJavaType> constantTypes = new HashMap<>();
    private final String output;
    private final String where;

    /**
     * @throws IllegalArgumentException naming {@code where} (the JSON path) when the file cannot be loaded or
     *                                  its inputs and outputs do not fit
     */
    OnnxScores(Path file, @Nullable String output, Map<String, Double> constants, String where) {
        this.where = where;
        this.constants = new LinkedHashMap<>(constants);
        try {
            this.session = env.createSession(file.toString(), new OrtSession.SessionOptions());
            Map<String, NodeInfo> inputs = session.getInputInfo();
            List<String> free = new ArrayList<>();
            for (Map.Entry<String, NodeInfo> e : inputs.entrySet()) {
                if (constants.containsKey(e.getKey())) {
                    constantTypes.put(e.getKey(), ((TensorInfo) e.getValue().getInfo()).type);
                } else {
                    free.add(e.getKey());
                }
            }
            for (String c : constants.keySet()) {
                if (!inputs.containsKey(c)) {
                    throw new IllegalArgumentException(where + "/inputs/" + c + ": the model " + file
                            + " has no input '" + c + "'; its inputs: " + inputs.keySet());
                }
            }
            if (free.size() != 1) {
                throw new IllegalArgumentException(where + ": the model " + file + " has inputs " + inputs.keySet()
                        + "; give a constant for every input but the images' in \"inputs\"");
            }
            this.imageInput = free.get(0);
            List<String> outs = new ArrayList<>(session.getOutputNames());
            if (output != null && !outs.contains(output)) {
                throw new IllegalArgumentException(
                        where + "/output: the model " + file + " has no output '" + output + "'; its outputs: " + outs);
            }
            this.output = output != null ? output : outs.get(0);
        } catch (OrtException e) {
            throw new IllegalArgumentException(
                    where + "/file: cannot load the ONNX model " + file + ": " + e.getMessage(), e);
        }
    }

    /** One flattened output row per image. */
    float[][] scores(float[] images, Shape batchShape) {
        int b = batchShape.get(0);
        long[] dims = Arrays.stream(batchShape.dims()).asLongStream().toArray();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            feed.put(imageInput, OnnxTensor.createTensor(env, FloatBuffer.wrap(images), dims));
            for (Map.Entry<String, Double> c : constants.entrySet()) {
                OnnxJavaType t = constantTypes.get(c.getKey());
                if (t == OnnxJavaType.FLOAT) {
                    float[] v = new float[b];
                    Arrays.fill(v, c.getValue().floatValue());
                    feed.put(c.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(v), new long[] {b}));
                } else if (t == OnnxJavaType.INT64) {
                    long[] v = new long[b];
                    Arrays.fill(v, c.getValue().longValue());
                    feed.put(c.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), new long[] {b}));
                } else if (t == OnnxJavaType.INT32) {
                    int[] v = new int[b];
                    Arrays.fill(v, c.getValue().intValue());
                    feed.put(c.getKey(), OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(v), new long[] {b}));
                } else {
                    throw new IllegalArgumentException(where + "/inputs/" + c.getKey() + ": input of type " + t
                            + " cannot take a constant (int64, int32 or float only)");
                }
            }
            try (OrtSession.Result r = session.run(feed, java.util.Set.of(output))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                long[] shape = out.getInfo().getShape();
                if (shape.length < 1 || shape[0] != b) {
                    throw new IllegalArgumentException(where + "/output: output '" + output + "' has shape "
                            + Arrays.toString(shape) + " for a batch of " + b + "; expected [" + b + ", ...]");
                }
                FloatBuffer fb = out.getFloatBuffer();
                if (fb == null) {
                    throw new IllegalArgumentException(where + "/output: output '" + output + "' is not float32");
                }
                int per = fb.remaining() / b;
                float[][] rows = new float[b][per];
                for (int i = 0; i < b; i++) {
                    fb.get(rows[i]);
                }
                return rows;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(where + ": ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing releases native memory; nothing to report to the user
        }
    }
}
