package org.diffusion4j.api.tensor;

import org.apiguardian.api.API;

/**
 * Allocation-free loops for samplers' pure-Java fast paths: each writes a fused linear combination of
 * {@link ArrayTensor}s into a caller-owned array.
 *
 * <p>Only for arrays the caller owns and has not handed out: wrap the result with
 * {@link ArrayTensor#wrap(float[], Shape)} and never write into it again while anyone may hold it.
 * Element i of the result depends only on element i of the inputs, so {@code dest} may be the array of
 * an input.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class InPlace {
    private InPlace() {}

    /** {@code dest = a·x + b·y}. */
    public static void linear(float[] dest, double a, ArrayTensor x, double b, ArrayTensor y) {
        float[] xs = x.array();
        float[] ys = same(x, y).array();
        check(dest, xs);
        float fa = (float) a;
        float fb = (float) b;
        for (int i = 0; i < dest.length; i++) {
            dest[i] = fa * xs[i] + fb * ys[i];
        }
    }

    /** {@code dest = a·x + b·y + c·z}. */
    public static void linear(float[] dest, double a, ArrayTensor x, double b, ArrayTensor y, double c, ArrayTensor z) {
        float[] xs = x.array();
        float[] ys = same(x, y).array();
        float[] zs = same(x, z).array();
        check(dest, xs);
        float fa = (float) a;
        float fb = (float) b;
        float fc = (float) c;
        for (int i = 0; i < dest.length; i++) {
            dest[i] = fa * xs[i] + fb * ys[i] + fc * zs[i];
        }
    }

    private static ArrayTensor same(ArrayTensor x, ArrayTensor y) {
        if (!x.shape().equals(y.shape())) {
            throw new IllegalArgumentException("linear: shapes " + x.shape() + " and " + y.shape() + " differ");
        }
        return y;
    }

    private static void check(float[] dest, float[] xs) {
        if (dest.length != xs.length) {
            throw new IllegalArgumentException(
                    "destination holds " + dest.length + " elements, the tensors " + xs.length);
        }
    }
}
