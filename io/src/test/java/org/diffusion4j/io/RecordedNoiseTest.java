package org.diffusion4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.spi.PluginConfigException;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedNoiseTest {
    @TempDir
    Path dir;

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void drawsReplayTheRecordingInOrderAndEveryStreamStartsOver() {
        RecordedNoise noise = RecordedNoise.of(ramp(2 * 3 + 2 * 3 + 2 * 4), "mem");
        NoiseStream s = noise.open(42, 2);
        assertThat(s.next(Shape.of(3))).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(s.next(Shape.of(3))).containsExactly(6, 7, 8, 9, 10, 11);
        assertThat(s.next(Shape.of(2, 2))).containsExactly(12, 13, 14, 15, 16, 17, 18, 19);
        // another seed, or per-sample seeds: the same recording from the start
        assertThat(noise.openPerSample(new long[] {7, 8}).next(Shape.of(3))).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(noise.open(1, 1).next(Shape.of(2))).containsExactly(0, 1);
    }

    @Test
    void runningOutNamesTheDrawAndTheShortfall() {
        RecordedNoise noise = RecordedNoise.of(ramp(10), "noise.npy");
        RecordedNoise.Stream s = noise.open(0, 2);
        s.next(Shape.of(2));
        s.next(Shape.of(2));
        assertThat(s.remaining()).isEqualTo(2);
        assertThatThrownBy(() -> s.next(Shape.of(3)))
                .isInstanceOf(RecordedNoiseExhaustedException.class)
                .hasMessageContaining("noise.npy: needed 4 more values at draw 2")
                .hasMessageContaining("used 8 of the 10 recorded values");
        // the failed draw consumed nothing
        assertThat(s.next(Shape.of(1))).containsExactly(8, 9);
    }

    @Test
    void throughTheRegistryWithAFileRelativeToTheBaseDirectory() throws IOException {
        float[] v = ramp(12);
        Npy.write(
                dir.resolve("z.npy"),
                NdArray.ofDoubles(Arrays.stream(toDoubles(v)).toArray(), 3, 4));
        PluginRegistry reg = PluginRegistry.load();
        assertThat(reg.ids(PluginKind.NOISE)).contains(RecordedNoise.ID);
        RecordedNoiseProvider p = (RecordedNoiseProvider) reg.provider(PluginKind.NOISE, "recorded");
        PluginContext ctx = new PluginContext(reg, Map.of(RecordedNoiseProvider.BASE_DIRECTORY, dir));
        RecordedNoiseConfig cfg = reg.bindConfig(
                p,
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree("{\"type\": \"recorded\", \"file\": \"z.npy\"}"));
        p.check(cfg, ctx);
        NoiseSource src = p.create(cfg, ctx);
        assertThat(src.open(0, 3).next(Shape.of(4))).containsExactly(v);

        assertThatThrownBy(() -> p.check(RecordedNoiseConfig.of("missing.npy"), ctx))
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("missing.npy does not exist");
        assertThatThrownBy(p::defaultConfig)
                .isInstanceOf(PluginConfigException.class)
                .hasMessageContaining("needs a file");
        assertThatThrownBy(() -> new RecordedNoiseConfig("z.npy", "x"))
                .hasMessageContaining("only a .safetensors file");
    }

    @Test
    void aNamedTensorOfASafetensorsFile() throws IOException {
        Safetensors.write(
                dir.resolve("n.safetensors"),
                Map.of("a", NdArray.ofFloats(ramp(2), 2), "b", NdArray.ofFloats(new float[] {5, 6, 7}, 3)),
                Map.of());
        RecordedNoiseProvider p = new RecordedNoiseProvider();
        NoiseSource src = p.create(
                new RecordedNoiseConfig(dir.resolve("n.safetensors").toString(), "b"),
                PluginContext.of(PluginRegistry.load()));
        assertThat(src.open(0, 1).next(Shape.of(3))).containsExactly(5, 6, 7);
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
