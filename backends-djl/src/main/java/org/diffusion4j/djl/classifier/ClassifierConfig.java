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
public record ClassifierConfig(@Nullable Integer imageChannels, @Nullable Integer imageSize, @Nullable Integer numClasses,
                               @Nullable Integer baseChannels, @Nullable List<Integer> channelMultipliers,
                               @Nullable Integer groups, @Nullable Double timeScale) {

    public ClassifierConfig {
        imageChannels = imageChannels == null ? 1 : imageChannels;
        imageSize = imageSize == null ? 28 : imageSize;
        numClasses = numClasses == null ? 10 : numClasses;
        baseChannels = baseChannels == null ? 32 : baseChannels;
        channelMultipliers = channelMultipliers == null ? List.of(1, 2, 2) : List.copyOf(channelMultipliers);
        groups = groups == null ? 8 : groups;
        timeScale = timeScale == null ? 1.0 : timeScale;
        if (imageChannels <= 0 || imageSize <= 0 || numClasses < 2 || baseChannels <= 0 || groups <= 0
                || channelMultipliers.isEmpty() || !(timeScale > 0)) {
            throw new IllegalArgumentException("classifier config: need positive sizes, >= 2 classes, at least one level "
                    + "and a positive time scale; got " + this);
        }
        int div = 1 << (channelMultipliers.size() - 1);
        if (imageSize % div != 0) {
            throw new IllegalArgumentException("classifier imageSize " + imageSize + " is not divisible by " + div
                    + " for levels " + channelMultipliers);
        }
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
