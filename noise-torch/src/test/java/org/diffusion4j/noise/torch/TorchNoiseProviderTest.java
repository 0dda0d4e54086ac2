package org.diffusion4j.noise.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.spi.PluginConfigException;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The {@code torch-cpu} plugin found through ServiceLoader and configured from strict JSON. */
class TorchNoiseProviderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PluginRegistry REGISTRY = PluginRegistry.load();

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static NoiseSource noise(String config) {
        return REGISTRY.noise("torch-cpu", json(config));
    }

    @Test
    void registeredUnderIdAndAliases() {
        assertThat(REGISTRY.ids(PluginKind.NOISE)).contains("torch-cpu", "sdk");
        assertThat(REGISTRY.provider(PluginKind.NOISE, "torch")).isInstanceOf(TorchNoiseProvider.class);
        assertThat(REGISTRY.provider(PluginKind.NOISE, "PyTorch")).isInstanceOf(TorchNoiseProvider.class);
        assertThat(REGISTRY.noise("torch-cpu")).isSameAs(TorchNoise.avx2());
        assertThat(REGISTRY.noise("torch").id()).isEqualTo("torch-cpu");
    }

    @Test
    void seedFromJsonReplacesTheRunSeed() {
        NoiseSource source = noise("{\"type\": \"torch-cpu\", \"seed\": 42}");
        assertThat(source.id()).isEqualTo("torch-cpu");
        float[] expected = TorchGenerator.manualSeed(42).randn(2, 4, 8, 8);
        // whatever seed the run passes, the configured one is used
        assertThat(source.open(7, 2).next(Shape.of(4, 8, 8))).isEqualTo(expected);
        assertThat(source.open(-99, 2).next(Shape.of(4, 8, 8))).isEqualTo(expected);
        // and it is torch's: the golden value of torch.randn(5) for seed 42
        float[] golden = GoldenVectors.load("avx2").cases().stream()
                .filter(c -> c.name().equals("single seed=42 n=5"))
                .findFirst()
                .orElseThrow()
                .draws()
                .get(0)
                .values();
        assertThat(source.open(0, 5).next(Shape.of())).isEqualTo(golden);
    }

    @Test
    void seedDrawsTheWholeBatchFromOneGeneratorEvenWhenTheRunGivesPerSampleSeeds() {
        // diffusers with one generator: g = manual_seed(42); x_T = randn([3, 2, 5, 5], g); the next draw continues g
        TorchGenerator g = TorchGenerator.manualSeed(42);
        float[] xT = g.randn(3 * 50);
        float[] step1 = g.randn(3 * 50);
        for (String config : new String[] {"{\"seed\": 42}", "{\"seed\": 42, \"generator\": \"batch\"}"}) {
            NoiseStream s = noise(config).openPerSample(new long[] {7, 8, 9});
            assertThat(s.batchSize()).isEqualTo(3);
            assertThat(s.next(Shape.of(2, 5, 5))).isEqualTo(xT);
            assertThat(s.next(Shape.of(2, 5, 5))).isEqualTo(step1);
        }
    }

    @Test
    void perSampleGeneratorWithoutSeedsKeepsTheRunsPerSampleSeeds() {
        NoiseStream s = noise("{\"generator\": \"per-sample\"}").openPerSample(new long[] {5, 6});
        NoiseStream e = TorchNoise.avx2().openPerSample(new long[] {5, 6});
        assertThat(s.next(Shape.of(30))).isEqualTo(e.next(Shape.of(30)));
        NoiseStream listed = noise("{\"generator\": \"per-sample\", \"sampleSeeds\": [1, 2]}")
                .openPerSample(new long[] {5, 6});
        assertThat(listed.next(Shape.of(30)))
                .isEqualTo(TorchNoise.avx2().openPerSample(new long[] {1, 2}).next(Shape.of(30)));
    }

    @Test
    void generatorModeContradictingTheSeedsIsAnError() {
        assertThatThrownBy(() -> noise("{\"generator\": \"batch\"}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("needs its 'seed'");
        assertThatThrownBy(() -> noise("{\"generator\": \"per-sample\", \"seed\": 3}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("give sampleSeeds");
        assertThatThrownBy(() -> noise("{\"generator\": \"batch\", \"seed\": 3, \"sampleSeeds\": [1]}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> noise("{\"generator\": \"each\"}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("/generator")
                .hasMessageContaining("per-sample");
        assertThat(TorchNoiseConfig.withSeed(1).mode()).isEqualTo(TorchGeneratorMode.BATCH);
        assertThat(TorchNoiseConfig.withSampleSeeds(1).mode()).isEqualTo(TorchGeneratorMode.PER_SAMPLE);
        assertThat(TorchNoiseConfig.DEFAULT.mode()).isEqualTo(TorchGeneratorMode.PER_SAMPLE);
    }

    @Test
    void withoutSeedTheRunSeedIsUsed() {
        NoiseSource source = noise("{\"type\": \"torch-cpu\"}");
        assertThat(source.open(3, 1).next(Shape.of(20)))
                .isEqualTo(TorchGenerator.manualSeed(3).randn(20));
        assertThat(noise("{}").open(3, 1).next(Shape.of(20)))
                .isEqualTo(TorchGenerator.manualSeed(3).randn(20));
    }

    @Test
    void unsignedAndNegativeSeedsBindToTheSame64Bits() {
        float[] a = noise("{\"seed\": 18446744073709551615}").open(0, 1).next(Shape.of(17));
        float[] b = noise("{\"seed\": -1}").open(0, 1).next(Shape.of(17));
        assertThat(a).isEqualTo(b).isEqualTo(TorchGenerator.manualSeed(-1L).randn(17));
    }

    @Test
    void sampleSeedsMakeEveryRunPerSample() {
        NoiseSource source = noise("{\"type\": \"torch-cpu\", \"sampleSeeds\": [42, 43, 4294967301]}");
        NoiseSource plain = TorchNoise.avx2();
        long[] seeds = {42, 43, (1L << 32) + 5};
        NoiseStream fromRunSeed = source.open(1234, 3);
        NoiseStream fromRunSamples = source.openPerSample(new long[] {1, 2, 3});
        NoiseStream expected = plain.openPerSample(seeds);
        for (int step = 0; step < 3; step++) {
            float[] e = expected.next(Shape.of(4, 8, 8));
            assertThat(fromRunSeed.next(Shape.of(4, 8, 8))).isEqualTo(e);
            assertThat(fromRunSamples.next(Shape.of(4, 8, 8))).isEqualTo(e);
        }
    }

    @Test
    void sampleSeedsMustMatchTheBatch() {
        NoiseSource source = noise("{\"sampleSeeds\": [1, 2]}");
        assertThatThrownBy(() -> source.open(0, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 sampleSeeds")
                .hasMessageContaining("batch of 3");
        assertThatThrownBy(() -> source.openPerSample(new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch of 1");
    }

    @Test
    void kernelIsSelectable() {
        NoiseSource source = noise("{\"kernel\": \"default\", \"seed\": 5}");
        assertThat(source.open(0, 1).next(Shape.of(64)))
                .isEqualTo(TorchGenerator.manualSeed(5, TorchCpuKernel.DEFAULT).randn(64))
                .isNotEqualTo(TorchGenerator.manualSeed(5, TorchCpuKernel.AVX2).randn(64));
        assertThat(noise("{\"kernel\": \"AVX2\"}")).isSameAs(TorchNoise.avx2());
    }

    @Test
    void unknownFieldFailsNamingTheAllowedOnes() {
        assertThatThrownBy(() -> noise("{\"type\": \"torch-cpu\", \"sed\": 42}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("unknown field 'sed'")
                .hasMessageContaining("seed")
                .hasMessageContaining("sampleSeeds")
                .hasMessageContaining("kernel")
                .satisfies(e -> assertThat(((PluginConfigException) e).path()).isEqualTo("/sed"));
    }

    @Test
    void badValuesFailWithTheirPath() {
        assertThatThrownBy(() -> noise("{\"seed\": \"42\"}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("/seed")
                .hasMessageContaining("integer");
        assertThatThrownBy(() -> noise("{\"seed\": 18446744073709551616}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("/seed")
                .hasMessageContaining("2^64 - 1");
        assertThatThrownBy(() -> noise("{\"seed\": -9223372036854775809}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("/seed");
        assertThatThrownBy(() -> noise("{\"sampleSeeds\": [1, \"x\"]}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("/sampleSeeds/1");
        assertThatThrownBy(() -> noise("{\"kernel\": \"avx512\"}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("/kernel")
                .hasMessageContaining("avx2")
                .hasMessageContaining("default");
        assertThatThrownBy(() -> noise("{\"sampleSeeds\": []}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("sampleSeeds is empty");
        assertThatThrownBy(() -> noise("{\"seed\": 1, \"sampleSeeds\": [1]}"))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("not both");
    }

    @Test
    void configRecordFactories() {
        assertThat(TorchNoiseConfig.withSeed(42).overridesSeeds()).isTrue();
        assertThat(TorchNoiseConfig.DEFAULT.overridesSeeds()).isFalse();
        assertThat(TorchNoiseConfig.withSampleSeeds(1, 2).sampleSeeds()).containsExactly(1L, 2L);
        assertThat(TorchNoiseConfig.DEFAULT.withKernel(TorchCpuKernel.DEFAULT).kernel())
                .isEqualTo(TorchCpuKernel.DEFAULT);
        assertThat(TorchNoiseConfig.withSampleSeeds(3)
                        .withKernel(TorchCpuKernel.DEFAULT)
                        .sampleSeeds())
                .containsExactly(3L);
        assertThat(TorchNoiseConfig.DEFAULT.sampleSeeds()).isEmpty();
        assertThatThrownBy(TorchNoiseConfig::withSampleSeeds).isInstanceOf(IllegalArgumentException.class);
    }
}
