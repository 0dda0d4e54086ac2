package org.diffusion4j.djl.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.tensor.DjlTensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;

/**
 * ∇_{x_t} log p_φ(y | x_t, t) of a {@link ClassifierModel}, by PyTorch autograd: the gradient of
 * Σ_b log softmax(f_φ(x_b, t))[y_b] with respect to x (see {@link LogProbGradient}). Null conditions get
 * zero. The result is a tensor of the input's factory. Thread-safe (serialised process-wide by
 * {@link DjlRuntime#withAutograd}).
 */
final class AutogradClassifierGradient implements ClassifierGradient {

    private final ClassifierModel model;

    AutogradClassifierGradient(ClassifierModel model) {
        this.model = model;
    }

    @Override
    public Tensor gradLogProb(Tensor x, Timestep time, Conditions labels) {
        if (labels.size() != x.batchSize()) {
            throw new IllegalArgumentException(labels.size() + " labels for a batch of " + x.batchSize());
        }
        int[] y = LogProbGradient.labelsOrNull(labels);
        double[] t = new double[x.batchSize()];
        Arrays.fill(t, time.modelTime());
        return DjlRuntime.withAutograd(() -> {
            try (NDManager call = model.manager().newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray xa = call.create(x.toFloatArray(), DjlTensorFactory.djlShape(x.shape()));
                xa.setRequiresGradient(true);
                try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    NDArray logits = model.forward(call, xa, t, false);
                    gc.backward(LogProbGradient.selectedLogProb(call, logits, y));
                }
                NDArray g = xa.getGradient();
                if (x instanceof DjlTensor d) {
                    return d.factory().wrap(g.duplicate());
                }
                return x.factory().of(g.toFloatArray(), x.shape());
            }
        });
    }

    /** The classifier. */
    public ClassifierModel model() {
        return model;
    }
}
