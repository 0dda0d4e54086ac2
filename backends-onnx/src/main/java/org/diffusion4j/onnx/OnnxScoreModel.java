package org.diffusion4j.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;

/**
 * An ONNX model as a {@link ScoreModel}: images to one score row per image (a classifier's logits or a
 * feature layer). Options ({@code spec.options()}):
 * <ul>
 *   <li>{@code inputs}: an object of constants, one per input that is not the images, given to every
 *   image ({@code int64}, {@code int32} or {@code float} inputs, for example {@code {"timestep": 0}} for a
 *   noisy classifier). The images go to the one input not named here.</li>
 *   <li>{@code output}: the output to read (default: the first); read as {@code [B, ...]} and flattened
 *   per image.</li>
 *   <li>{@code batchSize}: images per session run (default: the whole batch given to {@link #apply}).</li>
 * </ul>
 * Thread-safe: ONNX Runtime sessions may run concurrently; {@link #close()} waits for running calls.
 */
final class OnnxScoreModel implements ScoreModel, AutoCloseable {
    static final Set<String> OPTIONS = Set.of("inputs", "output", "batchSize");

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final String imageInput;
    private final Map<String, Double> constants;
    private final Map<String, OnnxJavaType> constantTypes = new HashMap<>();
    private final String output;
    private final int batchSize;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private OnnxScoreModel(
            OrtEnvironment env,
            OrtSession session,
            Path file,
            Map<String, Double> constants,
            String imageInput,
            String output,
            int batchSize) {
        this.env = env;
        this.session = session;
        this.file = file;
        this.constants = constants;
        this.imageInput = imageInput;
        this.output = output;
        this.batchSize = batchSize;
    }

