package org.diffusion4j.djl.unet;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.util.Map;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.nn.Ops;
import org.diffusion4j.djl.nn.Weights;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An initialised {@link UNet} with its parameters on one device. Owns the parameters' native memory
 * until {@link #close()}. The forward pass is safe to call from several threads at once; changing the
 * weights ({@link #load}) is not.
 */
public final class UNetModel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UNetModel.class);

    private final UNetConfig config;
    private final UNet block;
    private final NDManager manager;
    private final long parameterCount;

    private UNetModel(UNetConfig config, Device device, long seed) {
        this.config = config;
        this.manager = DjlRuntime.engine().newBaseManager(device);
        this.manager.setName("unet-parameters");
        this.block = new UNet(config);
        block.setInitializer(Initializer.ZEROS, (Parameter p) -> true);
        block.initialize(
                manager,
                DataType.FLOAT32,
                new Shape(1, config.imageChannels(), config.imageSize(), config.imageSize()),
                new Shape(1, config.baseChannels()),
                new Shape(1, config.numClasses() + 1));
        Weights.initialise(block, seed);
        this.parameterCount = Weights.count(block);
    }

    /**
     * Builds and initialises a network; logs its parameter count.
     *
     * @param seed seed of the initial weights (identical on every device)
     */
    public static UNetModel create(UNetConfig config, Device device, long seed) {
        UNetModel m = new UNetModel(config, device, seed);
        LOG.info(
                "UNet built on {}: {} parameters (base {}, multipliers {}, {} res blocks/level, attention at {}, "
                        + "{} classes, dropout {}, predicts {})",
                DjlRuntime.name(device),
                String.format("%,d", m.parameterCount),
                config.baseChannels(),
                config.channelMultipliers(),
                config.resBlocksPerLevel(),
                config.attentionResolutions(),
                config.numClasses(),
                config.dropout(),
                config.predictionType());
        return m;
    }

    public UNetConfig config() {
        return config;
    }

    /** The DJL block, for code that drives DJL directly (training). */
    public UNet block() {
        return block;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        return parameterCount;
    }

    /** Number of native arrays this model holds (its parameters and anything attached to them). */
    public int managedArrays() {
        return manager.getManagedArrays().size();
    }

    /** Host copies of the parameters by name. */
    public Map<String, float[]> weights() {
        return Weights.export(block);
    }

    /** Replaces the parameters (for example with EMA weights or a checkpoint). */
    public void load(Map<String, float[]> weights, String source) {
        Weights.load(block, weights, source);
    }

    /**
     * Runs the network. Every array it creates belongs to {@code call}'s manager or to the caller's
     * {@code NDScope}; nothing is attached to the parameters' manager.
     *
     * @param x          x_t, {@code [B, C, H, W]} on this model's device
     * @param modelTimes one model time per sample (before {@link UNetConfig#timeScale()})
     * @param classes    one class index per sample in {@code [0, K]} (K = the null class); ignored when
     *                   unconditional
     * @param training   dropout on, and autograd records when a gradient collector is open
     */
    public NDArray forward(NDManager call, NDArray x, double[] modelTimes, int[] classes, boolean training) {
        int b = Math.toIntExact(x.getShape().get(0));
        Shape expected = new Shape(b, config.imageChannels(), config.imageSize(), config.imageSize());
        if (!x.getShape().equals(expected)) {
            throw new IllegalArgumentException("UNet input has shape " + DjlTensorFactory.sdkShape(x.getShape())
                    + "; this network takes " + DjlTensorFactory.sdkShape(expected) + " ([B, channels, size, size])");
        }
        double[] t = new double[b];
        for (int i = 0; i < b; i++) {
            t[i] = modelTimes[i] * config.timeScale();
        }
        NDArray temb = call.create(Ops.sinusoidal(t, config.baseChannels()), new Shape(b, config.baseChannels()));
        NDList in = new NDList(x, temb);
        if (config.conditional()) {
            int k1 = config.numClasses() + 1;
            float[] onehot = new float[b * k1];
            for (int i = 0; i < b; i++) {
                onehot[i * k1 + classes[i]] = 1f;
            }
            in.add(call.create(onehot, new Shape(b, k1)));
        }
        return block.forward(new ParameterStore(call, false), in, training).singletonOrThrow();
    }

    /**
     * The class indices of a batch of conditions: label k → k, ∅ → K.
     *
     * @throws IllegalArgumentException for labels outside [0, K) or embedding conditions
     */
    public int[] classIndices(Conditions conditions) {
        int k = config.numClasses();
        if (!config.conditional()) {
            return new int[conditions.size()];
        }
        int[] idx;
        try {
            idx = conditions.labelArray(k);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "this UNet is conditioned on class labels (" + k + " classes): " + e.getMessage(), e);
        }
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] > k) {
                throw new IllegalArgumentException("condition " + i + " is class " + idx[i] + " but the UNet has " + k
                        + " classes [0, " + k + ") plus the null class");
            }
            if (idx[i] == k && !conditions.get(i).isUnconditional()) {
                throw new IllegalArgumentException("condition " + i + " is class " + k + ", outside the " + k
                        + " classes [0, " + k + "); use Condition.none() for the null class");
            }
        }
        return idx;
    }

    @Override
    public void close() {
        manager.close();
    }
}
