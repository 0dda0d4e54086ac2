package org.diffusion4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stochastic samplers run on recorded noise reproduce the recorded run bit for bit: a run's draws are
 * written to an {@code .npy} file as another program would, and a second run replays them.
 */
class RecordedNoiseSamplerTest {
    static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();

    @TempDir
    Path dir;

    /** A noise source that passes SdkNoise's draws through and keeps them, in order. */
    static final class Recorder implements NoiseSource {
        final List<float[]> draws = new ArrayList<>();

        @Override
        public String id() {
            return "recorder";
        }

        @Override
        public NoiseStream open(long seed, int batchSize) {
            NoiseStream inner = SdkNoise.INSTANCE.open(seed, batchSize);
            return new NoiseStream() {
                @Override
                public int batchSize() {
                    return batchSize;
                }

                @Override
                public float[] next(Shape sampleShape) {
                    float[] d = inner.next(sampleShape);
                    draws.add(d.clone());
                    return d;
                }
            };
        }

        @Override
        public NoiseStream openPerSample(long[] seeds) {
            throw new UnsupportedOperationException();
        }

        float[] all() {
            int n = draws.stream().mapToInt(d -> d.length).sum();
            float[] out = new float[n];
            int at = 0;
            for (float[] d : draws) {
                System.arraycopy(d, 0, out, at, d.length);
                at += d.length;
            }
            return out;
        }
    }

    private static SampleRequest request(NoiseSource noise) {
        return SampleRequest.builder()
                .predictor(MIX.epsilonPredictor())
                .schedule(Schedules.linear(1000))
                .conditions(Conditions.unconditional(4))
                .sampleShape(2)
                .seed(7)
                .noise(noise)
                .build();
    }

    @Test
    void ddpmAndEulerAncestralReplayTheirRecordedNoise() throws IOException {
        for (Sampler s : List.of(Samplers.ddpm(20), Samplers.eulerAncestral(12))) {
            Recorder rec = new Recorder();
            float[] original = s.sample(request(rec)).toFloatArray();
            assertThat(rec.draws.size())
                    .as("%s draws x_T and per-step noise", s)
                    .isGreaterThan(2);
            Path file = dir.resolve("noise.npy");
            float[] all = rec.all();
            Npy.write(file, NdArray.ofFloats(all, all.length / 8, 4, 2));
            float[] replayed = s.sample(request(RecordedNoise.fromFile(file))).toFloatArray();
            assertThat(replayed).as("%s", s).containsExactly(original);

            // one draw short: the error names the missing draw
            float[] shorter = Arrays.copyOf(all, all.length - 8);
            int lastDraw = rec.draws.size() - 1;
            assertThatThrownBy(() -> s.sample(request(RecordedNoise.of(shorter, "short.npy"))))
                    .isInstanceOf(RecordedNoiseExhaustedException.class)
                    .hasMessageContaining("short.npy: needed 8 more values at draw " + lastDraw);
        }
    }
}
