package org.diffusion4j.djl.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diffusion4j.testkit.ErrorBound.gamma32;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Random;
import org.diffusion4j.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

/** The native upsampling against the repeat formulation, and the group norm's reused constants. */
class OpsTest {

    private static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    @Test
    void nearestUpsamplingCopiesEachPixelToA2x2BlockAndSumsItsGradient() {
        Random r = new Random(5);
        Shape s = new Shape(2, 3, 4, 5);
        float[] x = gaussian(r, (int) s.size());
        float[] w = gaussian(r, (int) s.size() * 4);
        DjlRuntime.withAutograd(() -> {
            try (NDManager m = DjlRuntime.engine().newBaseManager()) {
                NDArray a = m.create(x, s);
                a.setRequiresGradient(true);
                NDArray weights = m.create(w, new Shape(2, 3, 8, 10));
                float[] up;
                try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    NDArray u = Ops.upsampleNearest2(a);
                    up = u.toFloatArray();
                    gc.backward(u.mul(weights).sum());
                }
                float[] grad = a.getGradient().toFloatArray();
                for (int bc = 0; bc < 6; bc++) {
                    for (int i = 0; i < 8; i++) {
                        for (int j = 0; j < 10; j++) {
                            // a copy: exact
                            assertThat(up[bc * 80 + i * 10 + j]).isEqualTo(x[bc * 20 + (i / 2) * 5 + j / 2]);
                        }
                    }
                    for (int i = 0; i < 4; i++) {
                        for (int j = 0; j < 5; j++) {
                            double sum = 0;
                            double abs = 0;
                            for (int di = 0; di < 2; di++) {
                                for (int dj = 0; dj < 2; dj++) {
                                    float v = w[bc * 80 + (2 * i + di) * 10 + 2 * j + dj];
                                    sum += v;
                                    abs += Math.abs(v);
                                }
                            }
                            // ∂/∂x of Σ w·up(x): the sum of the block's 4 weights, in any order: γ₃ Σ|w|
                            // (the upstream gradient of the sum is exactly 1 and w·1 is exact)
                            assertThat((double) grad[bc * 20 + i * 5 + j])
                                    .isCloseTo(sum, org.assertj.core.api.Assertions.within(gamma32(3) * abs * 2));
                        }
                    }
                }
            }
            return null;
        });
    }

    @Test
    void groupNormReusesItsConstantsAndGivesTheSameValuesAsTheFreshOnes() {
        Random r = new Random(6);
        Shape s = new Shape(2, 8, 3, 3);
        float[] x = gaussian(r, (int) s.size());
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            GroupNorm gn = new GroupNorm(8, 4);
            gn.initialize(m, DataType.FLOAT32, s);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray a = m.create(x, s);
            int c0 = m.getManagedArrays().size();
            float[] first = gn.apply(ps, a).toFloatArray();
            int c1 = m.getManagedArrays().size();
            float[] second = gn.apply(ps, a).toFloatArray();
            int c2 = m.getManagedArrays().size();
            // the first call made the two constants (C/G·H·W ones and zeros) on the parameters' manager, the
            // second reused them: it added only the arrays of its own computation, two fewer
            assertThat((c1 - c0) - (c2 - c1)).isEqualTo(2);
            // γ = 1, β = 0 at initialisation: the block equals the bare normalisation with new constants
            float[] fresh = Ops.groupNorm(a, 4, 1e-5f).toFloatArray();
            assertThat(second).containsExactly(first);
            assertThat(first).containsExactly(fresh);
        }
    }
}
