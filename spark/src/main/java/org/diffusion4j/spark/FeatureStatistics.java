package org.diffusion4j.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The statistics of the Fréchet distance (FID when the features are an Inception network's): the count,
 * mean and covariance of feature vectors, in double.
 *
 * <p>Both {@link #of(Dataset, String, int)} (Spark: a {@code treeAggregate} of per-partition sums) and
 * {@link #of(List)} (one machine, one pass in order) accumulate the same terms, the sums
 * {@code S_i = Σ_k x_ki} and {@code Q_ij = Σ_k x_ki x_kj}, and finish with the same arithmetic
 * ({@link Sums#statistics()}); they differ only in the order of the additions. The terms are exact: a
 * float32 feature is exact in double, and so is the product of two (24 + 24 significant bits ≤ 53). A sum
 * of n exact terms in any order is within {@code γ_(n-1) Σ|terms|} of the exact sum (Higham, Accuracy and
 * Stability of Numerical Algorithms, 2nd ed., §4.2; γ_n = nu/(1 − nu), u = 2^-53), so the two results
 * differ by at most twice that, plus the few roundings of the finish; {@code SparkStatisticsTest} checks the
 * difference against that bound.
 *
 * @param n    the number of feature vectors
 * @param mean μ, length d
 * @param cov  the sample covariance Σ = (Q − S Sᵀ/n)/(n − 1), d × d
 */
public record FeatureStatistics(long n, double[] mean, double[][] cov) implements Serializable {

    /**
     * The statistics of column {@code column} (an array of floats, all of one length) of {@code data},
     * aggregated across the cluster as a tree of the given depth.
     */
    public static FeatureStatistics of(Dataset<Row> data, String column, int depth) {
        Sums total =
                data.select(column).javaRDD().treeAggregate(new Sums(), (s, r) -> s.add(floats(r)), Sums::merge, depth);
        return total.statistics();
    }

    /** The statistics of these feature vectors, on this machine, in order. */
    public static FeatureStatistics of(List<float[]> features) {
        Sums s = new Sums();
        for (float[] f : features) {
            s.add(f);
        }
        return s.statistics();
    }

    private static float[] floats(Row r) {
        List<Object> l = r.getList(0);
        float[] f = new float[l.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) l.get(i)).floatValue();
        }
        return f;
    }

    /**
     * The Fréchet distance between the Gaussians of two statistics,
     * {@code |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½}, by symmetric eigendecompositions (Jacobi).
     */
    public static double frechetDistance(FeatureStatistics a, FeatureStatistics b) {
        int d = a.mean.length;
        if (b.mean.length != d) {
            throw new IllegalArgumentException("features of length " + d + " and " + b.mean.length);
        }
        double m = 0;
        double tr = 0;
        for (int i = 0; i < d; i++) {
            double t = a.mean[i] - b.mean[i];
            m += t * t;
            tr += a.cov[i][i] + b.cov[i][i];
        }
        double[][] sa = SymmetricEigen.sqrt(a.cov);
        double[][] c = SymmetricEigen.multiply(SymmetricEigen.multiply(sa, b.cov), sa);
        double[] ev = SymmetricEigen.eigenvalues(c);
        double trSqrt = 0;
        for (double e : ev) {
            trSqrt += Math.sqrt(Math.max(0, e));
        }
        return m + tr - 2 * trSqrt;
    }

    /** Running sums of x and x xᵀ, in double; mergeable (the partial results of a tree aggregation). */
    public static final class Sums implements Serializable {
        private static final long serialVersionUID = 1L;
        private long n;
        private double[] s = new double[0];
        private double[] q = new double[0];
        private int d = -1;

        /** Adds one feature vector; returns this. */
        public Sums add(float[] x) {
            if (d < 0) {
                d = x.length;
                s = new double[d];
                q = new double[d * d];
            } else if (x.length != d) {
                throw new IllegalArgumentException("feature vectors of lengths " + d + " and " + x.length);
            }
            n++;
            for (int i = 0; i < d; i++) {
                double xi = x[i];
                s[i] += xi;
                int row = i * d;
                for (int j = i; j < d; j++) {
                    q[row + j] += xi * x[j];
                }
            }
            return this;
        }

        /** Adds another partial result; returns this. */
        public Sums merge(Sums o) {
            if (o.d < 0) {
                return this;
            }
            if (d < 0) {
                return o;
            }
            if (o.d != d) {
                throw new IllegalArgumentException("feature vectors of lengths " + d + " and " + o.d);
            }
            n += o.n;
            for (int i = 0; i < d; i++) {
                s[i] += o.s[i];
            }
            for (int i = 0; i < q.length; i++) {
                q[i] += o.q[i];
            }
            return this;
        }

        /** The mean and covariance; needs n ≥ 2. */
        public FeatureStatistics statistics() {
            if (n < 2) {
                throw new IllegalArgumentException("the covariance needs at least 2 feature vectors, got " + n);
            }
            double[] mean = new double[d];
            for (int i = 0; i < d; i++) {
                mean[i] = s[i] / n;
            }
            double[][] cov = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = i; j < d; j++) {
                    double c = (q[i * d + j] - s[i] * s[j] / n) / (n - 1);
                    cov[i][j] = c;
                    cov[j][i] = c;
                }
            }
            return new FeatureStatistics(n, mean, cov);
        }
    }
}
