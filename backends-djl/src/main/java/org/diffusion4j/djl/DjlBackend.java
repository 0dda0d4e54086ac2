package org.diffusion4j.djl;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.DiffusionArgumentException;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.djl.classifier.ClassifierModel;
import org.diffusion4j.djl.classifier.ClassifierScores;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.torchscript.TorchScriptClassifier;
import org.diffusion4j.djl.torchscript.TorchScriptPredictor;
import org.diffusion4j.djl.torchscript.TorchScriptScores;
import org.diffusion4j.djl.train.Checkpoint;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;

/**
 * The {@code djl} backend: tensors on one device and the models it loads.
 * <ul>
 *   <li>{@link #loadPredictor}: a TorchScript file ({@link TorchScriptPredictor}), or a checkpoint written
 *   by {@link Trainer#save} (its EMA weights; option {@code weights: "raw"} for the raw ones).</li>
 *   <li>{@link #loadClassifier}: a TorchScript classifier ({@link TorchScriptClassifier}) or a checkpoint
 *   written by {@link ClassifierModel#save}, with gradients by autograd.</li>
 *   <li>{@link #loadScoreModel}: a classifier checkpoint's logits ({@link ClassifierScores}) or a
 *   TorchScript module's output ({@link TorchScriptScores}), for evaluation.</li>
 * </ul>
 * Closing the backend frees its tensors and every model it loaded.
 */
public final class DjlBackend implements Backend {

    private final DjlConfig config;
    private final Device device;
    private final DjlTensorFactory tensors;
    private final List<AutoCloseable> owned = new ArrayList<>();

    /** Starts the engine on the configured device (falling back to the CPU when allowed). */
    public DjlBackend(DjlConfig config) {
        this.config = config;
        DjlRuntime.setThreads(config.threads());
        this.device = DjlRuntime.device(config.device(), config.fallbackToCpu());
        this.tensors = DjlTensorFactory.on(device);
        if (!config.graphOptimizer()) {
            DjlRuntime.setGraphOptimizer(false);
        }
    }

    @Override
    public String id() {
        return DjlBackendProvider.ID;
    }

    @Override
    public String device() {
        return DjlRuntime.name(device);
    }

    /** The DJL device. */
    public Device djlDevice() {
        return device;
    }

    @Override
    public DjlTensorFactory tensors() {
        return tensors;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.GRADIENTS, Capability.TRAINING, Capability.GPU, Capability.MODEL_FILES);
    }

    @Override
    public synchronized NoisePredictor loadPredictor(ModelSpec spec) {
        if (isCheckpoint(spec.file())) {
            String w = spec.stringOption("weights").orElse("ema");
            if (!w.equals("ema") && !w.equals("raw")) {
                throw new DiffusionArgumentException(
                        DjlCheckpointException.CODE,
                        spec.file() + ": option weights must be 'ema' or 'raw', got '" + w + "'");
            }
            try {
                UNetModel m = Trainer.loadModel(spec.file(), device, w.equals("ema"));
                owned.add(m);
                if (m.config().predictionType() != spec.predictionType()) {
                    throw new DiffusionArgumentException(
                            DjlCheckpointException.CODE,
                            spec.file() + " was trained to predict "
                                    + m.config().predictionType() + " but the model spec says "
                                    + spec.predictionType());
                }
                return new UNetPredictor(m, tensors);
            } catch (IOException e) {
                throw new DjlCheckpointException(
                        "cannot load the UNet checkpoint " + spec.file() + ": " + e.getMessage(), e);
            }
        }
        TorchScriptPredictor p = TorchScriptPredictor.load(spec, tensors);
        owned.add(p);
        return p;
    }

    @Override
    public synchronized ClassifierGradient loadClassifier(ModelSpec spec) {
        if (isCheckpoint(spec.file())) {
            try {
                ClassifierModel m = ClassifierModel.load(spec.file(), device);
                owned.add(m);
                return m.gradient();
            } catch (IOException e) {
                throw new DjlCheckpointException(
                        "cannot load the classifier checkpoint " + spec.file() + ": " + e.getMessage(), e);
            }
        }
        TorchScriptClassifier c = TorchScriptClassifier.load(spec, tensors);
        owned.add(c);
        return c;
    }

    /**
     * Loads a score model (for evaluation): a checkpoint written by {@link ClassifierModel#save} (its
     * logits; options {@code modelTime}, default 0 = clean images, and {@code batchSize}), or a TorchScript
     * module taking (sample[, timestep]) (its forward output; the TorchScript options plus {@code modelTime}
     * and {@code batchSize}).
     */
    @Override
    public synchronized ScoreModel loadScoreModel(ModelSpec spec) {
        double t = scoreOption(spec, "modelTime", 0);
        int batch = (int) scoreOption(spec, "batchSize", 0);
        if (batch < 0 || batch != scoreOption(spec, "batchSize", 0)) {
            throw new DiffusionArgumentException(
                    DjlCheckpointException.CODE,
                    spec.file() + ": option batchSize must be a positive integer, got "
                            + spec.options().get("batchSize"));
        }
        if (isCheckpoint(spec.file())) {
            for (String k : spec.options().keySet()) {
                if (!k.equals("modelTime") && !k.equals("batchSize")) {
                    throw new DiffusionArgumentException(
                            DjlCheckpointException.CODE,
                            spec.file() + ": unknown option '" + k
                                    + "' for a classifier checkpoint; options: batchSize," + " modelTime");
                }
            }
            try {
                ClassifierModel m = ClassifierModel.load(spec.file(), device);
                owned.add(m);
                return new ClassifierScores(m, t, batch);
            } catch (IOException e) {
                throw new DjlCheckpointException(
                        "cannot load the classifier checkpoint " + spec.file() + ": " + e.getMessage(), e);
            }
        }
        TorchScriptScores s = TorchScriptScores.load(spec, tensors, t, batch);
        owned.add(s);
        return s;
    }

    private static double scoreOption(ModelSpec spec, String key, double dflt) {
        Object v = spec.options().getOrDefault(key, dflt);
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
            throw new DiffusionArgumentException(
                    DjlCheckpointException.CODE, spec.file() + ": option " + key + " must be a number, got " + v);
        }
        return n.doubleValue();
    }

    private static boolean isCheckpoint(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new DiffusionArgumentException(
                    DjlCheckpointException.CODE, "model file " + file + " does not exist or is not a file");
        }
        try {
            return Checkpoint.isCheckpoint(file);
        } catch (IOException e) {
            throw new DjlCheckpointException("cannot read model file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The configuration the backend was made with. */
    public DjlConfig config() {
        return config;
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                // keep closing the others
            }
        }
        owned.clear();
        tensors.close();
    }

    @Override
    public String toString() {
        return "DjlBackend[" + device() + "]";
    }
}
