package org.diffusion4j.djl.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.DiffusionArgumentException;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;

/**
 * A TorchScript module's forward output as a {@link ScoreModel}: forward(sample[, timestep]) returns
 * {@code [B, ...]} (logits, or a feature layer), flattened per image. Options: the TorchScript options
 * of the predictor ({@code inputs}, {@code timestepDtype}, {@code outputIndex}, {@code outputKey}, ...;
 * not {@code output: gradient}) and {@code modelTime} (the timestep given with every image, default 0:
 * clean images) and {@code batchSize} (images per forward call; default the whole batch). Thread-safe
 * (libtorch's forward is).
 */
public final class TorchScriptScores implements ScoreModel, AutoCloseable {
    private final TorchScriptModule module;
    private final double modelTime;
    private final int batchSize;

    private TorchScriptScores(TorchScriptModule module, double modelTime, int batchSize) {
        this.module = module;
        this.modelTime = modelTime;
        this.batchSize = batchSize;
    }

    /**
     * Loads a module for inference on the factory's device.
     *
     * @param modelTime the model time given with every image
     * @param batchSize images per call, 0 for the whole batch
     * @throws DiffusionArgumentException when the file does not load, an option is wrong, or the module
     *                                    takes class labels or returns a gradient
     */
    public static TorchScriptScores load(ModelSpec spec, DjlTensorFactory local, double modelTime, int batchSize) {
        Map<String, Object> options = new HashMap<>(spec.options());
        options.remove("modelTime");
        options.remove("batchSize");
        TorchScriptOptions o = TorchScriptOptions.parse(options, spec.file().toString());
        if (o.gradientOutput()) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    spec.file() + ": a score model returns logits or features, not a gradient (option output)");
        }
        TorchScriptModule m = new TorchScriptModule(
                spec.file(), local.device(), o, List.of(InputRole.SAMPLE, InputRole.TIMESTEP), false);
        if (m.roles().contains(InputRole.CLASS_LABELS) || m.roles().contains(InputRole.ENCODER_HIDDEN_STATES)) {
            m.close();
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    spec.file() + " takes a condition (" + m.expects() + "); a score model takes the images (and a"
                            + " timestep) only");
        }
        return new TorchScriptScores(m, modelTime, batchSize);
    }

    @Override
    public Tensor apply(Tensor images) {
        Shape shape = images.shape();
        if (shape.rank() < 2) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    module.file() + ": images of shape " + shape + "; a batch [B, ...imageShape] is expected");
        }
        int b = shape.get(0);
        int per = shape.sampleShape().intSize();
        int chunk = batchSize > 0 ? batchSize : Math.max(1, b);
        float[] x = images.toFloatArray();
        float[] out = null;
        int k = -1;
        for (int from = 0; from < b; from += chunk) {
            int n = Math.min(chunk, b - from);
            try (NDManager call = module.manager().newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray xa = call.create(
                        Arrays.copyOfRange(x, from * per, (from + n) * per),
                        DjlTensorFactory.djlShape(shape.sampleShape().withBatch(n)));
                // only the model time reaches the module (the timestep input); the variances are not used
                Timestep t = Timestep.ofAlphaBar(modelTime, 1);
                NDArray r = module.forward(call, module.inputs(call, xa, t, Conditions.unconditional(n)));
                if (r.getShape().dimension() < 1 || r.getShape().get(0) != n) {
                    throw new DiffusionArgumentException(
                            TorchScriptModule.CODE,
                            module.file() + " returned shape " + r.getShape() + " for " + n + " images; [" + n
                                    + ", ...] is expected (" + module.expects() + ")");
                }
                float[] v = r.toFloatArray();
                if (out == null) {
                    k = v.length / n;
                    out = new float[Math.multiplyExact(b, k)];
                }
                System.arraycopy(v, 0, out, from * k, v.length);
            }
        }
        if (out == null) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE, module.file() + ": an empty batch " + shape + " has no scores");
        }
        return images.factory().of(out, Shape.of(b, k));
    }

    @Override
    public void close() {
        module.close();
    }

    @Override
    public String toString() {
        return "TorchScriptScores[" + module.file() + ", " + module.expects() + "]";
    }
}
