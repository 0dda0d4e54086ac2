package org.diffusion4j.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.onnx.ModelSignature.Port;
import org.diffusion4j.onnx.OnnxModelOptions.ConditionKind;
import org.diffusion4j.onnx.OnnxModelOptions.NullEmbedding;
import org.jspecify.annotations.Nullable;

/**
 * One loaded ONNX session and its input binding: turns (x_t, time, conditions) into session runs.
 *
 * <p>Thread safety: ONNX Runtime's {@code Run} may be called concurrently on one session (its
 * documented contract; sessions hold no per-run state). Every call here borrows its own input and
 * output buffers, so any number of threads may evaluate at once. A read-write lock keeps
 * {@link #close()} from freeing the native session under a running call.
 *
 * <p>Tensor traffic: for a float32 sample and output, the sample is copied once into a direct,
 * native-order buffer that ONNX Runtime reads in place, and the output is written by ONNX Runtime into
 * a second such buffer (a pinned output) and copied once into the result array. The buffers and their
 * {@code OnnxTensor}s are made once per sample shape and reused by later calls (a sampling loop calls
 * with the same shape every step); other element types go through per-call tensors.
 *
 * <p>Fixed batch: when the model was exported with a fixed batch size N, a batch of B samples is run
 * in ⌈B/N⌉ runs of N; the last run is padded by repeating its last sample and the padding is dropped.
 */
