package org.diffusion4j.noise.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Properties of {@link TorchGenerator} that hold independently of PyTorch's recorded values. */
class TorchGeneratorTest {

    @Test
    void seedsEqualModulo2To32GiveEqualStreamsButKeepTheirInitialSeed() {
        TorchGenerator a = TorchGenerator.manualSeed(5);
        TorchGenerator b = TorchGenerator.manualSeed((1L << 32) + 5);
        assertThat(b.initialSeed()).isEqualTo((1L << 32) + 5);
        assertThat(a.randn(3)).isEqualTo(b.randn(3));
        assertThat(a.randn(40)).isEqualTo(b.randn(40));
        assertThat(TorchGenerator.manualSeed(6).randn(40))
                .isNotEqualTo(TorchGenerator.manualSeed(5).randn(40));
    }

    @Test
    void multiDimensionalShapesAreTheFlatDraw() {
        assertThat(TorchGenerator.manualSeed(1).randn(2, 3, 4))
                .isEqualTo(TorchGenerator.manualSeed(1).randn(24));
        assertThat(TorchGenerator.manualSeed(1).randn(3, 5))
                .isEqualTo(TorchGenerator.manualSeed(1).randn(15));
        assertThat(TorchGenerator.manualSeed(1).randn())
                .hasSize(1)
                .isEqualTo(TorchGenerator.manualSeed(1).randn(1));
    }

    /** The scalar path makes normals in pairs: an odd draw leaves the second for the next small draw. */
    @Test
    void smallDrawsShareTheCachedNormal() {
        float[] five = TorchGenerator.manualSeed(3).randn(5);
        TorchGenerator g = TorchGenerator.manualSeed(3);
        float[] split = new float[5];
        g.randn(split, 0, 2);
        g.randn(split, 2, 1);
        g.randn(split, 3, 2);
        assertThat(split).isEqualTo(five);
    }

    /** A vectorised draw neither uses nor clears the cached normal; re-seeding does clear it. */
    @Test
    void largeDrawsLeaveTheCacheAlone() {
        TorchGenerator g = TorchGenerator.manualSeed(8);
        float[] first = g.randn(1);
        g.randn(32);
        float second = g.randn(1)[0];
        float[] pair = TorchGenerator.manualSeed(8).randn(2);
        assertThat(first[0]).isEqualTo(pair[0]);
        assertThat(second).isEqualTo(pair[1]);
    }

    /** n not a multiple of 16: the first n-16 values are those of the blocks, the last 16 are redrawn. */
    @Test
    void tailBlockIsRecomputedFromFreshUniforms() {
        float[] n33 = TorchGenerator.manualSeed(4).randn(33);
        float[] n32 = TorchGenerator.manualSeed(4).randn(32);
        assertThat(Arrays.copyOf(n33, 17)).isEqualTo(Arrays.copyOf(n32, 17));
        assertThat(Arrays.copyOfRange(n33, 17, 33)).isNotEqualTo(Arrays.copyOfRange(n32, 16, 32));
        // a draw of 33 consumes 33 + 16 outputs: the next draw starts where a fresh generator's 50th output is
        TorchGenerator g = TorchGenerator.manualSeed(4);
        g.randn(33);
        Mt19937 reference = new Mt19937(4);
        for (int i = 0; i < 49; i++) {
            reference.nextInt();
        }
        assertThat(g.engine().nextInt()).isEqualTo(reference.nextInt());
    }

    @Test
    void copyForksTheFullState() {
        TorchGenerator g = TorchGenerator.manualSeed(12);
        g.randn(3); // leaves a cached normal
        TorchGenerator h = g.copy();
        assertThat(h.randn(1)).isEqualTo(g.randn(1));
        assertThat(h.randn(100)).isEqualTo(g.randn(100));
        assertThat(h.toString()).contains("12").contains("avx2");
    }

