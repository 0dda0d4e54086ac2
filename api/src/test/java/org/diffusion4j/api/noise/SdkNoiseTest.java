package org.diffusion4j.api.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;

class SdkNoiseTest {

    @Test
    void splitMixOutputFunctionMatchesItsPublishedReferenceValue() {
        // SplitMix64 started at 0: first output 0xE220A8397B1DCDAF (Steele, Lea & Flood; Vigna's splitmix64.c)
        assertThat(SdkNoise.mix64(0x9E3779B97F4A7C15L)).isEqualTo(0xE220A8397B1DCDAFL);
    }

    @Test
    void drawsAreStandardNormal() {
        NoiseStream s = SdkNoise.INSTANCE.open(42, 4);
        int n = 4 * 50000;
        float[] z = s.next(Shape.of(50000));
        assertThat(z).hasSize(n);
        double m1 = 0;
        double m2 = 0;
        double m3 = 0;
        double m4 = 0;
        int within1 = 0;
        for (float v : z) {
            m1 += v;
            m2 += v * v;
            m3 += v * v * v;
            m4 += (double) v * v * v * v;
            within1 += Math.abs(v) < 1 ? 1 : 0;
        }
        m1 /= n;
        m2 /= n;
        m3 /= n;
        m4 /= n;
        // 4.5 standard errors of each sample moment (SE of the k-th moment: sqrt(Var Z^k / n); Var Z² = 2,
        // Var Z³ = 15, Var Z⁴ = 96): a false failure has probability P(|N(0,1)| > 4.5) ≈ 6.8e-6 per check
        // for a seed chosen at random (the seed is fixed, so the outcome is too). The float32 products v·v,
        // v·v·v round to relative u = 2^-24 (≈ 1e-7 bias at most), negligible against SEs ≥ 0.01.
        assertThat(m1).isCloseTo(0, offset(4.5 / Math.sqrt(n)));
        assertThat(m2).isCloseTo(1, offset(4.5 * Math.sqrt(2.0 / n)));
        assertThat(m3).isCloseTo(0, offset(4.5 * Math.sqrt(15.0 / n)));
        assertThat(m4).isCloseTo(3, offset(4.5 * Math.sqrt(96.0 / n)));
        double p = 0.6826894921370859; // P(|Z| < 1)
        assertThat((double) within1 / n).isCloseTo(p, offset(4.5 * Math.sqrt(p * (1 - p) / n)));
    }

    @Test
    void sameSeedSameStreamAndSamplesAreIndependentOfBatchSize() {
        float[] a = SdkNoise.INSTANCE.open(7, 5).next(Shape.of(3, 4));
        float[] b = SdkNoise.INSTANCE.open(7, 5).next(Shape.of(3, 4));
        float[] c = SdkNoise.INSTANCE.open(7, 2).next(Shape.of(3, 4));
        float[] d = SdkNoise.INSTANCE.open(8, 5).next(Shape.of(3, 4));
        assertThat(a).containsExactly(b);
        for (int i = 0; i < c.length; i++) {
            assertThat(c[i]).isEqualTo(a[i]); // samples 0 and 1 do not see the batch size
        }
        assertThat(d).isNotEqualTo(a);
    }

    @Test
    void consecutiveDrawsContinueEachSampleStreamWhateverTheChunking() {
        // one draw of 7 per sample equals a draw of 3 then of 4 (odd lengths keep the Box–Muller spare)
        float[] whole = SdkNoise.INSTANCE.open(1, 2).next(Shape.of(7));
        NoiseStream s = SdkNoise.INSTANCE.open(1, 2);
        float[] first = s.next(Shape.of(3));
        float[] second = s.next(Shape.of(4));
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(first[i * 3 + j]).isEqualTo(whole[i * 7 + j]);
            }
            for (int j = 0; j < 4; j++) {
                assertThat(second[i * 4 + j]).isEqualTo(whole[i * 7 + 3 + j]);
            }
        }
    }

    @Test
    void perSampleSeedsAreTheStreamsOfTheDerivedSeeds() {
        // sample i of open(s, B) is the stream seeded with splitmix64(s + (i+1)γ)
        long s = 123;
        float[] batch = SdkNoise.INSTANCE.open(s, 3).next(Shape.of(5));
        long[] q = {
            SdkNoise.mix64(s + 0x9E3779B97F4A7C15L),
            SdkNoise.mix64(s + 2 * 0x9E3779B97F4A7C15L),
            SdkNoise.mix64(s + 3 * 0x9E3779B97F4A7C15L)
        };
        assertThat(SdkNoise.INSTANCE.openPerSample(q).next(Shape.of(5))).containsExactly(batch);
    }

    @Test
    void neighbouringSamplesAreUncorrelated() {
        int n = 20000;
        float[] z = SdkNoise.INSTANCE.open(3, 2).next(Shape.of(n));
        double c = 0;
        for (int i = 0; i < n; i++) {
            c += z[i] * z[n + i];
        }
        // 4.5 standard errors of a mean of n independent products of unit normals (variance 1):
        // false-failure probability ≈ 6.8e-6 for a random seed
        assertThat(c / n).isCloseTo(0, offset(4.5 / Math.sqrt(n)));
    }
}
