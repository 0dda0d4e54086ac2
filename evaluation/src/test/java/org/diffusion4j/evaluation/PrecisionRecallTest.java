package org.diffusion4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Precision and recall on configurations whose answers follow from the definition by hand. */
class PrecisionRecallTest {

    private static float[][] line(double start, int n) {
        float[][] p = new float[n][];
        for (int i = 0; i < n; i++) {
            p[i] = new float[] {(float) (start + i)};
        }
        return p;
    }

    private static float[][] concat(float[][] a, float[][] b) {
        float[][] out = new float[a.length + b.length][];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void identicalSetsAreFullyPreciseAndRecalled() {
        float[][] grid = new float[100][];
        for (int i = 0; i < 100; i++) {
            grid[i] = new float[] {i % 10, i / 10};
        }
        PrecisionRecall.Result r = PrecisionRecall.compute(grid, grid, 3);
        assertThat(r.precision()).isEqualTo(1.0);
        assertThat(r.recall()).isEqualTo(1.0);
    }

    @Test
    void farApartSetsShareNothing() {
        PrecisionRecall.Result r = PrecisionRecall.compute(line(0, 50), line(1000, 50), 3);
        assertThat(r.precision()).isZero();
        assertThat(r.recall()).isZero();
    }

    @Test
    void halfTheSamplesOffTheManifold() {
        // reference: 0, 1, …, 99 (k = 1: every radius 1). Generated: copies of 0…49 and 50 points at 1000…1049
        // (radii 1). Precision: the 50 copies lie in the reference balls, the far ones in none: 1/2.
        // Recall: reference points 0…49 coincide with generated ones, 50 is at distance 1 from 49 (on the
        // ball's boundary, inside), 51 and beyond are farther: 51/100.
        float[][] gen = concat(line(0, 50), line(1000, 50));
        PrecisionRecall.Result r = PrecisionRecall.compute(line(0, 100), gen, 1);
        assertThat(r.precision()).isEqualTo(0.5);
        assertThat(r.recall()).isEqualTo(0.51);
    }

    @Test
    void aDenseSampleOfHalfTheSupport() {
        // generated 0.5, 1.5, …, 49.5: each at distance 0.5 ≤ 1 from a reference point, precision 1;
        // reference points within 1 (the generated radii) of 0.5…49.5 are 0…50: recall 51/100
        PrecisionRecall.Result r = PrecisionRecall.compute(line(0, 100), line(0.5, 50), 1);
        assertThat(r.precision()).isEqualTo(1.0);
        assertThat(r.recall()).isEqualTo(0.51);
        // with k = 3 an interior generated point's 3rd neighbour is at distance 2 (1, 1, 2), the last one's
        // (49.5: 48.5, 47.5, 46.5) at 3, so its ball reaches 52.5: reference 0…52 inside, recall 53/100
        PrecisionRecall.Result r3 = PrecisionRecall.compute(line(0, 100), line(0.5, 50), 3);
        assertThat(r3.recall()).isEqualTo(0.53);
        assertThat(r3.k()).isEqualTo(3);
    }

    @Test
    void badInputs() {
        assertThatThrownBy(() -> PrecisionRecall.compute(line(0, 3), line(0, 10), 3))
                .hasMessageContaining("reference set has 3 vectors: k = 3 needs more than k");
        assertThatThrownBy(() -> PrecisionRecall.compute(line(0, 10), line(0, 10), 0))
                .hasMessageContaining("at least 1");
        float[][] twoD = {{0, 0}, {1, 1}, {2, 2}, {3, 3}, {4, 4}};
        assertThatThrownBy(() -> PrecisionRecall.compute(line(0, 10), twoD, 2))
                .hasMessageContaining("feature dimensions differ: reference 1, generated 2");
    }
}
