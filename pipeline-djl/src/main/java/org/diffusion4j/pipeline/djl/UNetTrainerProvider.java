package org.diffusion4j.pipeline.djl;

import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.djl.data.FashionMnist;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.jspecify.annotations.Nullable;

/**
 * Trainer {@code unet}: trains the DJL backend's Java UNet as a class-conditional denoiser
 * (classifier-free training: labels dropped to ∅ with probability {@code pUncond}) on the built-in
 * shapes or on Fashion-MNIST, and hands back a {@code file} model object that the {@code djl} backend
 * loads (the checkpoint's EMA weights):
 * <pre>{@code
 * "trainer": {"type": "unet", "dataset": "auto", "network": {"baseChannels": 16, "channelMultipliers": [1, 2]},
 *             "batchSize": 32, "learningRate": 0.002}
 * }</pre>
 * Construction is cheap: the PyTorch engine is started by the first training step only.
 */
public final class UNetTrainerProvider implements TrainerProvider<UNetTrainerProvider.Config> {

    /** The trainer id. */
    public static final String ID = "unet";

    /**
     * The {@code trainer} object of a training document; every field is optional.
     *
     * @param dataset      {@code auto} (default: Fashion-MNIST when its training files are in {@code dataDir},
     *                     else the built-in shapes), {@code shapes} or {@code fashion-mnist} (an error naming
     *                     the expected files when they are missing)
     * @param dataDir      the Fashion-MNIST directory (default {@code /usr/share/datasets/fashion-mnist});
     *                     a relative name is resolved against the working directory
     * @param shapesCount  images in the built-in shapes set (default 4096)
     * @param shapesSize   side of the built-in shapes in pixels (default 28; Fashion-MNIST is always 28)
     * @param limit        train on the first this many images only (default: all)
     * @param network      the UNet's size (defaults: see {@link Network})
     * @param batchSize    images per step (default 32)
     * @param learningRate AdamW learning rate (default 0.002)
     * @param warmupSteps  linear learning-rate warm-up (default 50)
     * @param learningRateDecay {@code none} (default: constant after the warm-up) or {@code cosine} (from the
     *                     learning rate at the end of the warm-up to 0 at the document's last step, SGDR,
     *                     arXiv 1608.03983, eq. 5)
     * @param weightDecay  AdamW weight decay (default 0)
     * @param gradClip     global gradient-norm clip, 0 = off (default 1)
     * @param emaDecay     EMA decay of the sampled weights (default 0.995)
     * @param pUncond      probability of training a label as ∅ (default 0.1)
     * @param minSnrGamma  min-SNR-γ loss weighting, 0 = off (default 0)
     * @param threads      PyTorch intra-op threads, 0 = PyTorch's choice (default 0)
     * @param device       {@code cpu} (default), {@code gpu}, {@code gpu(i)} or {@code auto}; a missing GPU
     *                     falls back to the CPU
     * @param weights      the weights the sampling document loads: {@code ema} (default) or {@code raw}
     */
    public record Config(
            @Nullable String dataset,
            @Nullable String dataDir,
            @Nullable Integer shapesCount,
            @Nullable Integer shapesSize,
            @Nullable Integer limit,
            @Nullable Network network,
            @Nullable Integer batchSize,
            @Nullable Double learningRate,
            @Nullable Integer warmupSteps,
            @Nullable String learningRateDecay,
            @Nullable Double weightDecay,
            @Nullable Double gradClip,
            @Nullable Double emaDecay,
            @Nullable Double pUncond,
            @Nullable Double minSnrGamma,
            @Nullable Integer threads,
            @Nullable String device,
            @Nullable String weights) {

        String datasetOrDefault() {
            return dataset == null ? "auto" : dataset;
        }

        Path dataDirOrDefault() {
            return dataDir == null ? FashionMnist.DEFAULT_DIR : Path.of(dataDir);
        }

        int shapesCountOrDefault() {
            return shapesCount == null ? 4096 : shapesCount;
        }

        int shapesSizeOrDefault() {
            return shapesSize == null ? 28 : shapesSize;
        }

        int limitOrDefault() {
            return limit == null ? 0 : limit;
        }

        Network networkOrDefault() {
            return network == null ? new Network(null, null, null, null, null, null, null, null, null) : network;
        }

        String deviceOrDefault() {
            return device == null ? "cpu" : device;
        }

        String weightsOrDefault() {
            return weights == null ? "ema" : weights;
        }

        String learningRateDecayOrDefault() {
            return learningRateDecay == null ? "none" : learningRateDecay;
        }

        /** The backend trainer's settings with the run's seed, for a run of {@code steps} steps. */
        TrainerConfig trainerConfig(long seed, long steps) {
            return TrainerConfig.builder()
                    .decaySteps(learningRateDecayOrDefault().equals("cosine") ? Math.toIntExact(steps) : 0)
                    .batchSize(batchSize == null ? 32 : batchSize)
                    .learningRate(learningRate == null ? 2e-3 : learningRate)
                    .warmupSteps(warmupSteps == null ? 50 : warmupSteps)
                    .weightDecay(weightDecay == null ? 0 : weightDecay)
                    .gradClip(gradClip == null ? 1 : gradClip)
                    .emaDecay(emaDecay == null ? 0.995 : emaDecay)
                    .pUncond(pUncond == null ? 0.1 : pUncond)
                    .minSnrGamma(minSnrGamma == null ? 0 : minSnrGamma)
                    .threads(threads == null ? 0 : threads)
                    .seed(seed)
                    .build();
        }
    }

