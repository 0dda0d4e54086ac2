package org.diffusion4j.djl.classifier;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The size of a {@link ClassifierNet}; immutable, JSON-bindable, every field optional.
 *
 * @param imageChannels      image channels (1)
 * @param imageSize          height = width (28); divisible by 2^(levels−1)
 * @param numClasses         K (10)
 * @param baseChannels       width of the first level (32)
 * @param channelMultipliers width of level i = base · multiplier i ([1, 2, 2])
 * @param groups             group-norm groups (8)
 * @param timeScale          model time multiplier before the sinusoidal embedding (1)
 */
public record ClassifierConfig(
        @Nullable Integer imageChannels,
        @Nullable Integer imageSize,
        @Nullable Integer numClasses,
        @Nullable Integer baseChannels,
        @Nullable List<Integer> channelMultipliers,
        @Nullable Integer groups,
        @Nullable Double timeScale) {

    private static final int DEFAULT_IMAGE_CHANNELS = 1;
    private static final int DEFAULT_IMAGE_SIZE = 28;
    private static final int DEFAULT_NUM_CLASSES = 10;
    private static final int DEFAULT_BASE_CHANNELS = 32;
    private static final List<Integer> DEFAULT_MULTIPLIERS = List.of(1, 2, 2);
    private static final int DEFAULT_GROUPS = 8;
    private static final double DEFAULT_TIME_SCALE = 1.0;

    public ClassifierConfig {
        imageChannels = imageChannels == null ? DEFAULT_IMAGE_CHANNELS : imageChannels;
        imageSize = imageSize == null ? DEFAULT_IMAGE_SIZE : imageSize;
        numClasses = numClasses == null ? DEFAULT_NUM_CLASSES : numClasses;
        baseChannels = baseChannels == null ? DEFAULT_BASE_CHANNELS : baseChannels;
        channelMultipliers = channelMultipliers == null ? DEFAULT_MULTIPLIERS : List.copyOf(channelMultipliers);
        groups = groups == null ? DEFAULT_GROUPS : groups;
        timeScale = timeScale == null ? DEFAULT_TIME_SCALE : timeScale;
        if (imageChannels <= 0
                || imageSize <= 0
                || numClasses < 2
                || baseChannels <= 0
                || groups <= 0
                || channelMultipliers.isEmpty()
                || !(timeScale > 0)) {
            throw new IllegalArgumentException(
                    "classifier config: need positive sizes, >= 2 classes, at least one level "
                            + "and a positive time scale; got " + this);
        }
        int div = 1 << (channelMultipliers.size() - 1);
        if (imageSize % div != 0) {
            throw new IllegalArgumentException("classifier imageSize " + imageSize + " is not divisible by " + div
                    + " for levels " + channelMultipliers);
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
    public Integer numClasses() {
        return numClasses == null ? DEFAULT_NUM_CLASSES : numClasses;
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
    public Integer groups() {
        return groups == null ? DEFAULT_GROUPS : groups;
    }

    @Override
    public Double timeScale() {
        return timeScale == null ? DEFAULT_TIME_SCALE : timeScale;
    }

    /** The defaults: 28×28×1 images, 10 classes, widths 32/64/64. */
    public static ClassifierConfig defaults() {
        return new ClassifierConfig(null, null, null, null, null, null, null);
    }

    /** This configuration with another class count, image size and channels. */
    public ClassifierConfig with(int channels, int size, int classes) {
        return new ClassifierConfig(channels, size, classes, baseChannels, channelMultipliers, groups, timeScale);
    }

    /** This configuration with another width and level layout. */
    public ClassifierConfig withSize(int base, List<Integer> multipliers) {
        return new ClassifierConfig(imageChannels, imageSize, numClasses, base, multipliers, groups, timeScale);
    }
}
