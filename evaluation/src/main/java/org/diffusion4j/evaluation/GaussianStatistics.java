package org.diffusion4j.evaluation;

import java.util.Arrays;

/**
 * The mean and covariance of {@code n} feature vectors, in double: the Gaussian fit the Fréchet distance
 * compares. The covariance is the unbiased sample covariance ({@code 1/(n − 1)}, as {@code numpy.cov}),
 * computed in two passes (mean first, then centred products) so no cancellation of large means occurs.
 */
public final class GaussianStatistics {
    private final double[] mean;
    private final double[][] covariance;
    private final int n;

    private GaussianStatistics(double[] mean, double[][] covariance, int n) {
        this.mean = mean;
        this.covariance = covariance;
        this.n = n;
    }

    /**
     * The statistics of the rows of {@code features}.
     *
     * @throws IllegalArgumentException for fewer than 2 rows, rows of different lengths, or a value that
     *                                  is not finite (naming the row and column)
     */
    public static GaussianStatistics of(float[][] features) {
        int n = features.length;
        if (n < 2) {
            throw new IllegalArgumentException("a covariance needs at least 2 feature vectors, got " + n);
        }
        int d = features[0].length;
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException(
                        "feature vector " + i + " has " + features[i].length + " values, vector 0 has " + d);
            }
            for (int j = 0; j < d; j++) {
                float v = features[i][j];
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("feature vector " + i + ", component " + j + " is " + v);
                }
                mean[j] += v;
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] c = new double[d];
        for (float[] row : features) {
            for (int j = 0; j < d; j++) {
                c[j] = row[j] - mean[j];
            }
            for (int a = 0; a < d; a++) {
                double ca = c[a];
                double[] covA = cov[a];
                for (int b = a; b < d; b++) {
                    covA[b] += ca * c[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                cov[a][b] /= n - 1;
                cov[b][a] = cov[a][b];
            }
        }
        return new GaussianStatistics(mean, cov, n);
    }

    /**
     * Statistics given directly (a population, or values read from a cache); copied.
     *
     * @throws IllegalArgumentException if the covariance is not a symmetric {@code d × d} matrix
     */
    public static GaussianStatistics of(double[] mean, double[][] covariance, int n) {
        int d = mean.length;
        if (covariance.length != d) {
            throw new IllegalArgumentException(
                    "covariance has " + covariance.length + " rows, the mean " + d + " values");
        }
        double[][] cov = new double[d][];
        for (int i = 0; i < d; i++) {
            if (covariance[i].length != d) {
                throw new IllegalArgumentException(
                        "covariance row " + i + " has " + covariance[i].length + " values, expected " + d);
            }
            cov[i] = covariance[i].clone();
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < i; j++) {
                if (cov[i][j] != cov[j][i]) {
                    throw new IllegalArgumentException("covariance is not symmetric at (" + i + ", " + j + ")");
                }
            }
        }
        return new GaussianStatistics(mean.clone(), cov, n);
    }

    /** The dimension {@code d}. */
    public int dimension() {
        return mean.length;
    }

    /** The number of vectors the statistics came from (for a population: as given). */
    public int n() {
        return n;
    }

    /** The mean (a copy). */
    public double[] mean() {
        return mean.clone();
    }

    /** The covariance (a copy). */
    public double[][] covariance() {
        double[][] c = new double[covariance.length][];
        for (int i = 0; i < c.length; i++) {
            c[i] = covariance[i].clone();
        }
        return c;
    }

    double[][] covarianceView() {
        return covariance;
    }

    double[] meanView() {
        return mean;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianStatistics g
                && g.n == n
                && Arrays.equals(g.mean, mean)
                && Arrays.deepEquals(g.covariance, covariance);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mean) * 31 + n;
    }

    @Override
    public String toString() {
        return "GaussianStatistics[d=" + mean.length + ", n=" + n + "]";
    }
}
