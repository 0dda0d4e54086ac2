package org.diffusion4j.noise.torch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link TorchGenerator} and {@link TorchNoise} against vectors written by PyTorch itself
 * ({@code tools/torch-noise/make_golden.py}, {@code golden.json}): every value must have the same bits.
 * Seeds 0, 1, 5, 42, 12345, 2^32+5, 2^63-1, 2^64-1, 0xDEADBEEFCAFEBABE, -1, -7; sizes below 16, 16, not a
 * multiple of 16, and beyond 100 000; consecutive draws mixing small and large sizes; per-sample
 * generators as diffusers uses them.
 */
class TorchGeneratorGoldenTest {

    @Test
    void avx2KernelMatchesTorchBitForBit() {
        assertDrawsMatch("avx2", "AVX2", TorchCpuKernel.AVX2);
    }

    @Test
    void defaultKernelMatchesTorchBitForBit() {
        assertDrawsMatch("default", "NO AVX", TorchCpuKernel.DEFAULT);
    }

    private static void assertDrawsMatch(String name, String capability, TorchCpuKernel kernel) {
        GoldenVectors.Kernel golden = GoldenVectors.load(name);
        assertThat(golden.capability()).isEqualTo(capability);
        List<String> failures = new ArrayList<>();
        int draws = 0;
        for (GoldenVectors.Case c : golden.cases()) {
            if (c.perSample()) {
                continue;
            }
            TorchGenerator g = TorchGenerator.manualSeed(c.seeds().get(0), kernel);
            for (int d = 0; d < c.draws().size(); d++) {
                GoldenVectors.Draw expected = c.draws().get(d);
                String diff = GoldenVectors.compare(expected, g.randn(expected.shape()));
                draws++;
                if (!diff.isEmpty()) {
                    failures.add(c.name() + " draw " + d + ": " + diff);
                }
            }
        }
        assertThat(failures)
                .as("draws differing from torch %s", golden.torchVersion())
                .isEmpty();
        assertThat(draws).isGreaterThan(100);
    }

    @ParameterizedTest
    @CsvSource({"avx2, AVX2", "default, DEFAULT"})
    void perSampleGeneratorsMatchDiffusersRandnTensor(String name, TorchCpuKernel kernel) {
        GoldenVectors.Kernel golden = GoldenVectors.load(name);
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (GoldenVectors.Case c : golden.cases()) {
            if (!c.perSample()) {
                continue;
            }
            cases++;
            long[] seeds = c.seeds().stream().mapToLong(Long::longValue).toArray();
            NoiseStream stream = TorchNoise.of(kernel).openPerSample(seeds);
            assertThat(stream.batchSize()).isEqualTo(seeds.length);
            for (int d = 0; d < c.draws().size(); d++) {
                String diff = GoldenVectors.compare(c.draws().get(d), stream.next(Shape.of(c.sampleShape())));
                if (!diff.isEmpty()) {
                    failures.add(c.name() + " step " + d + ": " + diff);
                }
            }
        }
        assertThat(cases).isEqualTo(3);
        assertThat(failures).isEmpty();
    }

    /** A sequence of [B, ...] draws from one generator is what open(seed, B) streams. */
    @ParameterizedTest
    @CsvSource({"avx2, AVX2", "default, DEFAULT"})
    void batchStreamsMatchOneGeneratorDrawingWholeBatches(String name, TorchCpuKernel kernel) {
        GoldenVectors.Kernel golden = GoldenVectors.load(name);
        List<String> failures = new ArrayList<>();
        int draws = 0;
        for (GoldenVectors.Case c : golden.cases()) {
            if (c.perSample() || !sameBatch(c.draws())) {
                continue;
            }
            int[] first = c.draws().get(0).shape();
            NoiseStream stream = TorchNoise.of(kernel).open(c.seeds().get(0), first[0]);
            for (int d = 0; d < c.draws().size(); d++) {
                int[] shape = c.draws().get(d).shape();
                String diff = GoldenVectors.compare(
                        c.draws().get(d), stream.next(Shape.of(Arrays.copyOfRange(shape, 1, shape.length))));
                draws++;
                if (!diff.isEmpty()) {
                    failures.add(c.name() + " draw " + d + ": " + diff);
                }
            }
        }
        assertThat(draws).isGreaterThan(100);
        assertThat(failures).isEmpty();
    }

    private static boolean sameBatch(List<GoldenVectors.Draw> draws) {
        int b = -1;
        for (GoldenVectors.Draw d : draws) {
            if (d.shape().length == 0 || (b >= 0 && d.shape()[0] != b)) {
                return false;
            }
            b = d.shape()[0];
        }
        return true;
    }

    @Test
    void goldenFileCoversTheRequiredCases() {
        GoldenVectors.Kernel golden = GoldenVectors.load("avx2");
        List<Long> seeds = golden.cases().stream()
                .flatMap(c -> c.seeds().stream())
                .distinct()
                .toList();
        assertThat(seeds).contains(0L, 1L, 42L, (1L << 32) + 5, Long.MAX_VALUE, -1L, 0xDEADBEEFCAFEBABEL);
        List<Integer> sizes = golden.cases().stream()
                .flatMap(c -> c.draws().stream())
                .map(GoldenVectors.Draw::n)
                .distinct()
                .toList();
        assertThat(sizes).contains(1, 5, 15, 16, 17, 33, 100, 131071, 102400);
    }
}
