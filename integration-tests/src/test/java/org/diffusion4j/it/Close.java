package org.diffusion4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;

/** Element-wise comparison of two tensors and seeded test inputs. */
final class Close {

    private Close() {}

    /**
     * The largest |a − b| / max(1, |b|) over all elements: an absolute error for values of size up
     * to 1 and a relative one above.
     */
    static double maxScaledDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("arrays of " + a.length + " and " + b.length + " elements");
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]) / Math.max(1, Math.abs(b[i]));
            if (!(d <= worst)) {
                worst = d; // NaN propagates: a NaN anywhere makes the result NaN
            }
        }
        return worst;
    }

    /** Asserts equal shapes and every element within {@code tol · max(1, |want|)}, naming the worst element. */
    static void assertClose(Tensor got, Tensor want, double tol, String what) {
        assertThat(got.shape()).as("%s: shape", what).isEqualTo(want.shape());
        float[] g = got.toFloatArray();
        float[] w = want.toFloatArray();
        int worst = 0;
        double worstD = -1;
        for (int i = 0; i < g.length; i++) {
            double d = Math.abs((double) g[i] - w[i]) / Math.max(1, Math.abs(w[i]));
            if (!(d <= worstD)) {
                worstD = d;
                worst = i;
                if (Double.isNaN(d)) {
                    break;
                }
            }
        }
        assertThat(worstD)
                .as("%s: worst element %d of %s is %s vs %s", what, worst, want.shape(), g[worst], w[worst])
                .isLessThanOrEqualTo(tol);
    }

    /**
     * Asserts equal shapes and |got_i − want_i| ≤ bound_i for every element (absolute, per-element
     * bounds such as {@link org.diffusion4j.testkit.FixtureBounds#mixture}), naming the element that
     * comes closest to its bound.
     */
    static void assertWithin(Tensor got, Tensor want, double[] bound, String what) {
        assertThat(got.shape()).as("%s: shape", what).isEqualTo(want.shape());
        float[] g = got.toFloatArray();
        float[] w = want.toFloatArray();
        assertThat(bound).as("%s: bounds", what).hasSize(w.length);
        int worst = 0;
        double worstRatio = -1;
        for (int i = 0; i < g.length; i++) {
            double d = Math.abs((double) g[i] - w[i]);
            double ratio = d == 0 ? 0 : d / bound[i];
            if (!(ratio <= worstRatio)) {
                worstRatio = ratio;
                worst = i;
                if (Double.isNaN(ratio)) {
                    break;
                }
            }
        }
        assertThat(worstRatio)
                .as(
                        "%s: element %d of %s is %s vs %s, bound %s",
                        what, worst, want.shape(), g[worst], w[worst], bound[worst])
                .isLessThanOrEqualTo(1.0);
    }

    /** A tensor of independent N(0, scale²) draws of the given shape, from {@code seed}. */
    static Tensor gaussian(Shape shape, long seed, double scale) {
        Random r = new Random(seed);
        float[] v = new float[shape.intSize()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * r.nextGaussian());
        }
        return ArrayTensor.of(v, shape);
    }
}