    @Test
    void writesOnlyTheRequestedRange() {
        float[] out = new float[40];
        Arrays.fill(out, Float.NaN);
        TorchGenerator.manualSeed(2).randn(out, 5, 20);
        assertThat(Arrays.copyOfRange(out, 5, 25))
                .isEqualTo(TorchGenerator.manualSeed(2).randn(20));
        for (int i : new int[] {0, 4, 25, 39}) {
            assertThat(out[i]).isNaN();
        }
        assertThatThrownBy(() -> TorchGenerator.manualSeed(2).randn(out, 30, 11))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void badShapesAreRejected() {
        assertThatThrownBy(() -> TorchGenerator.manualSeed(1).randn(2, -3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative dimension -3 at index 1");
        assertThatThrownBy(() -> TorchGenerator.manualSeed(1).randn(1 << 16, 1 << 16))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more elements");
        assertThat(TorchGenerator.manualSeed(1).randn(0, 7)).isEmpty();
    }

    /** Mean 0 and variance 1 within 5 standard errors for n = 2^20 values of each path. */
    @ParameterizedTest
    @EnumSource(TorchCpuKernel.class)
    void momentsAreStandardNormal(TorchCpuKernel kernel) {
        int n = 1 << 20;
        float[] x = TorchGenerator.manualSeed(2024, kernel).randn(n);
        assertMoments(x);
        TorchGenerator g = TorchGenerator.manualSeed(99, kernel);
        float[] small = new float[1 << 18];
        for (int i = 0; i < small.length; i += 8) {
            g.randn(small, i, 8);
        }
        assertMoments(small);
    }

    private static void assertMoments(float[] x) {
        double sum = 0;
        double sumSq = 0;
        double sumFourth = 0;
        for (float v : x) {
            sum += v;
            sumSq += (double) v * v;
            sumFourth += (double) v * v * v * v;
        }
        int n = x.length;
        double mean = sum / n;
        double var = sumSq / n - mean * mean;
        // standard errors: mean 1/sqrt(n), variance sqrt(2/n), fourth moment sqrt(96/n) (E x^8 - 9 = 96); k = 5:
        // a false failure has probability P(|N(0,1)| > 5) ≈ 5.7e-7 per check for a random seed (fixed seeds here).
        // The double sums' rounding (≤ n u64 relative ≈ 1e-10) is negligible against SE ≥ 1e-3.
        assertThat(mean).isCloseTo(0, within(5 / Math.sqrt(n)));
        assertThat(var).isCloseTo(1, within(5 * Math.sqrt(2.0 / n)));
        assertThat(sumFourth / n).isCloseTo(3, within(5 * Math.sqrt(96.0 / n)));
    }

    /**
     * Two formulations against each other: the AVX2 polynomials and glibc's functions compute the same
     * Box–Muller transform of the same uniforms, so their outputs differ only by rounding. Bound, with
     * r ≤ sqrt(2 ln 2^24) < 5.8 and θ < 2π < 8 (ulp(θ) ≤ 2^-21):
     * <ul>
     *   <li>θ: AVX2 rounds u2·fl(2π) (½ ulp, and fl(2π) is off by ≤ 2π·2^-24), the portable kernel rounds
     *       2π·u2 from double (½ ulp): ≤ 1.5·2^-21 apart; sine and cosine then differ by that, plus the AVX2
     *       polynomials' 2 ulp(1) = 2^-22 and glibc's 1 ulp ≤ 2^-24 (LibmFunctionsTest): ≤ 2.125·2^-21,
     *       times r;</li>
     *   <li>r: AVX2 log within 4 ulps, glibc logf within 1 (LibmFunctionsTest): 5 ulps of −2 ln u1, half of it
     *       after sqrt, plus the two sqrt roundings: ≤ 3.5·2^-23 r relative, i.e. ≤ 3.5 ulp of the value;</li>
     *   <li>the products r·cos θ, r·sin θ: ½ ulp each.</li>
     * </ul>
     * ≤ 5.8·2.125·2^-21 + 4.5 ulp(|b|); the tolerance is that ×2 (safety).
     */
    @Test
    void kernelsAgreeToRounding() {
        float[] a = TorchGenerator.manualSeed(77, TorchCpuKernel.AVX2).randn(1 << 18);
        float[] b = TorchGenerator.manualSeed(77, TorchCpuKernel.DEFAULT).randn(1 << 18);
        int differ = 0;
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i])
                    .as("value %d", i)
                    .isCloseTo(b[i], within(2 * (5.8f * 2.125f * 0x1p-21f + 4.5f * Math.ulp(Math.abs(b[i])))));
            differ += a[i] != b[i] ? 1 : 0;
        }
        assertThat(differ).as("the kernels are different computations").isPositive();
    }
}
