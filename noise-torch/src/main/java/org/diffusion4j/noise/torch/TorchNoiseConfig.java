package org.diffusion4j.noise.torch;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configuration of the {@code torch-cpu} noise source, for example {@code {"type": "torch-cpu",
 * "seed": 42}}.
 *
 * @param seed        optional: when present it replaces the run's seed in {@code open(seed, batch)}
 *                    (one generator for the whole batch); any integer from −2^63 to 2^64 − 1, as
 *                    {@code torch.manual_seed} takes it
 * @param sampleSeeds optional ({@code null} in the constructor, an empty list once built): when given,
 *                    every run uses one generator per sample with these seeds, replacing whatever
 *                    seed or per-sample seeds the run gives; the run's batch size must equal their
 *                    number
 * @param kernel      the PyTorch CPU kernel to reproduce, {@code "avx2"} (default) or {@code "default"}
 */
public record TorchNoiseConfig(
        @JsonDeserialize(using = TorchSeedDeserializer.class) @Nullable Long seed,
        @JsonDeserialize(contentUsing = TorchSeedDeserializer.class) @Nullable List<Long> sampleSeeds,
        TorchCpuKernel kernel) {

    /** No overrides, AVX2 kernel. */
    public static final TorchNoiseConfig DEFAULT = new TorchNoiseConfig(null, null, TorchCpuKernel.AVX2);

    /**
     * @throws IllegalArgumentException if both a seed and sample seeds are given, or sample seeds are an
     *                                  empty list
     */
    public TorchNoiseConfig {
        if (sampleSeeds != null && sampleSeeds.isEmpty()) {
            throw new IllegalArgumentException("sampleSeeds is empty: give one seed per sample, or leave the field out");
        }
        sampleSeeds = sampleSeeds == null ? List.of() : List.copyOf(sampleSeeds);
        kernel = kernel == null ? TorchCpuKernel.AVX2 : kernel;
        if (seed != null && !sampleSeeds.isEmpty()) {
            throw new IllegalArgumentException("give either 'seed' (one generator for the batch) or 'sampleSeeds' "
                    + "(one generator per sample), not both");
        }
    }

    /** A configuration that fixes the run's seed. */
    public static TorchNoiseConfig withSeed(long seed) {
        return new TorchNoiseConfig(seed, null, TorchCpuKernel.AVX2);
    }

    /** A configuration that fixes one seed per sample. */
    public static TorchNoiseConfig withSampleSeeds(long... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("sampleSeeds: give at least one seed");
        }
        Long[] boxed = new Long[seeds.length];
        for (int i = 0; i < seeds.length; i++) {
            boxed[i] = seeds[i];
        }
        return new TorchNoiseConfig(null, List.of(boxed), TorchCpuKernel.AVX2);
    }

    /** The per-sample seeds; empty when none are given (never null once built). */
    @Override
    public List<Long> sampleSeeds() {
        // the compact constructor replaces a null list with an empty one
        return Objects.requireNonNull(sampleSeeds, "sampleSeeds");
    }

    /** This configuration with another kernel. */
    public TorchNoiseConfig withKernel(TorchCpuKernel k) {
        List<Long> s = sampleSeeds();
        return new TorchNoiseConfig(seed, s.isEmpty() ? null : s, Objects.requireNonNull(k, "kernel"));
    }

    /** Whether the seed or the sample seeds replace the run's. */
    public boolean overridesSeeds() {
        return seed != null || !sampleSeeds().isEmpty();
    }
}
