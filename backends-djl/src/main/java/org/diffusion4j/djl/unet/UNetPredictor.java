package org.diffusion4j.djl.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.tensor.DjlTensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;

/**
 * A {@link UNetModel} as a {@link NoisePredictor}. The model time handed to the network is
 * {@link Timestep#modelTime()} (an integer timestep, or λ/u of a continuous schedule, times the
 * configured time scale). Conditions are class labels (→ their index) or ∅ (→ the null class K);
 * an unconditional network ignores them.
 *
 * <p>Input tensors of any factory are accepted; the result is a tensor of the input's factory. With a
 * {@link DjlTensor} on the model's device no data leaves the device. Every intermediate array of a call
 * is freed when the call returns (an {@code NDManager} sub-manager plus an {@link NDScope}).
 * Thread-safe.
 */
public final class UNetPredictor implements NoisePredictor {

    private final UNetModel model;
    private final DjlTensorFactory local;

    /**
     * @param model the network (not closed by this predictor)
     * @param local tensors on the model's device, used for inputs that come from another factory
     */
    public UNetPredictor(UNetModel model, DjlTensorFactory local) {
        if (!local.device().equals(model.device())) {
            throw new IllegalArgumentException(
                    "tensor factory on " + local.device() + " for a model on " + model.device());
        }
        this.model = model;
        this.local = local;
    }

    public UNetModel model() {
        return model;
    }

    @Override
    public Tensor predict(Tensor x, Timestep time, Conditions conditions) {
        int b = x.batchSize();
        if (conditions.size() != b) {
            throw new IllegalArgumentException(conditions.size() + " conditions for a batch of " + b);
        }
        int[] classes = model.classIndices(conditions);
        double[] t = new double[b];
        Arrays.fill(t, time.modelTime());
        boolean sameDevice = x instanceof DjlTensor d && d.factory().device().equals(model.device());
        try (NDManager call = local.manager().newSubManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray in = sameDevice
                    ? ((DjlTensor) x).array()
                    : call.create(x.toFloatArray(), DjlTensorFactory.djlShape(x.shape()));
            NDArray out = model.forward(call, in, t, classes, false);
            if (x instanceof DjlTensor d) {
                return d.factory().wrap(out);
            }
            return x.factory().of(out.toFloatArray(), x.shape());
        }
    }

    @Override
    public PredictionType predictionType() {
        return model.config().predictionType();
    }

    @Override
    public String toString() {
        return "UNetPredictor[" + model.parameterCount() + " parameters, "
                + model.config().predictionType() + "]";
    }
}