    /**
     * The UNet's size; every field optional. The image shape and the number of classes come from the
     * data set.
     *
     * @param baseChannels         width of the first level (default 16)
     * @param channelMultipliers   width of each level as a multiple of {@code baseChannels} (default [1, 2]);
     *                             the image side must be divisible by 2^(levels − 1)
     * @param resBlocksPerLevel    residual blocks per level (default 1)
     * @param attentionResolutions feature-map sides with self-attention (default none)
     * @param attentionHeads       heads per attention block (default 2)
     * @param groups               group-norm groups, dividing every width (default 8)
     * @param dropout              dropout in the residual blocks (default 0)
     * @param predictionType       {@code epsilon} (default), {@code sample} or {@code v_prediction}
     * @param timeScale            factor on the model time before the embedding (default 1)
     */
    public record Network(
            @Nullable Integer baseChannels,
            @Nullable List<Integer> channelMultipliers,
            @Nullable Integer resBlocksPerLevel,
            @Nullable List<Integer> attentionResolutions,
            @Nullable Integer attentionHeads,
            @Nullable Integer groups,
            @Nullable Double dropout,
            @Nullable String predictionType,
            @Nullable Double timeScale) {

        /** The UNet for images of {@code channels}×{@code size}×{@code size} with {@code classes} classes. */
        UNetConfig unet(int channels, int size, int classes) {
            return new UNetConfig(
                    channels,
                    size,
                    baseChannels == null ? 16 : baseChannels,
                    channelMultipliers == null ? List.of(1, 2) : channelMultipliers,
                    resBlocksPerLevel == null ? 1 : resBlocksPerLevel,
                    attentionResolutions == null ? List.of() : attentionResolutions,
                    attentionHeads == null ? 2 : attentionHeads,
                    groups == null ? 8 : groups,
                    dropout == null ? 0.0 : dropout,
                    classes,
                    timeScale,
                    predictionType == null ? PredictionType.EPSILON : PredictionType.parse(predictionType));
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "the DJL backend's Java UNet, class-conditional (classifier-free), on the built-in shapes or Fashion-MNIST";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void check(Config c) {
        String dataset = TrainingData.canonical(c.datasetOrDefault());
        if (dataset.equals("fashion-mnist")) {
            List<String> missing = TrainingData.missingFashionFiles(c.dataDirOrDefault());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(TrainingData.missingMessage(c.dataDirOrDefault(), missing));
            }
        }
        if (c.shapesCount() != null && c.shapesCount() < 1) {
            throw new IllegalArgumentException("shapesCount must be >= 1, got " + c.shapesCount());
        }
        if (c.shapesSize() != null && c.shapesSize() < 8) {
            throw new IllegalArgumentException("shapesSize must be >= 8 pixels, got " + c.shapesSize());
        }
        if (c.limit() != null && c.limit() < 1) {
            throw new IllegalArgumentException("limit must be >= 1 image, got " + c.limit());
        }
        if (!c.learningRateDecayOrDefault().equals("none")
                && !c.learningRateDecayOrDefault().equals("cosine")) {
            throw new IllegalArgumentException(
                    "learningRateDecay must be 'none' or 'cosine', got '" + c.learningRateDecay() + "'");
        }
        if (!c.weightsOrDefault().equals("ema") && !c.weightsOrDefault().equals("raw")) {
            throw new IllegalArgumentException("weights must be 'ema' or 'raw', got '" + c.weights() + "'");
        }
        try {
            c.trainerConfig(0, 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // the backend names the field first
        }
        // the network for the largest data set it may meet: 28×28 (Fashion-MNIST) or the shapes' size
        int size = dataset.equals("shapes") ? c.shapesSizeOrDefault() : 28;
        noNullElement("channelMultipliers", c.networkOrDefault().channelMultipliers());
        noNullElement("attentionResolutions", c.networkOrDefault().attentionResolutions());
        try {
            c.networkOrDefault().unet(1, size, 10);
            if (dataset.equals("auto") && c.shapesSizeOrDefault() != 28) {
                c.networkOrDefault().unet(1, c.shapesSizeOrDefault(), 4);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("network: " + e.getMessage(), e);
        }
    }

    private static void noNullElement(String field, @Nullable List<Integer> values) {
        if (values != null && values.contains(null)) {
            throw new IllegalArgumentException(
                    "network: " + field + " must hold integers, got null at index " + values.indexOf(null));
        }
    }

    @Override
    public Trainer create(Config config) {
        check(config);
        return new UNetTrainingRun(config);
    }
}
