package org.diffusion4j.noise.torch;

import java.util.Arrays;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.NoiseStream;
import org.jspecify.annotations.Nullable;

/**
 * A noise source whose seeds come from its configuration instead of the run: a configured {@code seed}
 * makes every run draw its whole batch from one generator seeded with it ({@link #open} and
 * {@link #openPerSample} alike: the run's seeds are replaced, never silently kept); configured
 * {@code sampleSeeds} turn every run into a per-sample run with those seeds, whatever seeds the run
 * gives. The inner source draws.
 */
final class SeedOverride implements NoiseSource {
    private final NoiseSource inner;
    private final @Nullable Long seed;
    private final long @Nullable [] sampleSeeds;

    SeedOverride(NoiseSource inner, @Nullable Long seed, long @Nullable [] sampleSeeds) {
        if (seed != null && sampleSeeds != null) {
            throw new IllegalArgumentException("give either a seed or sampleSeeds, not both");
        }
        this.inner = inner;
        this.seed = seed;
        this.sampleSeeds = sampleSeeds == null ? null : sampleSeeds.clone();
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public NoiseStream open(long runSeed, int batchSize) {
        if (sampleSeeds != null) {
            return inner.openPerSample(checked(batchSize));
        }
        return inner.open(seed != null ? seed : runSeed, batchSize);
    }

    @Override
    public NoiseStream openPerSample(long[] seeds) {
        if (sampleSeeds != null) {
            return inner.openPerSample(checked(seeds.length));
        }
        if (seed != null) {
            return inner.open(seed, seeds.length);
        }
        return inner.openPerSample(seeds);
    }

    private long[] checked(int batchSize) {
        long[] s = sampleSeeds;
        if (s == null) {
            throw new IllegalStateException("no sampleSeeds configured");
        }
        if (s.length != batchSize) {
            throw new IllegalArgumentException(inner.id() + " noise: the configuration gives " + s.length
                    + " sampleSeeds but the run has a batch of " + batchSize + "; give one seed per sample");
        }
        return s;
    }

    @Override
    public String toString() {
        return inner
                + (seed != null ? "[seed=" + Long.toUnsignedString(seed) + "]" : "")
                + (sampleSeeds != null ? "[sampleSeeds=" + Arrays.toString(sampleSeeds) + "]" : "");
    }
}
