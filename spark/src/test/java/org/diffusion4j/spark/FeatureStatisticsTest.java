package org.diffusion4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * The distributed Fréchet statistics equal the single-machine ones within a bound derived for double
 * precision, and that bound is below 1e-10 relative for the data here.
 *
 * <h2>The bound</h2>
 * Both sides add the same exact terms (a float32 value and the product of two are exact in double: 24 + 24
 * ≤ 53 significant bits) in different orders. With u = 2^-53 and γ_k = ku/(1 − ku), a sum of n terms in any
 * order is within γ_(n−1) Σ|terms| of the exact sum (Higham, §4.2). Write B_i = Σ_k |x_ki|,
 * A_ij = Σ_k |x_ki x_kj|. Then each side's
 * <ul>
 * <li>mean μ_i = fl(S_i / n) is within γ_(n−1) B_i/n + u|μ_i| ≤ γ_n B_i / n of the exact mean;</li>
 * <li>covariance C_ij = fl(fl(Q_ij − fl(fl(S_i S_j)/n)) / (n − 1)) is within, to first order in u,
 * E_ij = [γ_(n−1) (A_ij + (B_i|S_j| + |S_i|B_j)/n) + γ_2 |S_i S_j|/n] / (n − 1) + γ_2 |C_ij|
 * (the errors of Q and of S_i S_j/n from the sums, the product's and quotient's two roundings, then the
 * subtraction's and the division's two);</li>
 * </ul>
 * so the two sides differ by at most 2γ_n B_i/n and 2E_ij. Second-order terms (products of two γ's, ~1e-25
 * relative) and the rounding of computing the bound itself (relative γ_n ~ 1e-12 of it) are covered by a
 * factor 1 + 1e-6.
 */
class FeatureStatisticsTest {
    private static final int D = 12;
    private static final int N = 6000;
    private static final double SAFETY = 1 + 1e-6;

    /**
     * Correlated features with means 0.5 to 1.6 against standard deviations 0.5 to 1.6 (so the covariance's
     * subtraction cancels a little; with means far above the spread the bound grows as (mean/std)², and the
     * 1e-10 relative figure needs the features centred first).
     */
    private static List<float[]> features() {
        Random r = new Random(20261129);
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < N; k++) {
            float[] x = new float[D];
            double common = r.nextGaussian();
            for (int i = 0; i < D; i++) {
                x[i] = (float) (0.5 + 0.1 * i + (0.4 + 0.1 * i) * r.nextGaussian() + 0.3 * common);
            }
            out.add(x);
        }
        return out;
    }

    @Test
    void treeAggregateEqualsOneMachineWithinTheDerivedBoundAndTo1e10Relative() {
        List<float[]> xs = features();
        FeatureStatistics one = FeatureStatistics.of(xs);
        // the bound's ingredients, from the data
        double[] b = new double[D];
        double[] s = new double[D];
        double[][] a = new double[D][D];
        for (float[] x : xs) {
            for (int i = 0; i < D; i++) {
                b[i] += Math.abs(x[i]);
                s[i] += x[i];
                for (int j = 0; j < D; j++) {
                    a[i][j] += Math.abs((double) x[i] * x[j]);
                }
            }
        }
        double gn1 = ErrorBound.gamma64(N - 1);
        double gn = ErrorBound.gamma64(N);
        double g2 = ErrorBound.gamma64(2);
        StructType schema =
                new StructType().add("sample", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        SparkSession spark = Spark.local("local[2]");
        try {
            List<Row> rows = new ArrayList<>();
            for (float[] x : xs) {
                rows.add(RowFactory.create((Object) x));
            }
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            for (int[] layout : new int[][] {{7, 2}, {13, 3}, {1, 2}}) {
                Dataset<Row> ds = spark.createDataFrame(jsc.parallelize(rows, layout[0]), schema);
                FeatureStatistics dist = FeatureStatistics.of(ds, "sample", layout[1]);
                assertThat(dist.n()).isEqualTo(N);
                double maxC = 0;
                double maxDiff = 0;
                double maxTol = 0;
                for (int i = 0; i < D; i++) {
                    assertThat(Math.abs(dist.mean()[i] - one.mean()[i]))
                            .as("mean %d", i)
                            .isLessThanOrEqualTo(2 * gn * b[i] / N * SAFETY);
                    for (int j = 0; j < D; j++) {
                        double c = one.cov()[i][j];
                        double e = (gn1 * (a[i][j] + (b[i] * Math.abs(s[j]) + Math.abs(s[i]) * b[j]) / N)
                                                + g2 * Math.abs(s[i] * s[j]) / N)
                                        / (N - 1)
                                + g2 * Math.abs(c);
                        double diff = Math.abs(dist.cov()[i][j] - c);
                        assertThat(diff)
                                .as("cov %d %d (layout %s)", i, j, java.util.Arrays.toString(layout))
                                .isLessThanOrEqualTo(2 * e * SAFETY);
                        maxC = Math.max(maxC, Math.abs(c));
                        maxDiff = Math.max(maxDiff, diff);
                        maxTol = Math.max(maxTol, 2 * e * SAFETY);
                    }
                }
                // the figure: the derived bound is below 1e-10 relative to the largest entry here, so the
                // covariances agree to 1e-10 relative (max-entry norm)
                assertThat(maxDiff).isLessThanOrEqualTo(1e-10 * maxC);
                assertThat(maxTol).isLessThanOrEqualTo(1e-10 * maxC);
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void frechetDistanceOfKnownGaussians() {
        // μ₁ = 0, Σ₁ = diag(1, 4); μ₂ = (1, 0), Σ₂ = diag(4, 1): |Δμ|² = 1, tr Σ₁ + tr Σ₂ = 10,
        // (Σ₁^½ Σ₂ Σ₁^½)^½ = diag(2, 2): FD = 1 + 10 − 2·4 = 3. Diagonal: no rotation, every operation exact.
        FeatureStatistics a = new FeatureStatistics(10, new double[] {0, 0}, new double[][] {{1, 0}, {0, 4}});
        FeatureStatistics b = new FeatureStatistics(10, new double[] {1, 0}, new double[][] {{4, 0}, {0, 1}});
        assertThat(FeatureStatistics.frechetDistance(a, b)).isEqualTo(3.0);
        // the same Gaussians rotated by 30°: still 3. Each entry (≤ 4 in size) goes through one rotation
        // matrix product (2 terms), a Jacobi diagonalisation to relative 1e-15 of ‖·‖ (the loop's stop) and
        // two more products: a few dozen roundings of quantities ≤ 16, so |error| ≤ 100 · 16 · 2^-53 < 2e-13.
        double c = Math.cos(Math.PI / 6);
        double s = Math.sin(Math.PI / 6);
        double[][] r = {{c, -s}, {s, c}};
        FeatureStatistics ra = new FeatureStatistics(10, new double[] {0, 0}, rotate(r, a.cov()));
        FeatureStatistics rb = new FeatureStatistics(10, new double[] {c, s}, rotate(r, b.cov()));
        assertThat(FeatureStatistics.frechetDistance(ra, rb))
                .isCloseTo(3.0, org.assertj.core.data.Offset.offset(2e-13));
    }

    private static double[][] rotate(double[][] r, double[][] m) {
        double[][] rt = {{r[0][0], r[1][0]}, {r[0][1], r[1][1]}};
        return SymmetricEigen.multiply(SymmetricEigen.multiply(r, m), rt);
    }
}
