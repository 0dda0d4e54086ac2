package org.diffusion4j.evaluation;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Improved precision and recall of Kynkäänniemi et al. 2019 (arXiv:1904.06991, Sec. 2, eqs. 1–2):
 * each set's manifold is the union of balls around its feature vectors, each ball's radius the
 * distance to that vector's k-th nearest neighbour within its own set; precision is the fraction of
 * generated vectors inside the reference manifold, recall the fraction of reference vectors inside
 * the generated manifold. A point on a ball's boundary is inside ({@code ‖x − φ‖ ≤ r}, as in the
 * authors' code). Distances are Euclidean, in double; the cost is {@code O((n + m)² d)}.
 */
public final class PrecisionRecall {

    /**
     * The result.
     *
     * @param precision fraction of generated samples inside the reference manifold
     * @param recall    fraction of reference samples inside the generated manifold
     * @param k         the neighbour rank that set the radii
     */
    public record Result(double precision, double recall, int k) {}

    private PrecisionRecall() {}

    /**
     * Precision and recall of {@code generated} against {@code reference} with radii from the k-th
     * nearest neighbour (the paper uses {@code k = 3}).
     *
     * @throws IllegalArgumentException if {@code k < 1}, a set has at most {@code k} vectors, or the
     *                                  dimensions differ
     */
    public static Result compute(float[][] reference, float[][] generated, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k = " + k + ": the neighbour rank must be at least 1");
        }
        check(reference, "reference", k);
        check(generated, "generated", k);
        if (reference[0].length != generated[0].length) {
            throw new IllegalArgumentException("feature dimensions differ: reference " + reference[0].length
                    + ", generated " + generated[0].length);
        }
        double[] refRadii2 = kthNeighbourSquared(reference, k);
        double[] genRadii2 = kthNeighbourSquared(generated, k);
        double precision = fractionInside(generated, reference, refRadii2);
        double recall = fractionInside(reference, generated, genRadii2);
        return new Result(precision, recall, k);
    }

    private static void check(float[][] set, String name, int k) {
        if (set.length <= k) {
            throw new IllegalArgumentException(
                    name + " set has " + set.length + " vectors: k = " + k + " needs more than k");
        }
        for (int i = 1; i < set.length; i++) {
            if (set[i].length != set[0].length) {
                throw new IllegalArgumentException(
                        name + " vector " + i + " has " + set[i].length + " values, vector 0 has " + set[0].length);
            }
        }
    }

    static double distanceSquared(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double t = (double) a[i] - b[i];
            s += t * t;
        }
        return s;
    }

    /** For each vector, the squared distance to its k-th nearest other vector of the same set. */
    static double[] kthNeighbourSquared(float[][] set, int k) {
        return IntStream.range(0, set.length)
                .parallel()
                .mapToDouble(i -> {
                    double[] d = new double[set.length - 1];
                    int at = 0;
                    for (int j = 0; j < set.length; j++) {
                        if (j != i) {
                            d[at++] = distanceSquared(set[i], set[j]);
                        }
                    }
                    Arrays.sort(d);
                    return d[k - 1];
                })
                .toArray();
    }

    /** The fraction of {@code points} within distance {@code √radii2[j]} of some {@code centres[j]}. */
    static double fractionInside(float[][] points, float[][] centres, double[] radii2) {
        long inside = IntStream.range(0, points.length)
                .parallel()
                .filter(i -> {
                    for (int j = 0; j < centres.length; j++) {
                        if (distanceSquared(points[i], centres[j]) <= radii2[j]) {
                            return true;
                        }
                    }
                    return false;
                })
                .count();
        return (double) inside / points.length;
    }
}