    /**
     * Opens {@code spec.file()} with the session options {@code so} (the caller keeps and closes them).
     *
     * @throws OnnxModelException when the file is missing or not ONNX, an option is wrong, or the model's
     *                            inputs and outputs do not fit the options (the message lists them)
     */
    static OnnxScoreModel open(OrtEnvironment env, ModelSpec spec, OrtSession.SessionOptions so) {
        Path file = spec.file();
        for (String k : spec.options().keySet()) {
            if (!OPTIONS.contains(k)) {
                throw new OnnxModelException("score model " + file + ": unknown option '" + k + "'; options: "
                        + String.join(", ", new TreeSet<>(OPTIONS)));
            }
        }
        Map<String, Double> constants = constants(spec);
        String wanted = spec.option("output").map(String::valueOf).orElse(null);
        int batch = batchSize(spec);
        if (!Files.isRegularFile(file)) {
            throw new OnnxModelException("score model file " + file + " does not exist or is not a file");
        }
        OrtSession session;
        try {
            session = env.createSession(file.toString(), so);
        } catch (OrtException e) {
            throw new OnnxModelException("cannot load the ONNX model " + file + ": " + e.getMessage(), e);
        }
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            List<String> free = new ArrayList<>();
            for (String name : inputs.keySet()) {
                if (!constants.containsKey(name)) {
                    free.add(name);
                }
            }
            for (String c : constants.keySet()) {
                if (!inputs.containsKey(c)) {
                    throw new OnnxModelException("score model " + file + ": option inputs names '" + c
                            + "', but the model has no such input; its inputs: " + inputs.keySet());
                }
            }
            if (free.size() != 1) {
                throw new OnnxModelException("score model " + file + " has inputs " + inputs.keySet()
                        + "; give a constant for every input but the images' in option inputs");
            }
            List<String> outs = new ArrayList<>(session.getOutputNames());
            if (wanted != null && !outs.contains(wanted)) {
                throw new OnnxModelException(
                        "score model " + file + " has no output '" + wanted + "'; its outputs: " + outs);
            }
            OnnxScoreModel m = new OnnxScoreModel(
                    env, session, file, constants, free.get(0), wanted != null ? wanted : outs.get(0), batch);
            for (Map.Entry<String, NodeInfo> in : inputs.entrySet()) {
                String c = in.getKey();
                if (!constants.containsKey(c)) {
                    continue;
                }
                OnnxJavaType t = ((TensorInfo) in.getValue().getInfo()).type;
                if (t != OnnxJavaType.FLOAT && t != OnnxJavaType.INT64 && t != OnnxJavaType.INT32) {
                    throw new OnnxModelException("score model " + file + ": input '" + c + "' of type " + t
                            + " cannot take a constant (int64, int32 or float only)");
                }
                m.constantTypes.put(c, t);
            }
            return m;
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // the model is refused; closing frees native memory only
            }
            if (e instanceof OnnxModelException o) {
                throw o;
            }
            throw new OnnxModelException("cannot read the ONNX model " + file + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Double> constants(ModelSpec spec) {
        Map<String, Double> constants = new LinkedHashMap<>();
        Object in = spec.option("inputs").orElse(Map.of());
        if (!(in instanceof Map<?, ?> m)) {
            throw new OnnxModelException("score model " + spec.file()
                    + ": option inputs must be an object of constants, for example {\"timestep\": 0}; got " + in);
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof Number n)) {
                throw new OnnxModelException("score model " + spec.file() + ": option inputs." + e.getKey()
                        + " must be a number (a constant for every image), got " + e.getValue());
            }
            constants.put(String.valueOf(e.getKey()), n.doubleValue());
        }
        return constants;
    }

    private static int batchSize(ModelSpec spec) {
        Object b = spec.option("batchSize").orElse(0);
        if (!(b instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.intValue() < 0) {
            throw new OnnxModelException("score model " + spec.file()
                    + ": option batchSize must be a positive integer (images per run), got " + b);
        }
        return n.intValue();
    }

    @Override
    public Tensor apply(Tensor images) {
        Shape shape = images.shape();
        if (shape.rank() < 2) {
            throw new OnnxModelException(
                    "score model " + file + ": images of shape " + shape + "; a batch [B, ...imageShape] is expected");
        }
        int b = shape.get(0);
        int per = shape.sampleShape().intSize();
        float[] x = images.toFloatArray();
        int chunk = batchSize > 0 ? batchSize : Math.max(1, b);
        float[] out = null;
        int k = -1;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("score model " + file + " was closed (its backend closed)");
            }
            for (int from = 0; from < b; from += chunk) {
                int n = Math.min(chunk, b - from);
                float[] part = run(Arrays.copyOfRange(x, from * per, (from + n) * per), shape, n);
                if (out == null) {
                    k = part.length / n;
                    out = new float[Math.multiplyExact(b, k)];
                }
                System.arraycopy(part, 0, out, from * k, part.length);
            }
        } finally {
            lock.readLock().unlock();
        }
        if (out == null) {
            throw new OnnxModelException("score model " + file + ": an empty batch " + shape + " has no scores");
        }
        return images.factory().of(out, Shape.of(b, k));
    }

    /** One session run of {@code n} images; the output values, {@code n} rows of equal length. */
    private float[] run(float[] x, Shape shape, int n) {
        long[] dims = Arrays.stream(shape.dims()).asLongStream().toArray();
        dims[0] = n;
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            feed.put(imageInput, OnnxTensor.createTensor(env, FloatBuffer.wrap(x), dims));
            for (Map.Entry<String, Double> c : constants.entrySet()) {
                OnnxJavaType t = constantTypes.get(c.getKey());
                long[] vs = {n};
                if (t == OnnxJavaType.FLOAT) {
                    float[] v = new float[n];
                    Arrays.fill(v, c.getValue().floatValue());
                    feed.put(c.getKey(), OnnxTensor.createTensor(env, FloatBuffer.wrap(v), vs));
                } else if (t == OnnxJavaType.INT64) {
                    long[] v = new long[n];
                    Arrays.fill(v, c.getValue().longValue());
                    feed.put(c.getKey(), OnnxTensor.createTensor(env, LongBuffer.wrap(v), vs));
                } else {
                    int[] v = new int[n];
                    Arrays.fill(v, c.getValue().intValue());
                    feed.put(c.getKey(), OnnxTensor.createTensor(env, IntBuffer.wrap(v), vs));
                }
            }
            try (OrtSession.Result r = session.run(feed, Set.of(output))) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                long[] os = out.getInfo().getShape();
                if (os.length < 1 || os[0] != n) {
                    throw new OnnxModelException("score model " + file + ": output '" + output + "' has shape "
                            + Arrays.toString(os) + " for a batch of " + n + "; [" + n + ", ...] is expected");
                }
                if (out.getInfo().type != OnnxJavaType.FLOAT) {
                    throw new OnnxModelException("score model " + file + ": output '" + output + "' is "
                            + out.getInfo().type + ", not float32");
                }
                FloatBuffer fb = out.getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return v;
            }
        } catch (OrtException e) {
            throw new OnnxModelException(
                    "score model " + file + ": ONNX Runtime failed on images " + Arrays.toString(dims) + ": "
                            + e.getMessage(),
                    e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            // closing frees native memory; nothing to report
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxScoreModel[" + file + ", " + imageInput + " -> " + output + "]";
    }
}
