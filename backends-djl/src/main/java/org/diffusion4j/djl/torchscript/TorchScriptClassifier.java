package org.diffusion4j.djl.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.DiffusionArgumentException;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.classifier.LogProbGradient;
import org.diffusion4j.djl.tensor.DjlTensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;

/**
 * A TorchScript noisy classifier as a {@link ClassifierGradient}. Two kinds of model are accepted:
 * <ul>
 *   <li>{@code output: logits} (default): forward(sample, timestep) returns logits {@code [B, K]};
 *   ∇_{x_t} log softmax(logits)[y] is computed by PyTorch autograd through the TorchScript graph.</li>
 *   <li>{@code output: gradient}: forward(sample, timestep, class_labels) returns ∇_{x_t} log p(y | x_t)
 *   itself, shape of the sample.</li>
 * </ul>
 * A null condition gets a zero gradient. Thread-safe (gradient calls are serialised process-wide).
 */
public final class TorchScriptClassifier implements ClassifierGradient, AutoCloseable {

    private final TorchScriptModule module;

    private TorchScriptClassifier(TorchScriptModule module) {
        this.module = module;
    }

    /** Loads a classifier on the factory's device. */
    public static TorchScriptClassifier load(ModelSpec spec, DjlTensorFactory local) {
        TorchScriptOptions o =
                TorchScriptOptions.parse(spec.options(), spec.file().toString());
        List<InputRole> dflt = o.gradientOutput()
                ? List.of(InputRole.SAMPLE, InputRole.TIMESTEP, InputRole.CLASS_LABELS)
                : List.of(InputRole.SAMPLE, InputRole.TIMESTEP);
        // loaded for autograd: gradients flow through a logits model, and a model returning its gradient may
        // compute it with torch.autograd.grad inside its forward
        TorchScriptModule m = new TorchScriptModule(spec.file(), local.device(), o, dflt, true);
        if (!o.gradientOutput() && m.roles().contains(InputRole.CLASS_LABELS)) {
            m.close();
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE,
                    "classifier " + spec.file() + " takes class_labels (" + m.expects()
                            + "); a logits classifier takes (sample, timestep). If it returns the gradient itself, set the option "
                            + "output to 'gradient'");
        }
        return new TorchScriptClassifier(m);
    }

    @Override
    public Tensor gradLogProb(Tensor x, Timestep time, Conditions labels) {
        if (labels.size() != x.batchSize()) {
            throw new DiffusionArgumentException(
                    TorchScriptModule.CODE, labels.size() + " labels for a batch of " + x.batchSize());
        }
        int[] y = LogProbGradient.labelsOrNull(labels);
        if (module.options().gradientOutput()) {
            return direct(x, time, labels, y);
        }
        return DjlRuntime.withAutograd(() -> {
            try (NDManager call = module.manager().newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray xa = call.create(x.toFloatArray(), DjlTensorFactory.djlShape(x.shape()));
                xa.setRequiresGradient(true);
                NDArray logits;
                try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    logits = module.forwardWithGrad(
                            module.inputs(call, xa, time, Conditions.unconditional(x.batchSize())));
                    if (logits.getShape().dimension() != 2 || logits.getShape().get(0) != x.batchSize()) {
                        throw new DiffusionArgumentException(
                                TorchScriptModule.CODE,
                                "classifier " + module.file() + " returned shape " + logits.getShape()
                                        + "; logits [B, K] are expected (" + module.expects() + ")");
                    }
                    gc.backward(LogProbGradient.selectedLogProb(call, logits, y));
                }
                return result(x, xa.getGradient());
            }
        });
    }

    /**
     * A model that returns its own gradient runs with autograd enabled, since it may compute the gradient
     * with torch.autograd.grad inside its forward (TorchScript has no enable_grad to switch it on itself).
     */
    private Tensor direct(Tensor x, Timestep time, Conditions labels, int[] y) {
        return DjlRuntime.withAutograd(() -> {
            try (NDManager call = module.manager().newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray xa = call.create(x.toFloatArray(), DjlTensorFactory.djlShape(x.shape()));
                Conditions safe = LogProbGradient.nullAsLabelZero(labels);
                NDArray g;
                try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    g = module.forwardWithGrad(module.inputs(call, xa, time, safe))
                            .stopGradient();
                }
                if (!g.getShape().equals(xa.getShape())) {
                    throw new DiffusionArgumentException(
                            TorchScriptModule.CODE,
                            "classifier " + module.file() + " returned shape " + g.getShape() + " for samples of shape "
                                    + xa.getShape() + "; with output 'gradient' it must return ∇ log p(y|x_t)");
                }
                if (g.getDataType() != ai.djl.ndarray.types.DataType.FLOAT32) {
                    g = g.toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                }
                NDArray mask = LogProbGradient.nonNullMask(call, y, xa.getShape());
                return result(x, g.mul(mask));
            }
        });
    }

    private static Tensor result(Tensor x, NDArray g) {
        if (x instanceof DjlTensor d) {
            return d.factory().wrap(g.duplicate());
        }
        return x.factory().of(g.toFloatArray(), x.shape());
    }

    @Override
    public void close() {
        module.close();
    }

    @Override
    public String toString() {
        return "TorchScriptClassifier[" + module.file() + ", " + module.expects() + "]";
    }
}
