package org.diffusion4j.noise.torch;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configuration of the {@code torch-cpu} noise source, for example {@code {"type": "torch-cpu",
 * "seed": 42}}.
 *
 * @param seed        optional: the seed of the one generator that draws the whole batch (diffusers'
 *                    {@code generator=torch.Generator().manual_seed(seed)}); it replaces whatever seed or
 *                    per-sample seeds the run gives; any integer from −2^63 to 2^64 − 1, as
 *                    {@code torch.manual_seed} takes it
 * @param sampleSeeds optional ({@code null} in the constructor, an empty list once built): when given,
 *                    every run uses one generator per sample with these seeds, replacing whatever
 *                    seed or per-sample seeds the run gives; the run's batch size must equal their
 *                    number
 * @param kernel      the PyTorch CPU kernel to reproduce, {@code "avx2"} (default) or {@code "default"}
 * @param generator   optional, says the seeding mode explicitly: {@code "batch"} (needs {@code seed}) or
 *                    {@code "per-sample"} (with {@code sampleSeeds}, or alone: the run's per-sample seeds);
 *                    when absent, {@code seed} means batch and {@code sampleSeeds} per-sample
 */
public record TorchNoiseConfig(
        @JsonDeserialize(using = TorchSeedDeserializer.class) @Nullable
        Long seed,

        @JsonDeserialize(contentUsing = TorchSeedDeserializer.class) @Nullable
        List<Long> sampleSeeds,

        TorchCpuKernel kernel,
        @Nullable TorchGeneratorMode generator) {

    /** No overrides, AVX2 kernel. */
    public static final TorchNoiseConfig DEFAULT = new TorchNoiseConfig(null, null, TorchCpuKernel.AVX2, null);

    /**
     * @throws IllegalArgumentException if both a seed and sample seeds are given, sample seeds are an
     *                                  empty list, or the generator mode contradicts the seeds given
     */
    public TorchNoiseConfig {
        if (sampleSeeds != null && sampleSeeds.isEmpty()) {
            throw new IllegalArgumentException(
                    "sampleSeeds is empty: give one seed per sample, or leave the field out");
        }
        sampleSeeds = sampleSeeds == null ? List.of() : List.copyOf(sampleSeeds);
        kernel = kernel == null ? TorchCpuKernel.AVX2 : kernel;
        if (seed != null && !sampleSeeds.isEmpty()) {
            throw new IllegalArgumentException("give either 'seed' (one generator for the batch) or 'sampleSeeds' "
                    + "(one generator per sample), not both");
        }
        if (generator == TorchGeneratorMode.BATCH && seed == null) {
            throw new IllegalArgumentException(
                    "generator 'batch' draws the whole batch from one generator and needs its"
                            + " 'seed' (torch.Generator().manual_seed(seed)); give seed, or use generator 'per-sample'");
        }
        if (generator == TorchGeneratorMode.PER_SAMPLE && seed != null) {
            throw new IllegalArgumentException(
                    "generator 'per-sample' gives every sample its own generator, but 'seed' seeds"
                            + " one generator for the whole batch; give sampleSeeds (one per sample) or use generator 'batch'");
        }
    }

    /** The configuration of 3 components: the generator mode follows from the seeds. */
    public TorchNoiseConfig(@Nullable Long seed, @Nullable List<Long> sampleSeeds, TorchCpuKernel kernel) {
        this(seed, sampleSeeds, kernel, null);
    }

    /**
     * The seeding mode: the configured one, else {@link TorchGeneratorMode#BATCH} when a seed is given,
     * else {@link TorchGeneratorMode#PER_SAMPLE}.
     */
    public TorchGeneratorMode mode() {
        if (generator != null) {
            return generator;
        }
        return seed != null ? TorchGeneratorMode.BATCH : TorchGeneratorMode.PER_SAMPLE;
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
        return new TorchNoiseConfig(seed, s.isEmpty() ? null : s, Objects.requireNonNull(k, "kernel"), generator);
    }

    /** Whether the seed or the sample seeds replace the run's. */
    public boolean overridesSeeds() {
        return seed != null || !sampleSeeds().isEmpty();
    }
}
