package org.diffusion4j.djl.torchscript;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.DiffusionArgumentException;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.djl.DjlRuntime;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded TorchScript module and the translation of (x_t, time, conditions) into its positional
 * inputs, shared by {@link TorchScriptPredictor} and {@link TorchScriptClassifier}.
 *
 * <p>The inputs are the configured roles, else the roles named by the module's forward signature
 * ({@link TorchScriptSignature}). Errors from PyTorch are re-thrown with the signature the module
 * expects and the inputs it was given.
 */
final class TorchScriptModule implements AutoCloseable {

    /** The error code of a TorchScript model that does not load, or does not fit the way it is called. */
    static final String CODE = "D4J-TORCHSCRIPT";

    private static final Logger LOG = LoggerFactory.getLogger(TorchScriptModule.class);

    private final Path file;
    private final NDManager manager;
    private final PtSymbolBlock block;
    private final TorchScriptOptions options;
    private final List<InputRole> roles;
    private final Optional<TorchScriptSignature> signature;

    /** Loads a model for inference: its parameters become inference tensors, which autograd cannot use. */
    TorchScriptModule(Path file, Device device, TorchScriptOptions options, List<InputRole> defaultRoles) {
        this(file, device, options, defaultRoles, false);
    }

    /**
     * Loads a model.
     *
     * @param forAutograd load the parameters as ordinary tensors (DJL's {@code trainParam}), so that
     *                    gradients can flow through the model ({@link #forwardWithGrad}); a model loaded for
     *                    inference fails there with "Inference tensors cannot be saved for backward" as soon
     *                    as it has a parameter that autograd must save (a conv or linear weight)
     */
    TorchScriptModule(
            Path file, Device device, TorchScriptOptions options, List<InputRole> defaultRoles, boolean forAutograd) {
        if (!Files.isRegularFile(file)) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE, "TorchScript model file " + file + " does not exist or is not a file");
        }
        this.file = file;
        this.options = options;
        this.signature = TorchScriptSignature.read(file);
        this.roles = resolveRoles(defaultRoles);
        this.manager = DjlRuntime.engine().newBaseManager(device);
        this.manager.setName("torchscript:" + file.getFileName());
        try {
            this.block =
                    JniUtils.loadModule((PtNDManager) manager, file, true, new String[0], new String[0], forAutograd);
        } catch (RuntimeException e) {
            manager.close();
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    "cannot load TorchScript model " + file + ": " + e.getMessage()
                            + " (a file written by torch.jit.save / torch.jit.trace is expected)",
                    e);
        }
        if (forAutograd) {
            JniUtils.enableInferenceMode(
                    block); // eval(): dropout and batch norm as at inference, gradients still allowed
        }
        LOG.info(
                "loaded TorchScript {} on {}{}: {}; inputs {}",
                file,
                DjlRuntime.name(device),
                forAutograd ? " for autograd" : "",
                signature.map(TorchScriptSignature::describe).orElse("signature not readable"),
                roles);
    }

    private List<InputRole> resolveRoles(List<InputRole> defaultRoles) {
        if (!options.inputs().isEmpty()) {
            if (signature.isPresent()
                    && signature.get().argNames().size() != options.inputs().size()) {
                throw new DiffusionArgumentException(
                        TorchScriptModule.CODE,
                        "TorchScript model " + file + " expects "
                                + signature.get().argNames().size() + " inputs, "
                                + signature.get().describe()
                                + ", but option inputs lists "
                                + options.inputs().size() + ": " + options.inputs());
            }
            return options.inputs();
        }
        if (signature.isEmpty()) {
            return defaultRoles;
        }
        List<InputRole> r = new ArrayList<>();
        for (String n : signature.get().argNames()) {
            r.add(InputRole.of(n)
                    .orElseThrow(() -> new DiffusionArgumentException(
                            TorchScriptModule.CODE,
                            "TorchScript model " + file + " has "
                                    + signature.get().describe() + "; its input '" + n
                                    + "' is not a name the SDK knows. Set the option "
                                    + "inputs to the roles in order, e.g. [\"sample\", \"timestep\", \"class_labels\"]; roles: "
                                    + InputRole.known())));
        }
        return r;
    }

    Path file() {
        return file;
    }

    List<InputRole> roles() {
        return roles;
    }

    TorchScriptOptions options() {
        return options;
    }

    Device device() {
        return manager.getDevice();
    }

    NDManager manager() {
        return manager;
    }

    /** What the model expects, for messages. */
    String expects() {
        return signature.map(TorchScriptSignature::describe).orElse("forward(" + roles + ") (signature not readable)");
    }

    /**
     * Builds the inputs. The sample {@code x} must already be on this device in float32; it is cast to
     * the configured sample dtype here.
     */
    List<NDArray> inputs(NDManager call, NDArray x, Timestep time, Conditions conditions) {
        int b = Math.toIntExact(x.getShape().get(0));
        if (!roles.contains(InputRole.CLASS_LABELS) && !roles.contains(InputRole.ENCODER_HIDDEN_STATES)) {
            for (int i = 0; i < conditions.size(); i++) {
                if (!conditions.get(i).isUnconditional()) {
                    throw new DiffusionArgumentException(
                            TorchScriptModule.CODE,
                            "the TorchScript model " + file + " has no condition input ("
                                    + expects() + "; inputs " + roles + "), but sample " + i + " is conditioned on "
                                    + conditions.get(i)
                                    + ". An unconditional model cannot follow class labels or classifier-free"
                                    + " guidance: sample it without conditions, or use a model that takes class_labels");
                }
            }
        }
        List<NDArray> in = new ArrayList<>();
        for (InputRole r : roles) {
            switch (r) {
                case SAMPLE ->
                    in.add(options.sampleDtype() == DataType.FLOAT32 ? x : x.toType(options.sampleDtype(), false));
                case TIMESTEP -> in.add(timestep(call, time, b));
                case CLASS_LABELS -> in.add(labels(call, conditions));
                case ENCODER_HIDDEN_STATES -> in.add(embeddings(call, conditions));
            }
        }
        return in;
    }

    private NDArray timestep(NDManager call, Timestep time, int b) {
        double t = time.modelTime();
        DataType d = options.timestepDtype();
        if (d.isInteger() && t != Math.rint(t)) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    "model " + file + " takes " + d + " timesteps but was asked about model time " + t
                            + "; use a discrete schedule, or set timestepDtype to float32");
        }
        ai.djl.ndarray.types.Shape s =
                options.timestepScalar() ? new ai.djl.ndarray.types.Shape() : new ai.djl.ndarray.types.Shape(b);
        int n = options.timestepScalar() ? 1 : b;
        double[] v = new double[n];
        java.util.Arrays.fill(v, t);
        return call.create(v, s).toType(d, false);
    }

    private NDArray labels(NDManager call, Conditions conditions) {
        long[] y = new long[conditions.size()];
        for (int i = 0; i < y.length; i++) {
            Condition c = conditions.get(i);
            if (c instanceof Condition.Label l) {
                if (options.numClasses() >= 0 && l.value() >= options.numClasses()) {
                    throw new DiffusionArgumentException(
                            TorchScriptModule.CODE,
                            "condition " + i + " is class " + l.value() + " but model " + file + " has numClasses "
                                    + options.numClasses());
                }
                y[i] = l.value();
            } else if (c.isUnconditional()) {
                if (options.numClasses() < 0) {
                    throw new DiffusionArgumentException(
                            TorchScriptModule.CODE,
                            "model " + file + " takes class_labels and condition " + i
                                    + " is the null condition; set the option numClasses (K) so it can be sent as class K");
                }
                y[i] = options.numClasses();
            } else {
                throw new DiffusionArgumentException(
                        TorchScriptModule.CODE,
                        "model " + file + " takes class_labels (" + expects() + ") but condition " + i
                                + " is an embedding");
            }
        }
        return call.create(y);
    }

    private NDArray embeddings(NDManager call, Conditions conditions) {
        org.diffusion4j.api.tensor.Shape shape = null;
        for (Condition c : conditions.asList()) {
            if (c instanceof Condition.Embedding e) {
                if (shape != null && !shape.equals(e.value().shape())) {
                    throw new DiffusionArgumentException(
                            TorchScriptModule.CODE,
                            "embedding conditions of shapes " + shape + " and "
                                    + e.value().shape() + " in one batch for model " + file);
                }
                shape = e.value().shape();
            } else if (c instanceof Condition.Label) {
                throw new DiffusionArgumentException(
                        TorchScriptModule.CODE,
                        "model " + file + " takes encoder_hidden_states (" + expects()
                                + ") but a condition is a class label");
            }
        }
        if (shape == null) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    "model " + file + " takes encoder_hidden_states but every condition is the "
                            + "null condition; pass the unconditional embedding (e.g. the empty prompt's) as Condition.embedding");
        }
        int per = shape.intSize();
        float[] data = new float[conditions.size() * per];
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i) instanceof Condition.Embedding e) {
                System.arraycopy(e.value().toFloatArray(), 0, data, i * per, per);
            }
        }
        return call.create(
                data,
                new ai.djl.ndarray.types.Shape(
                        shape.withBatch(conditions.size()).longDims()));
    }

    /**
     * Calls forward with autograd enabled (DJL's inference path runs TorchScript under a no-grad guard)
     * and picks the output tensor; for gradients with respect to the inputs.
     */
    NDArray forwardWithGrad(List<NDArray> inputs) {
        if (!options.graphOptimizer()) {
            JniUtils.setGraphExecutorOptimize(false);
        }
        ai.djl.ndarray.NDList out;
        try {
            out = ai.djl.pytorch.jni.IValueUtils.forward(block, new ai.djl.ndarray.NDList(inputs), true);
        } catch (EngineException e) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    "TorchScript model " + file + " rejected its inputs. It expects "
                            + expects() + "; it was given " + describe(inputs) + " for the roles " + roles
                            + ". PyTorch said: " + firstLines(e.getMessage()),
                    e);
        }
        if (options.outputIndex() < 0 || options.outputIndex() >= out.size()) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    "TorchScript model " + file + " returned " + out.size() + " tensors; option outputIndex "
                            + options.outputIndex() + " is outside them");
        }
        return out.get(options.outputIndex());
    }

    /** Calls forward and picks the output tensor (float32). */
    NDArray forward(NDManager call, List<NDArray> inputs) {
        if (!options.graphOptimizer()) {
            JniUtils.setGraphExecutorOptimize(false); // thread-local in libtorch
        }
        IValue[] args = new IValue[inputs.size()];
        List<IValue> all = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                args[i] = IValue.from((PtNDArray) inputs.get(i));
                all.add(args[i]);
            }
            IValue out;
            try {
                out = block.forward(args);
            } catch (EngineException e) {
                throw new DiffusionArgumentException(
                        TorchScriptModule.CODE,
                        "TorchScript model " + file + " rejected its inputs. It expects "
                                + expects() + "; it was given " + describe(inputs) + " for the roles " + roles
                                + " (options inputs, timestepDtype, timestepShape, sampleDtype). PyTorch said: "
                                + firstLines(e.getMessage()),
                        e);
            }
            all.add(out);
            NDArray r = pick(out, call, all);
            return r.getDataType() == DataType.FLOAT32 ? r : r.toType(DataType.FLOAT32, false);
        } finally {
            for (IValue v : all) {
                v.close();
            }
        }
    }

    private NDArray pick(IValue out, NDManager call, List<IValue> all) {
        if (out.isTensor()) {
            return out.toTensor((PtNDManager) call);
        }
        if (out.isTuple() || out.isList() || out.isTensorList()) {
            IValue[] items = out.isTuple() ? out.toIValueTuple() : out.toIValueArray();
            java.util.Collections.addAll(all, items);
            if (options.outputIndex() < 0
                    || options.outputIndex() >= items.length
                    || !items[options.outputIndex()].isTensor()) {
                throw new DiffusionArgumentException(
                        TorchScriptModule.CODE,
                        "TorchScript model " + file + " returned a sequence of " + items.length
                                + " values; option outputIndex " + options.outputIndex()
                                + " does not name a tensor in it");
            }
            return items[options.outputIndex()].toTensor((PtNDManager) call);
        }
        if (out.isMap()) {
            Map<String, IValue> m = out.toIValueMap();
            all.addAll(m.values());
            IValue v = m.get(options.outputKey());
            if (v == null || !v.isTensor()) {
                throw new DiffusionArgumentException(
                        TorchScriptModule.CODE,
                        "TorchScript model " + file + " returned a dict with keys " + m.keySet()
                                + "; set option outputKey to the tensor to use (now '" + options.outputKey() + "')");
            }
            return v.toTensor((PtNDManager) call);
        }
        throw new DiffusionArgumentException(
                TorchScriptModule.CODE,
                "TorchScript model " + file + " returned a " + out.getType()
                        + "; a tensor, a tuple/list of tensors or a dict is expected");
    }

    private static String describe(List<NDArray> inputs) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < inputs.size(); i++) {
            NDArray a = inputs.get(i);
            sb.append(i == 0 ? "" : ", ").append(a.getDataType()).append(a.getShape());
        }
        return sb.append(')').toString();
    }

    /** The first line and the last two non-empty lines of a PyTorch error (where the cause is). */
    private static String firstLines(@Nullable String s) {
        if (s == null) {
            return "";
        }
        List<String> lines = new ArrayList<>();
        for (String l : s.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.trim());
            }
        }
        if (lines.size() <= 3) {
            return String.join(" | ", lines);
        }
        return lines.get(0) + " | ... | " + lines.get(lines.size() - 2) + " | " + lines.get(lines.size() - 1);
    }

    @Override
    public void close() {
        block.close();
        manager.close();
    }
}
