package org.diffusion4j.evaluation;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The Fréchet (2-Wasserstein) distance between two Gaussians, squared, as in the FID of Heusel et al.
 * 2017 (arXiv:1706.08500, eq. 6; Dowson &amp; Landau 1982):
 * <pre>
 *   d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)
 * </pre>
 * The trace of the matrix square root uses {@code (Σ₁^½ Σ₂ Σ₁^½)} — symmetric positive semi-definite —
 * instead of the non-symmetric {@code Σ₁Σ₂} (they have the same eigenvalues), so both square roots come
 * from symmetric eigendecompositions (Apache Commons Math {@link EigenDecomposition}). Eigenvalues that
 * roundoff makes slightly negative are taken as 0, and a result below 0 is reported as 0.
 */
public final class FrechetDistance {

    private FrechetDistance() {}

    /**
     * The squared Fréchet distance between the Gaussian fits {@code a} and {@code b}.
     *
     * @throws IllegalArgumentException if the dimensions differ
     */
    public static double between(GaussianStatistics a, GaussianStatistics b) {
        int d = a.dimension();
        if (b.dimension() != d) {
            throw new IllegalArgumentException("feature dimensions differ: " + d + " and " + b.dimension()
                    + " (were both computed with the same feature model?)");
        }
        double[] m1 = a.meanView();
        double[] m2 = b.meanView();
        double meanTerm = 0;
        for (int i = 0; i < d; i++) {
            double t = m1[i] - m2[i];
            meanTerm += t * t;
        }
        double[][] s1 = a.covarianceView();
        double[][] s2 = b.covarianceView();
        double traces = 0;
        for (int i = 0; i < d; i++) {
            traces += s1[i][i] + s2[i][i];
        }
        RealMatrix root1 = sqrtPsd(new Array2DRowRealMatrix(s1, true));
        RealMatrix inner = root1.multiply(new Array2DRowRealMatrix(s2, false)).multiply(root1);
        double traceRoot = 0;
        for (double lambda : eigenvalues(inner)) {
            traceRoot += Math.sqrt(Math.max(lambda, 0));
        }
        return Math.max(0, meanTerm + traces - 2 * traceRoot);
    }

    /** The symmetric square root {@code V diag(√λ) Vᵀ} of a symmetric positive semi-definite matrix. */
    static RealMatrix sqrtPsd(RealMatrix s) {
        EigenDecomposition e = new EigenDecomposition(symmetrised(s));
        RealMatrix v = e.getV();
        double[] lambda = e.getRealEigenvalues();
        int d = lambda.length;
        RealMatrix vs = v.copy();
        for (int j = 0; j < d; j++) {
            double r = Math.sqrt(Math.max(lambda[j], 0));
            for (int i = 0; i < d; i++) {
                vs.setEntry(i, j, v.getEntry(i, j) * r);
            }
        }
        return symmetrised(vs.multiply(v.transpose()));
    }

    static double[] eigenvalues(RealMatrix s) {
        return new EigenDecomposition(symmetrised(s)).getRealEigenvalues();
    }

    /** {@code (S + Sᵀ)/2}: exactly symmetric, as the symmetric eigensolver requires. */
    private static RealMatrix symmetrised(RealMatrix s) {
        int d = s.getRowDimension();
        double[][] out = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0.5 * (s.getEntry(i, j) + s.getEntry(j, i));
                out[i][j] = v;
                out[j][i] = v;
            }
        }
        return new Array2DRowRealMatrix(out, false);
    }
}
