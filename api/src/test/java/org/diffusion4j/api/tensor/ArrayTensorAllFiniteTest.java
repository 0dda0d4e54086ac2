package org.diffusion4j.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link ArrayTensor#allFinite()} against the definition (every element finite), with one non-finite value
 * placed at every position of arrays of several lengths (around 512, the block of the vectorised
 * variants measured in DdimStepBenchmark).
 */
class ArrayTensorAllFiniteTest {

    private static final float[] BAD = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};

    @Test
    void finiteDataOfEveryKindPass() {
        // extremes whose v − v is exactly 0: the largest and smallest magnitudes, subnormals, signed zeros
        float[] v = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_NORMAL, 0f, -0f, 1e-40f, 3.5f};
        for (int n : new int[] {0, 1, 7, 511, 512, 513, 1024, 1500}) {
            float[] d = new float[n];
            for (int i = 0; i < n; i++) {
                d[i] = v[i % v.length];
            }
            assertThat(ArrayTensor.wrap(d, Shape.of(n)).allFinite())
                    .as("n = %d", n)
                    .isTrue();
        }
    }

    @Test
    void oneNonFiniteValueAnywhereFails() {
        for (int n : new int[] {1, 511, 512, 513, 1025}) {
            for (int at = 0; at < n; at++) {
                for (float bad : BAD) {
                    float[] d = new float[n];
                    java.util.Arrays.fill(d, Float.MAX_VALUE);
                    d[at] = bad;
                    assertThat(ArrayTensor.wrap(d, Shape.of(n)).allFinite())
                            .as("n = %d, %s at %d", n, bad, at)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void infinitiesOfBothSignsDoNotCancel() {
        float[] d = new float[1024];
        d[3] = Float.POSITIVE_INFINITY;
        d[515] = Float.NEGATIVE_INFINITY; // a reduction that summed values could cancel them; the check must not
        assertThat(ArrayTensor.wrap(d, Shape.of(1024)).allFinite()).isFalse();
    }
}
