package org.diffusion4j.djl.torchscript;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.DiffusionArgumentException;
import org.diffusion4j.api.DiffusionStateException;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.tensor.DjlTensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TorchScript {@code .pt} denoiser (for example a diffusers UNet traced with
 * {@code sample, timestep, class_labels} or {@code encoder_hidden_states}) as a {@link NoisePredictor}.
 * See {@link TorchScriptOptions} for the input signature, timestep dtype and output selection.
 *
 * <p>At load it turns PyTorch's graph-executor optimiser off for the calling threads (unless asked
 * not to) and makes one warm-up call when the sample shape is known, so the first real batch is not
 * slow. Results are tensors of the input's factory; a {@link DjlTensor} on the model's device never
 * leaves it. Thread-safe.
 */
public final class TorchScriptPredictor implements NoisePredictor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TorchScriptPredictor.class);

    private final TorchScriptModule module;
    private final PredictionType predictionType;
    private final DjlTensorFactory local;

    private TorchScriptPredictor(TorchScriptModule module, PredictionType predictionType, DjlTensorFactory local) {
        this.module = module;
        this.predictionType = predictionType;
        this.local = local;
    }

    /**
     * Loads a model.
     *
     * @param spec  file, prediction type and options ({@link TorchScriptOptions})
     * @param local tensors on the device to run on
     * @throws IllegalArgumentException for a missing or unreadable file, bad options, or a failed warm-up
     */
    public static TorchScriptPredictor load(ModelSpec spec, DjlTensorFactory local) {
        TorchScriptOptions o =
                TorchScriptOptions.parse(spec.options(), spec.file().toString());
        TorchScriptModule m =
                new TorchScriptModule(spec.file(), local.device(), o, List.of(InputRole.SAMPLE, InputRole.TIMESTEP));
        TorchScriptPredictor p = new TorchScriptPredictor(m, spec.predictionType(), local);
        try {
            p.warmUp();
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** Loads a model on the CPU with default options. */
    public static TorchScriptPredictor load(Path file, DjlTensorFactory local) {
        return load(ModelSpec.of(file), local);
    }

    private void warmUp() {
        TorchScriptOptions o = module.options();
        if (!o.warmup()) {
            return;
        }
        if (o.sampleShape() == null) {
            // debug, not info: a run document's own sampleShape does not reach the backend's options, so at info
            // every CLI run of a TorchScript model would print this, and its advice
            LOG.debug(
                    "no warm-up call for {}: set the model option sampleShape (e.g. [1, 28, 28]) to enable it",
                    module.file());
            return;
        }
        int b = o.fixedBatch().orElse(2);
        Shape s = Shape.of(o.sampleShape()).withBatch(b);
        if (module.roles().contains(InputRole.ENCODER_HIDDEN_STATES)) {
            LOG.debug("no warm-up call for {}: it takes embeddings whose shape is not configured", module.file());
            return;
        }
        Conditions c = module.roles().contains(InputRole.CLASS_LABELS)
                ? Conditions.labels(new int[b])
                : Conditions.unconditional(b);
        long t0 = System.nanoTime();
        predict(local.zeros(s), Timestep.ofAlphaBar(0, 0.5), c);
        LOG.info("warm-up call of {} with batch {} took {} ms", module.file(), b, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public Tensor predict(Tensor x, Timestep time, Conditions conditions) {
        if (conditions.size() != x.batchSize()) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE, conditions.size() + " conditions for a batch of " + x.batchSize());
        }
        OptionalInt fixed = module.options().fixedBatch();
        if (fixed.isPresent() && x.batchSize() != fixed.getAsInt()) {
            return predictInChunks(x, time, conditions, fixed.getAsInt());
        }
        boolean sameDevice = x instanceof DjlTensor d && d.factory().device().equals(module.device());
        try (NDManager call = module.manager().newSubManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray in = sameDevice
                    ? ((DjlTensor) x).array()
                    : call.create(x.toFloatArray(), DjlTensorFactory.djlShape(x.shape()));
            NDArray out = module.forward(call, module.inputs(call, in, time, conditions));
            if (!out.getShape().equals(in.getShape())) {
                throw new DiffusionStateException(
                        TorchScriptModule.CODE,
                        "TorchScript model " + module.file() + " returned shape " + out.getShape()
                                + " for a sample of shape " + in.getShape() + " (" + module.expects() + ")");
            }
            if (x instanceof DjlTensor d) {
                return d.factory().wrap(out);
            }
            return x.factory().of(out.toFloatArray(), x.shape());
        }
    }

    /**
     * A model exported for a fixed batch f runs any batch as ⌈B/f⌉ calls of f: the last chunk is padded
     * by repeating its last sample, and the padding is dropped from the output (as the onnx backend does).
     */
    private Tensor predictInChunks(Tensor x, Timestep time, Conditions conditions, int f) {
        int b = x.batchSize();
        List<Tensor> outs = new ArrayList<>();
        for (int from = 0; from < b; from += f) {
            int to = Math.min(b, from + f);
            Tensor part = x.slice(from, to);
            Conditions partConditions = conditions.slice(from, to);
            int pad = f - (to - from);
            if (pad > 0) {
                List<Tensor> filled = new ArrayList<>(List.of(part));
                List<Condition> cs = new ArrayList<>(partConditions.asList());
                for (int i = 0; i < pad; i++) {
                    filled.add(x.slice(to - 1, to));
                    cs.add(conditions.get(to - 1));
                }
                part = part.factory().concat(filled);
                partConditions = Conditions.of(cs);
            }
            Tensor out = predict(part, time, partConditions);
            outs.add(pad > 0 ? out.slice(0, to - from) : out);
        }
        return x.factory().concat(outs);
    }

    @Override
    public PredictionType predictionType() {
        return predictionType;
    }

    @Override
    public OptionalInt fixedBatchSize() {
        return module.options().fixedBatch();
    }

    /** The device the model runs on. */
    public Device device() {
        return module.device();
    }

    /** The roles of the model's inputs, in order. */
    List<InputRole> inputs() {
        return module.roles();
    }

    @Override
    public void close() {
        module.close();
    }

    @Override
    public String toString() {
        return "TorchScriptPredictor[" + module.file() + ", " + module.expects() + ", " + predictionType + "]";
    }
}
