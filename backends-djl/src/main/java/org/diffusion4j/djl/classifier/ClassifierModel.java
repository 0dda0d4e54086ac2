package org.diffusion4j.djl.classifier;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.nn.Ops;
import org.diffusion4j.djl.nn.Weights;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.train.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An initialised {@link ClassifierNet} with its parameters on one device: logits, predicted classes,
 * test accuracy, and (through {@link #gradient()}) ∇_{x_t} log p(y | x_t) for classifier guidance.
 * The forward pass is thread-safe; training and {@link #load} are not.
 */
public final class ClassifierModel implements AutoCloseable {

    /** Checkpoint kind of {@link #save}. */
    public static final String KIND = "classifier";

    private static final Logger LOG = LoggerFactory.getLogger(ClassifierModel.class);

    private final ClassifierConfig config;
    private final ClassifierNet block;
    private final NDManager manager;

    private ClassifierModel(ClassifierConfig config, Device device, long seed) {
        this.config = config;
        this.manager = DjlRuntime.engine().newBaseManager(device);
        this.manager.setName("classifier-parameters");
        this.block = new ClassifierNet(config);
        block.setInitializer(Initializer.ZEROS, (Parameter p) -> true);
        block.initialize(
                manager,
                DataType.FLOAT32,
                new Shape(1, config.imageChannels(), config.imageSize(), config.imageSize()),
                new Shape(1, config.baseChannels()));
        Weights.initialise(block, seed);
    }

    /** Builds and initialises a classifier; logs its parameter count. */
    public static ClassifierModel create(ClassifierConfig config, Device device, long seed) {
        ClassifierModel m = new ClassifierModel(config, device, seed);
        LOG.info(
                "classifier built on {}: {} parameters ({} classes, base {}, multipliers {})",
                DjlRuntime.name(device),
                String.format("%,d", Weights.count(m.block)),
                config.numClasses(),
                config.baseChannels(),
                config.channelMultipliers());
        return m;
    }

    public ClassifierConfig config() {
        return config;
    }

    ClassifierNet block() {
        return block;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** The logits {@code [B, K]} for x {@code [B, C, H, W]} (on this device) at the given model times. */
    public NDArray forward(NDManager call, NDArray x, double[] modelTimes, boolean training) {
        int b = Math.toIntExact(x.getShape().get(0));
        double[] t = new double[b];
        for (int i = 0; i < b; i++) {
            t[i] = modelTimes[i] * config.timeScale();
        }
        NDArray temb = call.create(Ops.sinusoidal(t, config.baseChannels()), new Shape(b, config.baseChannels()));
        return block.forward(new ParameterStore(call, false), new NDList(x, temb), training)
                .singletonOrThrow();
    }

    /** The most likely class of each image of {@code x} at model time {@code modelTime}. */
    public int[] classify(Tensor x, double modelTime) {
        try (NDManager call = manager.newSubManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray xa = call.create(x.toFloatArray(), DjlTensorFactory.djlShape(x.shape()));
            double[] t = new double[x.batchSize()];
            Arrays.fill(t, modelTime);
            long[] am = forward(call, xa, t, false).argMax(1).toLongArray();
            int[] out = new int[am.length];
            for (int i = 0; i < am.length; i++) {
                out[i] = (int) am[i];
            }
            return out;
        }
    }

    /** Fraction of {@code data} classified correctly on clean images (model time {@code modelTime}). */
    public double accuracy(ImageDataset data, double modelTime, int batch) {
        int per = data.imageShape().intSize();
        int correct = 0;
        for (int start = 0; start < data.size(); start += batch) {
            int n = Math.min(batch, data.size() - start);
            float[] x = new float[n * per];
            for (int i = 0; i < n; i++) {
                data.copyImage(start + i, x, i * per);
            }
            int[] pred = classify(
                    org.diffusion4j.api.tensor.ArrayTensor.wrap(
                            x, data.imageShape().withBatch(n)),
                    modelTime);
            for (int i = 0; i < n; i++) {
                if (pred[i] == data.label(start + i)) {
                    correct++;
                }
            }
        }
        return (double) correct / data.size();
    }

    /**
     * This classifier as a guidance gradient ∇_{x_t} log p(y | x_t, t) by autograd. Freezes the
     * parameters (no parameter gradients are computed); {@link ClassifierTrainer} unfreezes them again.
     */
    public org.diffusion4j.api.ClassifierGradient gradient() {
        block.freezeParameters(true);
        return new AutogradClassifierGradient(this);
    }

    NDManager manager() {
        return manager;
    }

    /** Host copies of the weights. */
    public Map<String, float[]> weights() {
        return Weights.export(block);
    }

    /** Replaces the weights. */
    public void load(Map<String, float[]> weights, String source) {
        Weights.load(block, weights, source);
    }

    /** Saves configuration and weights (temporary file, then rename). */
    public void save(Path file) throws IOException {
        var json = Checkpoint.json();
        var meta = json.createObjectNode();
        meta.set("classifier", json.valueToTree(config));
        new Checkpoint(
                        KIND,
                        meta,
                        json.createObjectNode(),
                        Map.of(Checkpoint.MODEL, weights()),
                        org.diffusion4j.djl.nn.Weights.shapes(block))
                .write(file);
    }

    /** Loads a classifier written by {@link #save}. */
    public static ClassifierModel load(Path file, Device device) throws IOException {
        Checkpoint c = Checkpoint.read(file);
        if (!KIND.equals(c.kind())) {
            throw new IOException(file + " holds a '" + c.kind() + "' checkpoint, not a " + KIND + " one");
        }
        ClassifierConfig cc = Checkpoint.json().treeToValue(c.meta().get("classifier"), ClassifierConfig.class);
        ClassifierModel m = create(cc, device, 0);
        m.load(c.section(file, Checkpoint.MODEL), file.toString());
        return m;
    }

    @Override
    public void close() {
        manager.close();
    }
}
