package org.diffusion4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.TensorFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX Runtime backend: loads {@code .onnx} files as {@link OnnxNoisePredictor}s and
 * gradient-output classifiers as {@link OnnxClassifierGradient}s, and logits or feature models as
 * {@link ScoreModel}s ({@link #loadScoreModel}). Tensors stay pure-Java
 * ({@link ArrayTensor}): ONNX Runtime's Java API takes and returns host memory.
 *
 * <p>Each model gets its own session, made with this backend's session options (threads, graph
 * optimisation, execution provider). A session is shared by every thread that uses the model.
 * {@link #close()} closes every model the backend loaded.
 */
public final class OnnxBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxBackend.class);

    private final OrtEnvironment env;
    private final OnnxConfig config;
    private final int cudaDevice;
    private final List<OnnxModel> models = new ArrayList<>();
    /** Guarded by {@link #models}. */
    private final List<OnnxScoreModel> scoreModels = new ArrayList<>();

    private boolean closed;

    private OnnxBackend(OrtEnvironment env, OnnxConfig config, int cudaDevice) {
        this.env = env;
        this.config = config;
        this.cudaDevice = cudaDevice;
    }

    /** Opens the backend: loads ONNX Runtime's native library and picks the execution provider. */
    public static OnnxBackend open(OnnxConfig config) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        NativeTempDirectory
                .removeAtExit(); // ONNX Runtime would leave an empty onnxruntime-java* folder in the temp dir
        int cuda = -1;
        if (config.cudaDevice().isPresent()) {
            int wanted = config.cudaDevice().getAsInt();
            EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
            if (!available.contains(OrtProvider.CUDA)) {
                LOG.warn(
                        "device '{}' asked for, but this onnxruntime build has no CUDA execution provider"
                                + " (available: {}); running on the CPU. Put com.microsoft.onnxruntime:onnxruntime_gpu on the class"
                                + " path instead of onnxruntime to use CUDA.",
                        config.device(),
                        available);
            } else {
                try (OrtSession.SessionOptions probe = new OrtSession.SessionOptions()) {
                    probe.addCUDA(wanted);
                    cuda = wanted;
                } catch (OrtException | RuntimeException e) {
                    LOG.warn(
                            "device '{}' asked for, but the CUDA execution provider could not start ({});"
                                    + " running on the CPU",
                            config.device(),
                            e.getMessage());
                }
            }
        }
        LOG.debug(
                "onnx backend: onnxruntime {}, device {}, intraOpThreads {}, optimization {}",
                env.getVersion(),
                cuda >= 0 ? "cuda:" + cuda : "cpu",
                config.intraOpThreads(),
                config.optimization());
        return new OnnxBackend(env, config, cuda);
    }

    /** Opens the backend with the default configuration (CPU). */
    public static OnnxBackend open() {
        return open(OnnxConfig.DEFAULT);
    }

    @Override
    public String id() {
        return OnnxBackendProvider.ID;
    }

    @Override
    public String device() {
        return cudaDevice >= 0 ? "cuda:" + cudaDevice : "cpu";
    }

    @Override
    public TensorFactory tensors() {
        return ArrayTensor.FACTORY;
    }

    @Override
    public Set<Capability> capabilities() {
        return cudaDevice >= 0 ? Set.of(Capability.MODEL_FILES, Capability.GPU) : Set.of(Capability.MODEL_FILES);
    }

    /** The configuration this backend was opened with. */
    public OnnxConfig config() {
        return config;
    }

    /** The ONNX Runtime version in use. */
    public String runtimeVersion() {
        return env.getVersion();
    }

    /**
     * Loads an ONNX model as a noise predictor; {@code spec.options()} are {@link OnnxModelOptions}.
     *
     * @throws OnnxModelException when the file is missing or not ONNX, or the model does not fit the
     *                            options (the message lists its inputs and outputs)
     */
    @Override
    public OnnxNoisePredictor loadPredictor(ModelSpec spec) {
        return new OnnxNoisePredictor(load(spec, ModelBinding.Role.PREDICTOR), spec.predictionType());
    }

    /**
     * Loads an ONNX model whose output is the gradient ∇_{x_t} log p(y | x_t), with the shape of the
     * sample, from inputs (sample, timestep, class labels). A classifier that returns logits is refused
     * with an explanation: ONNX Runtime has no autograd.
     */
    @Override
    public OnnxClassifierGradient loadClassifier(ModelSpec spec) {
        return new OnnxClassifierGradient(load(spec, ModelBinding.Role.CLASSIFIER));
    }

    /** Loads an ε-predicting model from a file with options (a shortcut for {@link #loadPredictor(ModelSpec)}). */
    public OnnxNoisePredictor loadPredictor(java.nio.file.Path file, Map<String, ?> options) {
        return loadPredictor(new ModelSpec(file, org.diffusion4j.api.PredictionType.EPSILON, Map.copyOf(options)));
    }

    /** Loads a classifier gradient from a file with options. */
    public OnnxClassifierGradient loadClassifier(java.nio.file.Path file, Map<String, ?> options) {
        return loadClassifier(new ModelSpec(file, org.diffusion4j.api.PredictionType.EPSILON, Map.copyOf(options)));
    }

    /**
     * Loads an ONNX model that maps images to scores (logits or features), for evaluation. Options:
     * {@code inputs} (constants for every input but the images', for example {@code {"timestep": 0}}),
     * {@code output} (default: the first) and {@code batchSize} (images per run; default: the whole batch).
     * The model's default options of this backend ({@code models}) are not used: they describe noise
     * predictors.
     *
     * @throws OnnxModelException when the file is missing or not ONNX, an option is unknown or wrong, or
     *                            the model's inputs and outputs do not fit the options
     */
    @Override
    public ScoreModel loadScoreModel(ModelSpec spec) {
        synchronized (models) {
            if (closed) {
                throw new IllegalStateException("the onnx backend was closed");
            }
        }
        OnnxScoreModel m;
        try (OrtSession.SessionOptions so = sessionOptions()) {
            m = OnnxScoreModel.open(env, spec, so);
        }
        synchronized (models) {
            if (closed) {
                m.close();
                throw new IllegalStateException("the onnx backend was closed");
            }
            scoreModels.add(m);
        }
        return m;
    }

    private OnnxModel load(ModelSpec spec, ModelBinding.Role role) {
        OnnxModelOptions options;
        try {
            options = OnnxModelOptions.parse(OnnxModelOptions.merge(config.modelDefaults(), spec.options()));
        } catch (IllegalArgumentException e) {
            throw new OnnxModelException("options for " + spec.file() + ": " + e.getMessage(), e);
        }
        synchronized (models) {
            if (closed) {
                throw new IllegalStateException("the onnx backend was closed");
            }
        }
        OnnxModel model;
        try (OrtSession.SessionOptions so = sessionOptions()) {
            model = OnnxModel.open(env, spec.file(), so, options, role);
        }
        synchronized (models) {
            if (closed) {
                model.close();
                throw new IllegalStateException("the onnx backend was closed");
            }
            models.add(model);
        }
        return model;
    }

    private OrtSession.SessionOptions sessionOptions() {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            if (config.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(config.intraOpThreads());
            }
            if (config.interOpThreads() > 0) {
                so.setInterOpNumThreads(config.interOpThreads());
            }
            if (!Boolean.TRUE.equals(config.spinning())) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            so.setOptimizationLevel(
                    switch (config.optimizationLevel()) {
                        case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                        case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                        case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                        case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
                    });
            if (cudaDevice >= 0) {
                so.addCUDA(cudaDevice);
            }
            return so;
        } catch (OrtException e) {
            so.close();
            throw new IllegalStateException(
                    "cannot set the ONNX Runtime session options " + config + ": " + e.getMessage(), e);
        }
    }

    /** Closes every model this backend loaded. */
    @Override
    public void close() {
        List<OnnxModel> toClose;
        List<OnnxScoreModel> scoresToClose;
        synchronized (models) {
            closed = true;
            toClose = new ArrayList<>(models);
            models.clear();
            scoresToClose = new ArrayList<>(scoreModels);
            scoreModels.clear();
        }
        toClose.forEach(OnnxModel::close);
        scoresToClose.forEach(OnnxScoreModel::close);
    }

    @Override
    public String toString() {
        return "OnnxBackend[device=" + device() + ", config=" + config + "]";
    }
}
