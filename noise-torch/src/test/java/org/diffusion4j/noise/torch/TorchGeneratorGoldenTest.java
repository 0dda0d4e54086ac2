package org.diffusion4j.noise.torch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TorchGenerator} against vectors written by PyTorch ({@code tools/torch-noise/make_golden.py}). */
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
        assertThat(failures).as("draws differing from torch %s", golden.torchVersion()).isEmpty();
        assertThat(draws).isGreaterThan(100);
    }
}
