package org.diffusion4j.djl.unet;

import java.util.List;
import org.diffusion4j.api.PredictionType;
import org.jspecify.annotations.Nullable;

/**
 * The size and kind of a {@link UNet}; immutable and JSON-bindable (every field optional).
 *
 * @param imageChannels         channels of the image (1 for Fashion-MNIST)
 * @param imageSize             height = width of the image; must be divisible by 2^(levels−1)
 * @param baseChannels          width of the first level
 * @param channelMultipliers    width of level i = baseChannels · multiplier i; one entry per level
 * @param resBlocksPerLevel     residual blocks per level on the way down (one more on the way up)
 * @param attentionResolutions  feature-map sizes at which self-attention blocks are added
 * @param attentionHeads        heads of every attention block
 * @param groups                group-norm groups (must divide every width)
 * @param dropout               dropout rate inside residual blocks while training
 * @param numClasses            number of class labels K (0: unconditional); the class table has K + 1
 *                              rows, row K being the null class ∅ of classifier-free guidance
 * @param timeScale             the model time is multiplied by this before the sinusoidal embedding
 *                              (1 for integer timesteps in [0, T); for example 1000 for u ∈ [0, 1])
 * @param predictionType        what the network is trained to predict
 */
public record UNetConfig(
        @Nullable Integer imageChannels,
        @Nullable Integer imageSize,
        @Nullable Integer baseChannels,
        @Nullable List<Integer> channelMultipliers,
        @Nullable Integer resBlocksPerLevel,
        @Nullable List<Integer> attentionResolutions,
        @Nullable Integer attentionHeads,
        @Nullable Integer groups,
        @Nullable Double dropout,
        @Nullable Integer numClasses,
        @Nullable Double timeScale,
        @Nullable PredictionType predictionType) {

    private static final int DEFAULT_IMAGE_CHANNELS = 1;
    private static final int DEFAULT_IMAGE_SIZE = 28;
    private static final int DEFAULT_BASE_CHANNELS = 32;
    private static final List<Integer> DEFAULT_MULTIPLIERS = List.of(1, 2, 2);
    private static final int DEFAULT_RES_BLOCKS = 2;
    private static final List<Integer> DEFAULT_ATTENTION = List.of(7);
    private static final int DEFAULT_HEADS = 4;
    private static final int DEFAULT_GROUPS = 8;
    private static final double DEFAULT_DROPOUT = 0.1;
    private static final int DEFAULT_NUM_CLASSES = 0;
    private static final double DEFAULT_TIME_SCALE = 1.0;
    private static final PredictionType DEFAULT_PREDICTION = PredictionType.EPSILON;

    public UNetConfig {
        imageChannels = positive(imageChannels, DEFAULT_IMAGE_CHANNELS, "imageChannels");
        imageSize = positive(imageSize, DEFAULT_IMAGE_SIZE, "imageSize");
        baseChannels = positive(baseChannels, DEFAULT_BASE_CHANNELS, "baseChannels");
        channelMultipliers = channelMultipliers == null ? DEFAULT_MULTIPLIERS : List.copyOf(channelMultipliers);
        if (channelMultipliers.isEmpty()) {
            throw new IllegalArgumentException("channelMultipliers needs at least one level");
        }
        for (int m : channelMultipliers) {
            if (m <= 0) {
                throw new IllegalArgumentException("channelMultipliers must be positive, got " + channelMultipliers);
            }
        }
        resBlocksPerLevel = positive(resBlocksPerLevel, DEFAULT_RES_BLOCKS, "resBlocksPerLevel");
        attentionResolutions = attentionResolutions == null ? DEFAULT_ATTENTION : List.copyOf(attentionResolutions);
        attentionHeads = positive(attentionHeads, DEFAULT_HEADS, "attentionHeads");
        groups = positive(groups, DEFAULT_GROUPS, "groups");
        dropout = dropout == null ? DEFAULT_DROPOUT : dropout;
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        numClasses = numClasses == null ? DEFAULT_NUM_CLASSES : numClasses;
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0 (0: unconditional), got " + numClasses);
        }
        timeScale = timeScale == null ? DEFAULT_TIME_SCALE : timeScale;
        if (!(timeScale > 0) || timeScale.isInfinite()) {
            throw new IllegalArgumentException("timeScale must be positive and finite, got " + timeScale);
        }
        predictionType = predictionType == null ? DEFAULT_PREDICTION : predictionType;
        int levels = channelMultipliers.size();
        int div = 1 << (levels - 1);
        if (imageSize % div != 0) {
            throw new IllegalArgumentException("imageSize " + imageSize + " is not divisible by 2^(levels-1) = " + div
                    + " for " + levels + " levels " + channelMultipliers + "; use fewer levels or another size");
        }
        for (int m : channelMultipliers) {
            if ((baseChannels * m) % Math.min(groups, baseChannels * m) != 0) {
                throw new IllegalArgumentException("groups " + groups + " do not divide width " + baseChannels * m);
            }
        }
    }

    // The accessors below never return null: a component left out takes its default
    // (the compact constructor stores the same default; these only spell that out for the nullness checker).

    @Override
    public Integer imageChannels() {
        return imageChannels == null ? DEFAULT_IMAGE_CHANNELS : imageChannels;
    }

    @Override
    public Integer imageSize() {
        return imageSize == null ? DEFAULT_IMAGE_SIZE : imageSize;
    }

    @Override
    public Integer baseChannels() {
        return baseChannels == null ? DEFAULT_BASE_CHANNELS : baseChannels;
    }

    @Override
    public List<Integer> channelMultipliers() {
        return channelMultipliers == null ? DEFAULT_MULTIPLIERS : channelMultipliers;
    }

    @Override
    public Integer resBlocksPerLevel() {
        return resBlocksPerLevel == null ? DEFAULT_RES_BLOCKS : resBlocksPerLevel;
    }

    @Override
    public List<Integer> attentionResolutions() {
        return attentionResolutions == null ? DEFAULT_ATTENTION : attentionResolutions;
    }

    @Override
    public Integer attentionHeads() {
        return attentionHeads == null ? DEFAULT_HEADS : attentionHeads;
    }

    @Override
    public Integer groups() {
        return groups == null ? DEFAULT_GROUPS : groups;
    }

    @Override
    public Double dropout() {
        return dropout == null ? DEFAULT_DROPOUT : dropout;
    }

    @Override
    public Integer numClasses() {
        return numClasses == null ? DEFAULT_NUM_CLASSES : numClasses;
    }

    @Override
    public Double timeScale() {
        return timeScale == null ? DEFAULT_TIME_SCALE : timeScale;
    }

    @Override
    public PredictionType predictionType() {
        return predictionType == null ? DEFAULT_PREDICTION : predictionType;
    }

    private static int positive(@Nullable Integer v, int dflt, String name) {
        int x = v == null ? dflt : v;
        if (x <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + x);
        }
        return x;
    }

    /** The defaults: a 28×28×1 unconditional ε-UNet, widths 32/64/64, 2 blocks per level, attention at 7×7. */
    public static UNetConfig defaults() {
        return new UNetConfig(null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** This configuration with {@code k} classes (plus the null class). */
    public UNetConfig withClasses(int k) {
        return new UNetConfig(
                imageChannels,
                imageSize,
                baseChannels,
                channelMultipliers,
                resBlocksPerLevel,
                attentionResolutions,
                attentionHeads,
                groups,
                dropout,
                k,
                timeScale,
                predictionType);
    }

    /** This configuration with another width, level layout and block count. */
    public UNetConfig withSize(int base, List<Integer> multipliers, int resBlocks, List<Integer> attention) {
        return new UNetConfig(
                imageChannels,
                imageSize,
                base,
                multipliers,
                resBlocks,
                attention,
                attentionHeads,
                groups,
                dropout,
                numClasses,
                timeScale,
                predictionType);
    }

    /** This configuration with another dropout rate. */
    public UNetConfig withDropout(double rate) {
        return new UNetConfig(
                imageChannels,
                imageSize,
                baseChannels,
                channelMultipliers,
                resBlocksPerLevel,
                attentionResolutions,
                attentionHeads,
                groups,
                rate,
                numClasses,
                timeScale,
                predictionType);
    }

    /** This configuration for another image size and channel count. */
    public UNetConfig withImage(int channels, int size) {
        return new UNetConfig(
                channels,
                size,
                baseChannels,
                channelMultipliers,
                resBlocksPerLevel,
                attentionResolutions,
                attentionHeads,
                groups,
                dropout,
                numClasses,
                timeScale,
                predictionType);
    }

    /** This configuration with another time scale. */
    public UNetConfig withTimeScale(double scale) {
        return new UNetConfig(
                imageChannels,
                imageSize,
                baseChannels,
                channelMultipliers,
                resBlocksPerLevel,
                attentionResolutions,
                attentionHeads,
                groups,
                dropout,
                numClasses,
                scale,
                predictionType);
    }

    /** This configuration predicting {@code type}. */
    public UNetConfig withPredictionType(PredictionType type) {
        return new UNetConfig(
                imageChannels,
                imageSize,
                baseChannels,
                channelMultipliers,
                resBlocksPerLevel,
                attentionResolutions,
                attentionHeads,
                groups,
                dropout,
                numClasses,
                timeScale,
                type);
    }

    /** Width of the time/class embedding: 4 · baseChannels. */
    public int embeddingDim() {
        return 4 * baseChannels();
    }

    /** True when the network takes class labels. */
    public boolean conditional() {
        return numClasses() > 0;
    }
}
