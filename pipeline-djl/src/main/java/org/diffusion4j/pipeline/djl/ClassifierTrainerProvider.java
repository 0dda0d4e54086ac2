package org.diffusion4j.pipeline.djl;

import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.djl.classifier.ClassifierConfig;
import org.diffusion4j.djl.data.FashionMnist;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.jspecify.annotations.Nullable;

/**
 * Trainer {@code classifier}: trains the DJL backend's {@link org.diffusion4j.djl.classifier.ClassifierModel}
 * with cross-entropy on the built-in shapes or on Fashion-MNIST, on clean images (the judge of sample
 * quality, for class accuracy) or, with {@code "noisy": true}, on forward-process samples x_t at random
 * times of the document's schedule (the classifier of classifier guidance, Dhariwal &amp; Nichol,
 * arXiv 2105.05233, §4), and saves it with {@code ClassifierModel.save} as {@code classifier.ckpt}.
 * The train report's details carry the accuracy on the held-out split (Fashion-MNIST's test split, or
 * a shapes set drawn with another seed) at model time 0:
 * <pre>{@code
 * "trainer": {"type": "classifier", "dataset": "fashion-mnist",
 *             "network": {"baseChannels": 32, "channelMultipliers": [1, 2, 2]},
 *             "batchSize": 64, "learningRate": 0.001}
 * }</pre>
 * The checkpoint is a classifier, not a denoiser: load it with {@code ClassifierModel.load}, as the
 * {@code classifier} of a {@code file} model (classifier guidance, when trained noisy), or in an
 * evaluation. Construction is cheap: the PyTorch engine is started by the first training step only.
 */
public final class ClassifierTrainerProvider implements TrainerProvider<ClassifierTrainerProvider.Config> {

    /** The trainer id. */
    public static final String ID = "classifier";

    /**
     * The {@code trainer} object of a training document; every field is optional.
     *
     * @param dataset      {@code auto} (default: Fashion-MNIST when its files are in {@code dataDir}, else the
     *                     built-in shapes), {@code shapes} or {@code fashion-mnist}
     * @param dataDir      the Fashion-MNIST directory (default {@code /usr/share/datasets/fashion-mnist}); it
     *                     must hold the test split too ({@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte})
     * @param shapesCount  training images of the built-in shapes (default 4096)
     * @param shapesSize   side of the built-in shapes in pixels (default 28)
     * @param limit        train on the first this many images only (default: all)
     * @param testLimit    measure the accuracy on the first this many held-out images (default: all;
     *                     the shapes' held-out set has {@code shapesCount} images)
     * @param noisy        train on x_t = α_t x0 + σ_t ε at times drawn from the schedule (default false: clean)
     * @param network      the classifier's size (defaults: see {@link Network})
     * @param batchSize    images per step (default 64)
     * @param learningRate AdamW learning rate (default 0.001)
     * @param warmupSteps  linear learning-rate warm-up (default 50)
     * @param weightDecay  AdamW weight decay (default 0)
     * @param gradClip     global gradient-norm clip, 0 = off (default 1)
     * @param threads      PyTorch intra-op threads, 0 = PyTorch's choice (default 0)
     * @param device       {@code cpu} (default), {@code gpu}, {@code gpu(i)} or {@code auto}; a missing GPU
     *                     falls back to the CPU
     */
    public record Config(
            @Nullable String dataset,
            @Nullable String dataDir,
            @Nullable Integer shapesCount,
            @Nullable Integer shapesSize,
            @Nullable Integer limit,
            @Nullable Integer testLimit,
            @Nullable Boolean noisy,
            @Nullable Network network,
            @Nullable Integer batchSize,
            @Nullable Double learningRate,
            @Nullable Integer warmupSteps,
            @Nullable Double weightDecay,
            @Nullable Double gradClip,
            @Nullable Integer threads,
            @Nullable String device) {

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

        int testLimitOrDefault() {
            return testLimit == null ? 0 : testLimit;
        }

        boolean noisyOrDefault() {
            return noisy != null && noisy;
        }

        Network networkOrDefault() {
            return network == null ? new Network(null, null, null) : network;
        }

        String deviceOrDefault() {
            return device == null ? "cpu" : device;
        }

        /** The backend trainer's settings with the run's seed (the fields ClassifierTrainer uses). */
        TrainerConfig trainerConfig(long seed) {
            return TrainerConfig.builder()
                    .batchSize(batchSize == null ? 64 : batchSize)
                    .learningRate(learningRate == null ? 1e-3 : learningRate)
                    .warmupSteps(warmupSteps == null ? 50 : warmupSteps)
                    .weightDecay(weightDecay == null ? 0 : weightDecay)
                    .gradClip(gradClip == null ? 1 : gradClip)
                    .threads(threads == null ? 0 : threads)
                    .seed(seed)
                    .build();
        }
    }

    /**
     * The classifier's size; every field optional. The image shape and the number of classes come from
     * the data set.
     *
     * @param baseChannels       width of the first level (default 32)
     * @param channelMultipliers width of each level as a multiple of {@code baseChannels} (default [1, 2, 2]);
     *                           the image side must be divisible by 2^(levels − 1)
     * @param groups             group-norm groups, dividing every width (default 8)
     */
    public record Network(
            @Nullable Integer baseChannels,
            @Nullable List<Integer> channelMultipliers,
            @Nullable Integer groups) {

        /** The classifier for images of {@code channels}×{@code size}×{@code size} with {@code classes} classes. */
        ClassifierConfig classifier(int channels, int size, int classes) {
            ClassifierConfig c =
                    new ClassifierConfig(channels, size, classes, baseChannels, channelMultipliers, groups, null);
            for (int m : c.channelMultipliers()) {
                if (m < 1) {
                    throw new IllegalArgumentException(
                            "channelMultipliers must be >= 1, got " + c.channelMultipliers());
                }
                int width = c.baseChannels() * m;
                if (width % c.groups() != 0) {
                    throw new IllegalArgumentException("groups " + c.groups() + " does not divide the width " + width
                            + " (baseChannels " + c.baseChannels() + " x multiplier " + m + ")");
                }
            }
            return c;
        }
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "the DJL backend's image classifier (clean or noisy), on the built-in shapes or Fashion-MNIST;"
                + " reports its held-out accuracy";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void check(Config c) {
        String dataset = TrainingData.canonical(c.datasetOrDefault());
        if (dataset.equals("fashion-mnist")) {
            List<String> missing = TrainingData.missingFashionFiles(c.dataDirOrDefault(), true);
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
        if (c.testLimit() != null && c.testLimit() < 1) {
            throw new IllegalArgumentException("testLimit must be >= 1 image, got " + c.testLimit());
        }
        try {
            c.trainerConfig(0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // the backend names the field first
        }
        Network n = c.networkOrDefault();
        if (n.channelMultipliers() != null && n.channelMultipliers().contains(null)) {
            throw new IllegalArgumentException("network: channelMultipliers must hold integers, got null at index "
                    + n.channelMultipliers().indexOf(null));
        }
        int size = dataset.equals("shapes") ? c.shapesSizeOrDefault() : 28;
        try {
            n.classifier(1, size, 10);
            if (dataset.equals("auto") && c.shapesSizeOrDefault() != 28) {
                n.classifier(1, c.shapesSizeOrDefault(), 4);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("network: " + e.getMessage(), e);
        }
    }

    @Override
    public Trainer create(Config config) {
        check(config);
        return new ClassifierTrainingRun(config);
    }
}