final class OnnxModel implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final ModelSignature signature;
    private final ModelBinding binding;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** Idle preallocated input/output pairs, most recently used first; guarded by itself. */
    private final ArrayDeque<Io> idle = new ArrayDeque<>();

    private boolean closed;

    /** Idle buffer pairs kept per model: one per concurrently sampling thread is enough for reuse. */
    private static final int MAX_IDLE = 4;

    private OnnxModel(
            OrtEnvironment env, OrtSession session, Path file, ModelSignature signature, ModelBinding binding) {
        this.env = env;
        this.session = session;
        this.file = file;
        this.signature = signature;
        this.binding = binding;
    }

    /**
     * Opens {@code file} and binds its inputs.
     *
     * @throws OnnxModelException when the file is missing, not ONNX, truncated, or does not fit
     */
    static OnnxModel open(
            OrtEnvironment env,
            Path file,
            OrtSession.SessionOptions options,
            OnnxModelOptions modelOptions,
            ModelBinding.Role role) {
        Path abs = file.toAbsolutePath().normalize();
        checkReadable(abs);
        OrtSession session;
        try {
            session = env.createSession(abs.toString(), options);
        } catch (OrtException e) {
            throw new OnnxModelException(
                    "cannot load " + abs + " (" + size(abs) + " bytes) as an ONNX model: " + e.getMessage()
                            + hint(abs, e),
                    e);
        }
        try {
            ModelSignature sig = ModelSignature.of(session);
            ModelBinding binding = ModelBinding.resolve(abs, sig, modelOptions, role);
            return new OnnxModel(env, session, abs, sig, binding);
        } catch (OrtException | RuntimeException e) {
            try {
                session.close();
            } catch (OrtException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof OrtException oe) {
                throw new OnnxModelException(
                        "cannot read the inputs and outputs of " + abs + ": " + oe.getMessage(), oe);
            }
            throw (RuntimeException) e;
        }
    }

    private static void checkReadable(Path f) {
        if (!Files.exists(f)) {
            Path parent = f.getParent();
            throw new OnnxModelException("model file " + f + " does not exist"
                    + (parent != null && !Files.isDirectory(parent) ? " (nor does its folder " + parent + ")" : ""));
        }
        if (Files.isDirectory(f)) {
            throw new OnnxModelException("model file " + f + " is a directory; give the path of the .onnx file");
        }
        if (!Files.isReadable(f)) {
            throw new OnnxModelException("model file " + f + " is not readable");
        }
        if (size(f) == 0) {
            throw new OnnxModelException("model file " + f + " is empty (0 bytes)");
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String hint(Path f, OrtException e) {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(f)) {
            n = in.readNBytes(head, 0, 4);
        } catch (IOException io) {
            return "";
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return " (the file is a zip archive, as TorchScript and PyTorch .pt files are: load it with backend 'djl',"
                    + " or export the network with torch.onnx.export)";
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("Protobuf parsing failed") || m.contains("protobuf")) {
            return " (the file is not a valid ONNX protobuf: it may be truncated, or not an ONNX file at all)";
        }
        return "";
    }

    Path file() {
        return file;
    }

    ModelSignature signature() {
        return signature;
    }

    ModelBinding binding() {
        return binding;
    }

    /**
     * Evaluates the model on a batch, in runs of the model's fixed batch size if it has one.
     *
     * @return the chosen output, row-major, of the shape of {@code x}
     */
    float[] evaluate(Tensor x, Timestep time, Conditions conditions) {
        Shape shape = x.shape();
        checkSample(shape);
        int b = shape.get(0);
        if (conditions.size() != b) {
            throw new IllegalArgumentException(conditions.size() + " conditions for a batch of " + b);
        }
        float[] xs = x.toFloatArray();
        if (b == 0) {
            return xs;
        }
        int per = shape.sampleShape().intSize();
        int n = binding.fixedBatch().orElse(b);
        if (n == b) {
            return run(xs, shape, time, conditions.asList().toArray(new Condition[0]));
        }
        float[] out = new float[xs.length];
        for (int from = 0; from < b; from += n) {
            int real = Math.min(n, b - from);
            float[] chunk = new float[n * per];
            Condition[] cs = new Condition[n];
            for (int i = 0; i < n; i++) {
                int src = from + Math.min(i, real - 1); // pad by repeating the last real sample
                System.arraycopy(xs, src * per, chunk, i * per, per);
                cs[i] = conditions.get(src);
            }
            float[] y = run(chunk, shape.rebatch(n), time, cs);
            System.arraycopy(y, 0, out, from * per, real * per);
        }
        return out;
    }

    private void checkSample(Shape shape) {
        Port p = binding.sample();
        boolean ok = shape.rank() == p.rank();
        for (int i = 1; ok && i < p.rank(); i++) {
            ok = !p.fixed(i) || p.shape()[i] == shape.get(i);
        }
        if (!ok) {
            throw new OnnxModelException("x has shape " + shape + " but input " + p.describe() + " of " + file
                    + " takes samples of another shape");
        }
    }

    /** Whether the sample and output are float32, so that preallocated direct buffers serve them. */
    private boolean pinnable() {
        return binding.sample().type().orElseThrow() == OnnxElementType.FLOAT32
                && binding.output().type().orElseThrow() == OnnxElementType.FLOAT32;
    }

    /** One session run on exactly the given batch. */
    private float[] run(float[] xs, Shape shape, Timestep time, Condition[] conditions) {
        int b = shape.get(0);
        Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        Io io = null;
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the ONNX model " + file + " was closed");
            }
            if (pinnable()) {
                io = borrow(shape);
                io.in.clear();
                io.in.put(xs);
            }
            // the sample tensor is the borrowed one (closed when the pair is), not a per-call tensor
            OnnxTensor sample =
                    io != null ? io.inTensor : floats(binding.sample().type().orElseThrow(), xs, shape.longDims());
            inputs.put(binding.sample().name(), sample);
            inputs.put(binding.timestep().name(), timestep(time, b));
            if (binding.condition().isPresent()) {
                inputs.put(
                        binding.condition().get().name(),
                        condition(binding.condition().get(), conditions));
            } else {
                for (int i = 0; i < conditions.length; i++) {
                    if (!conditions[i].isUnconditional()) {
                        throw new IllegalArgumentException("the model " + file + " has no condition input ("
                                + signature.describe() + "), but sample " + i + " is conditioned on " + conditions[i]);
                    }
                }
            }
            String out = binding.output().name();
            if (io != null) {
                float[] y = runPinned(inputs, io);
                if (y != null) {
                    return y;
                }
            }
            try (OrtSession.Result result = session.run(inputs, Set.of(out))) {
                OnnxValue v = result.get(out)
                        .orElseThrow(() -> new IllegalStateException(
                                "ONNX Runtime returned no output '" + out + "' from " + file));
                if (!(v instanceof OnnxTensor t)) {
                    throw new IllegalStateException(
                            "output '" + out + "' of " + file + " is not a tensor but " + v.getType());
                }
                return read(t, shape);
            } catch (OrtException e) {
                throw new IllegalStateException(
                        "D4J-ONNX: running " + file + " failed on inputs " + describe(inputs) + ": " + e.getMessage()
                                + ". The model has " + signature.describe(),
                        e);
            }
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "D4J-ONNX: cannot make the input tensors for " + file + ": " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : inputs.values()) {
                if (io == null || t != io.inTensor) {
                    t.close();
                }
            }
            if (io != null) {
                giveBack(io);
            }
            lock.readLock().unlock();
        }
    }

    /**
     * Runs with the output written into {@code io}'s buffer and copies it out; null when ONNX Runtime
     * refuses the pinned output (an output of another shape than the sample), so that the caller's
     * unpinned run reports the shape.
     */
    private float @Nullable [] runPinned(Map<String, OnnxTensor> inputs, Io io) {
        String out = binding.output().name();
        try (OrtSession.Result ignored = session.run(inputs, Map.of(out, io.outTensor))) {
            float[] y = new float[io.out.capacity()];
            io.out.clear();
            io.out.get(y);
            return y;
        } catch (OrtException e) {
            return null;
        }
    }

    /** An idle buffer pair for {@code shape}, or a new one. Called under the read lock. */
    private Io borrow(Shape shape) throws OrtException {
        long[] dims = shape.longDims();
        synchronized (idle) {
            for (java.util.Iterator<Io> it = idle.iterator(); it.hasNext(); ) {
                Io io = it.next();
                if (Arrays.equals(io.dims, dims)) {
                    it.remove();
                    return io;
                }
            }
        }
        return new Io(env, dims, shape.intSize());
    }

    /** Keeps {@code io} for reuse (most recent first), closing the least recently used beyond {@link #MAX_IDLE}. */
    private void giveBack(Io io) {
        Io evicted = null;
        synchronized (idle) {
            idle.addFirst(io);
            if (idle.size() > MAX_IDLE) {
                evicted = idle.removeLast();
            }
        }
        if (evicted != null) {
            evicted.close();
        }
    }

    /**
     * A preallocated float32 input and output of one sample shape: direct native-order buffers, and the
     * {@code OnnxTensor}s that ONNX Runtime made over them without copying.
     */
    private static final class Io implements AutoCloseable {
        final long[] dims;
        final FloatBuffer in;
        final FloatBuffer out;
        final OnnxTensor inTensor;
        final OnnxTensor outTensor;

        Io(OrtEnvironment env, long[] dims, int size) throws OrtException {
            this.dims = dims.clone();
            this.in = ByteBuffer.allocateDirect(size * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            this.out = ByteBuffer.allocateDirect(size * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            this.inTensor = OnnxTensor.createTensor(env, in, dims);
            OnnxTensor o;
            try {
                o = OnnxTensor.createTensor(env, out, dims);
            } catch (OrtException | RuntimeException e) {
                inTensor.close();
                throw e;
            }
            this.outTensor = o;
        }

        @Override
        public void close() {
            inTensor.close();
            outTensor.close();
        }
    }

    private float[] read(OnnxTensor t, Shape expected) {
        TensorInfo info = t.getInfo();
        long[] got = info.getShape();
        if (!Arrays.equals(got, expected.longDims())) {
            throw new IllegalStateException(
                    "D4J-ONNX: output '" + binding.output().name() + "' of " + file + " has shape "
                            + Arrays.toString(got) + " for a sample of shape " + expected
                            + "; a prediction must have the shape of"
                            + " the sample");
        }
        float[] out = new float[expected.intSize()];
        switch (info.type) {
            case FLOAT -> t.getFloatBuffer().get(out);
            case DOUBLE -> {
                DoubleBuffer d = t.getDoubleBuffer();
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) d.get(i);
                }
            }
            case FLOAT16, BFLOAT16 -> {
                ShortBuffer s = t.getShortBuffer();
                boolean half = info.type == OnnxJavaType.FLOAT16;
                for (int i = 0; i < out.length; i++) {
                    out[i] = half ? Fp16Conversions.fp16ToFloat(s.get(i)) : Fp16Conversions.bf16ToFloat(s.get(i));
                }
            }
            default ->
                throw new IllegalStateException("output '" + binding.output().name() + "' of " + file + " is "
                        + info.type + "; a floating-point output is needed");
        }
        return out;
    }

    private OnnxTensor floats(OnnxElementType type, float[] data, long[] shape) throws OrtException {
        return switch (type) {
            case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
            case FLOAT64 -> {
                double[] d = new double[data.length];
                for (int i = 0; i < d.length; i++) {
                    d[i] = data[i];
                }
                yield OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), shape);
            }
            case FLOAT16, BFLOAT16 -> {
                ByteBuffer bb = ByteBuffer.allocateDirect(data.length * 2).order(ByteOrder.nativeOrder());
                boolean half = type == OnnxElementType.FLOAT16;
                for (int i = 0; i < data.length; i++) {
                    bb.putShort(
                            i * 2, half ? Fp16Conversions.floatToFp16(data[i]) : Fp16Conversions.floatToBf16(data[i]));
                }
                yield OnnxTensor.createTensor(env, bb, shape, half ? OnnxJavaType.FLOAT16 : OnnxJavaType.BFLOAT16);
            }
            case INT32, INT64 -> throw new IllegalStateException("not a float type: " + type);
        };
    }

    /** The timestep tensor: the model time (times timestepScale), cast to the input's declared dtype. */
    private OnnxTensor timestep(Timestep time, int batch) throws OrtException {
        Port p = binding.timestep();
        double t = time.modelTime() * binding.options().timestepScale();
        long[] shape = switch (binding.timestepShape()) {
            case BATCH -> new long[] {batch};
            case SINGLE -> new long[] {1};
            case SCALAR -> new long[0];
            case AUTO -> throw new IllegalStateException("unresolved timestep shape");
        };
        int n = shape.length == 0 ? 1 : (int) shape[0];
        OnnxElementType type = p.type().orElseThrow();
        if (!type.isFloatingPoint()) {
            long k = Math.round(t);
            if (Math.abs(t - k) > 1e-6 * Math.max(1, Math.abs(t))) {
                throw new IllegalArgumentException(
                        "input " + p.describe() + " of " + file + " takes integer timesteps, but"
                                + " the model time is " + t + "; use a discrete schedule (or a float timestep model)");
            }
            if (type == OnnxElementType.INT32) {
                int[] v = new int[n];
                Arrays.fill(v, Math.toIntExact(k));
                return OnnxTensor.createTensor(env, IntBuffer.wrap(v), shape);
            }
            long[] v = new long[n];
            Arrays.fill(v, k);
            return OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape);
        }
        float[] v = new float[n];
        Arrays.fill(v, (float) t);
        if (type == OnnxElementType.FLOAT64) { // keep the double's precision for a float64 timestep
            double[] d = new double[n];
            Arrays.fill(d, t);
            return OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), shape);
        }
        return floats(type, v, shape);
    }

    private OnnxTensor condition(Port p, Condition[] conditions) throws OrtException {
        if (binding.conditionKind() == ConditionKind.LABEL) {
            return labels(p, conditions);
        }
        return embeddings(p, conditions);
    }

    private OnnxTensor labels(Port p, Condition[] conditions) throws OrtException {
        OnnxModelOptions o = binding.options();
        long[] v = new long[conditions.length];
        for (int i = 0; i < v.length; i++) {
            Condition c = conditions[i];
            if (c instanceof Condition.Label l) {
                if (o.numClasses().isPresent() && l.value() >= o.numClasses().getAsInt()) {
                    throw new IllegalArgumentException(
                            "sample " + i + " has class label " + l.value() + " but the model "
                                    + file.getFileName() + " has numClasses "
                                    + o.numClasses().getAsInt()
                                    + " (labels 0.." + (o.numClasses().getAsInt() - 1) + ")");
                }
                v[i] = l.value();
            } else if (c.isUnconditional()) {
                int sampleIndex = i;
                v[i] = o.effectiveNullLabel()
                        .orElseThrow(() -> new IllegalArgumentException("sample " + sampleIndex
                                + " has the null condition, but the null class label of " + file.getFileName()
                                + " is unknown:"
                                + " set model option 'nullLabel', or 'numClasses' when the null class is the index after the last"
                                + " class (the usual CFG convention)"));
            } else {
                throw new IllegalArgumentException("sample " + i + " is conditioned on an embedding, but input "
                        + p.describe() + " of " + file.getFileName() + " takes class labels");
            }
        }
        long[] shape = {v.length};
        if (p.type().orElseThrow() == OnnxElementType.INT32) {
            int[] w = new int[v.length];
            for (int i = 0; i < w.length; i++) {
                w[i] = (int) v[i];
            }
            return OnnxTensor.createTensor(env, IntBuffer.wrap(w), shape);
        }
        return OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape);
    }

    private OnnxTensor embeddings(Port p, Condition[] conditions) throws OrtException {
        Shape item = null;
        for (Condition c : conditions) {
            if (c instanceof Condition.Embedding e) {
                Shape s = e.value().shape();
                if (item != null && !item.equals(s)) {
                    throw new IllegalArgumentException(
                            "embeddings of different shapes in one batch: " + item + " and " + s);
                }
                item = s;
            }
        }
        if (item == null) {
            if (p.fixed(1) && p.fixed(2)) {
                item = Shape.of((int) p.shape()[1], (int) p.shape()[2]);
            } else {
                throw new IllegalArgumentException("every sample has the null condition, and input " + p.describe()
                        + " of "
                        + file.getFileName() + " has dynamic L and D, so the shape of a null embedding is unknown;"
                        + " condition at least one sample on an embedding");
            }
        }
        if (item.rank() != 2
                || (p.fixed(1) && p.shape()[1] != item.get(0))
                || (p.fixed(2) && p.shape()[2] != item.get(1))) {
            throw new IllegalArgumentException("an embedding of shape " + item + " does not fit input " + p.describe()
                    + " of " + file.getFileName() + ", which takes [B, L, D] (give each sample an [L, D] embedding)");
        }
        int per = item.intSize();
        float[] data = new float[per * conditions.length];
        for (int i = 0; i < conditions.length; i++) {
            Condition c = conditions[i];
            if (c instanceof Condition.Embedding e) {
                System.arraycopy(e.value().toFloatArray(), 0, data, i * per, per);
            } else if (c.isUnconditional()) {
                if (binding.options().nullEmbedding() != NullEmbedding.ZEROS) {
                    throw new IllegalArgumentException(
                            "sample " + i + " has the null condition, but " + file.getFileName()
                                    + " takes embeddings: give the unconditional embedding (for example of the empty prompt)"
                                    + " explicitly, or set model option nullEmbedding 'zeros'");
                }
            } else {
                throw new IllegalArgumentException("sample " + i + " has class label " + c + ", but input "
                        + p.describe() + " of " + file.getFileName() + " takes embeddings");
            }
        }
        return floats(p.type().orElseThrow(), data, new long[] {conditions.length, item.get(0), item.get(1)});
    }

    private static String describe(Map<String, OnnxTensor> inputs) {
        return inputs.entrySet().stream()
                .map(e -> e.getKey() + ": "
                        + OnnxElementType.of(e.getValue().getInfo().type)
                                .map(OnnxElementType::label)
                                .orElse("?")
                        + Arrays.toString(e.getValue().getInfo().getShape()))
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /** Frees the native session; later calls fail. Waits for running calls to finish. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                synchronized (idle) {
                    idle.forEach(Io::close);
                    idle.clear();
                }
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX session of " + file + " failed: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + file + ", " + signature.describe() + "]";
    }
}
