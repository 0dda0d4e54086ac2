package org.diffusion4j.mixture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Data from a mixture of isotropic Gaussians, x0 ~ Σ_k π_k N(μ_k, s_k² I) in d dimensions, whose
 * diffused marginals are known in closed form: under x_t = α x0 + σ ε, component k becomes
 * N(α μ_k, v_k I) with v_k = α² s_k² + σ². Hence, with responsibilities r_k(x_t) ∝ π_k N(x_t; α μ_k, v_k I),
 * <pre>
 *   ∇ log p(x_t)     = −Σ_k r_k (x_t − α μ_k)/v_k
 *   ε*(x_t, t)       = −σ ∇ log p(x_t)                 (the exact noise prediction)
 *   ε*(x_t, t, k)    = σ (x_t − α μ_k)/v_k             (conditioned on the component)
 *   ∇ log p(k | x_t) = ∇ log p(x_t | k) − ∇ log p(x_t)
 * </pre>
 * Class labels are component indices; the null condition gives the unconditional ε*. Samples of shape
 * {@code [B, d]}; all arithmetic in double, results in float32. Immutable and thread-safe.
 */
public final class GaussianMixture {
    private final double[] weights;
    private final double[][] means;
    private final double[] stds;
    private final int dim;

    /**
     * @param weights mixture weights π_k (normalised here)
     * @param means   component means μ_k, each of length d
     * @param stds    component standard deviations s_k ≥ 0
     */
    public GaussianMixture(double[] weights, double[][] means, double[] stds) {
        int k = weights.length;
        if (k == 0 || means.length != k || stds.length != k) {
            throw new IllegalArgumentException(
                    "need as many means and stds as weights (" + k + "), got " + means.length + " and " + stds.length);
        }
        double total = 0;
        for (double w : weights) {
            if (!(w > 0)) {
                throw new IllegalArgumentException("weights must be positive, got " + Arrays.toString(weights));
            }
            total += w;
        }
        this.weights = new double[k];
        for (int i = 0; i < k; i++) {
            this.weights[i] = weights[i] / total;
        }
        this.dim = means[0].length;
        this.means = new double[k][];
        for (int i = 0; i < k; i++) {
            if (means[i].length != dim) {
                throw new IllegalArgumentException(
                        "mean " + i + " has dimension " + means[i].length + ", mean 0 has " + dim);
            }
            if (!(stds[i] >= 0)) {
                throw new IllegalArgumentException("std " + i + " must be >= 0, got " + stds[i]);
            }
            this.means[i] = means[i].clone();
        }
        this.stds = stds.clone();
    }

    /** The number of components K. */
    public int components() {
        return weights.length;
    }

    /** The dimension d of a sample. */
    public int dim() {
        return dim;
    }

    /** The normalised weight π_k of component {@code k}. */
    public double weight(int k) {
        return weights[k];
    }

    /** The mean μ_k of component {@code k} (a copy). */
    public double[] mean(int k) {
        return means[k].clone();
    }

    /** The standard deviation s_k of component {@code k}. */
    public double std(int k) {
        return stds[k];
    }

    /** E[x0] = Σ π_k μ_k. */
    public double[] dataMean() {
        double[] m = new double[dim];
        for (int k = 0; k < weights.length; k++) {
            for (int j = 0; j < dim; j++) {
                m[j] += weights[k] * means[k][j];
            }
        }
        return m;
    }

    /** Cov[x0] = Σ π_k (s_k² I + μ_k μ_kᵀ) − m mᵀ. */
    public double[][] dataCovariance() {
        double[] m = dataMean();
        double[][] c = new double[dim][dim];
        for (int k = 0; k < weights.length; k++) {
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < dim; j++) {
                    c[i][j] += weights[k] * ((i == j ? stds[k] * stds[k] : 0) + means[k][i] * means[k][j]);
                }
            }
        }
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j < dim; j++) {
                c[i][j] -= m[i] * m[j];
            }
        }
        return c;
    }

    /**
     * The standard error of the sample covariance S_pq of {@code n} draws, Var[(X_p − μ_p)(X_q − μ_q)]/n to
     * first order in 1/n, exact for this mixture of isotropic Gaussians: with d = μ_k − μ,
     * E[(X_p − μ_p)²(X_q − μ_q)²] = Σ_k w_k (d_p² + s_k²)(d_q² + s_k²) for p ≠ q (the coordinates are independent
     * within a component) and Σ_k w_k (d_p⁴ + 6 d_p² s_k² + 3 s_k⁴) for p = q.
     */
    public double covarianceStandardError(int p, int q, int n) {
        double[] m = dataMean();
        double e4 = 0;
        for (int k = 0; k < weights.length; k++) {
            double dp = means[k][p] - m[p];
            double dq = means[k][q] - m[q];
            double s2 = stds[k] * stds[k];
            e4 += weights[k]
                    * (p == q ? dp * dp * dp * dp + 6 * dp * dp * s2 + 3 * s2 * s2 : (dp * dp + s2) * (dq * dq + s2));
        }
        double c = dataCovariance()[p][q];
        return Math.sqrt((e4 - c * c) / n);
    }

    /** log N(x; α μ_k, v_k I) for one point. */
    private double logComponent(double[] x, int k, double alpha, double v) {
        double q = 0;
        for (int j = 0; j < dim; j++) {
            double d = x[j] - alpha * means[k][j];
            q += d * d;
        }
        return -0.5 * q / v - 0.5 * dim * Math.log(2 * Math.PI * v);
    }

    /**
     * The log-density of the diffused data at one point, log p_t(x) = log Σ_k π_k N(x; α μ_k, v_k I) with
     * v_k = α² s_k² + σ², computed as a log-sum-exp so it stays finite far in the tails.
     *
     * @param x a point of {@link #dim()} coordinates
     * @param t the noise level (α, σ)
     */
    public double logDensity(double[] x, Timestep t) {
        checkPoint(x);
        int kk = weights.length;
        double alpha = t.alpha();
        double[] lw = new double[kk];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < kk; k++) {
            double v = alpha * alpha * stds[k] * stds[k] + t.sigmaSquared();
            lw[k] = Math.log(weights[k]) + logComponent(x, k, alpha, v);
            max = Math.max(max, lw[k]);
        }
        double z = 0;
        for (int k = 0; k < kk; k++) {
            z += Math.exp(lw[k] - max);
        }
        return max + Math.log(z);
    }

    /**
     * The log-density of component {@code k} diffused, log p_t(x | k) = log N(x; α μ_k, v_k I).
     *
     * @param x a point of {@link #dim()} coordinates
     * @param t the noise level (α, σ)
     * @param k a component index, 0 ≤ k &lt; {@link #components()}
     */
    public double logDensity(double[] x, Timestep t, int k) {
        checkPoint(x);
        if (k < 0 || k >= weights.length) {
            throw new IllegalArgumentException("component " + k + " of a mixture of " + weights.length);
        }
        double alpha = t.alpha();
        return logComponent(x, k, alpha, alpha * alpha * stds[k] * stds[k] + t.sigmaSquared());
    }

    private void checkPoint(double[] x) {
        if (x.length != dim) {
            throw new IllegalArgumentException("the mixture is " + dim + "-dimensional, got a point of " + x.length);
        }
    }

    /** Responsibilities r_k(x_t) = p(k | x_t) for one point. */
    public double[] posterior(double[] x, Timestep t) {
        int kk = weights.length;
        double alpha = t.alpha();
        double[] lw = new double[kk];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < kk; k++) {
            double v = alpha * alpha * stds[k] * stds[k] + t.sigmaSquared();
            lw[k] = Math.log(weights[k]) + logComponent(x, k, alpha, v);
            max = Math.max(max, lw[k]);
        }
        double z = 0;
        for (int k = 0; k < kk; k++) {
            lw[k] = Math.exp(lw[k] - max);
            z += lw[k];
        }
        for (int k = 0; k < kk; k++) {
            lw[k] /= z;
        }
        return lw;
    }

    /** ∇ log p(x_t) (k &lt; 0) or ∇ log p(x_t | k) for one point, into {@code out}. */
    private void score(double[] x, Timestep t, int k, double[] out) {
        double alpha = t.alpha();
        Arrays.fill(out, 0);
        if (k >= 0) {
            double v = alpha * alpha * stds[k] * stds[k] + t.sigmaSquared();
            for (int j = 0; j < dim; j++) {
                out[j] = -(x[j] - alpha * means[k][j]) / v;
            }
            return;
        }
        double[] r = posterior(x, t);
        for (int c = 0; c < weights.length; c++) {
            double v = alpha * alpha * stds[c] * stds[c] + t.sigmaSquared();
            for (int j = 0; j < dim; j++) {
                out[j] -= r[c] * (x[j] - alpha * means[c][j]) / v;
            }
        }
    }

    private interface PointFn {
        void apply(double[] x, int label, double[] out);
    }

    private Tensor map(Tensor x, Conditions c, PointFn fn) {
        if (x.shape().rank() != 2 || x.shape().get(1) != dim) {
            throw new IllegalArgumentException(
                    "the mixture is " + dim + "-dimensional: expected shape [B, " + dim + "], got " + x.shape());
        }
        int n = x.batchSize();
        if (c.size() != n) {
            throw new IllegalArgumentException(c.size() + " conditions for a batch of " + n);
        }
        float[] in = x.toFloatArray();
        float[] out = new float[in.length];
        double[] p = new double[dim];
        double[] o = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                p[j] = in[i * dim + j];
            }
            fn.apply(p, label(c.get(i)), o);
            for (int j = 0; j < dim; j++) {
                out[i * dim + j] = (float) o[j];
            }
        }
        return x.factory().of(out, x.shape());
    }

    private int label(Condition c) {
        if (c instanceof Condition.Label l) {
            if (l.value() >= weights.length) {
                throw new IllegalArgumentException(
                        "label " + l.value() + " but the mixture has " + weights.length + " components");
            }
            return l.value();
        }
        if (c.isUnconditional()) {
            return -1;
        }
        throw new IllegalArgumentException("the mixture takes class labels or the null condition, not " + c);
    }

    /**
     * The exact ε*: conditional on the label for {@link Condition.Label}, unconditional for the null
     * condition.
     */
    public NoisePredictor epsilonPredictor() {
        return (x, t, c) -> map(x, c, (p, k, o) -> {
            score(p, t, k, o);
            double s = t.sigma();
            for (int j = 0; j < dim; j++) {
                o[j] = -s * o[j]; // ε* = −σ ∇ log p
            }
        });
    }

    /**
     * The exact predictor in the given parameterisation: ε* as above, x0* = E[x0 | x_t] (Tweedie:
     * Σ_k r_k (μ_k + α s_k²/v_k · (x_t − α μ_k))) and v* = α ε* − σ x0*, each computed directly so all
     * three stay finite at zero terminal SNR (α = 0).
     */
    public NoisePredictor predictor(PredictionType type) {
        if (type == PredictionType.EPSILON) {
            return epsilonPredictor();
        }
        return NoisePredictor.of(
                type,
                (x, t, c) -> map(x, c, (p, k, o) -> {
                    double alpha = t.alpha();
                    double sigma = t.sigma();
                    double[] x0 = new double[dim];
                    double @Nullable [] r = k >= 0 ? null : posterior(p, t); // null: the component k is known
                    for (int comp = 0; comp < weights.length; comp++) {
                        double w = r == null ? (comp == k ? 1 : 0) : r[comp];
                        if (w == 0) {
                            continue;
                        }
                        double v = alpha * alpha * stds[comp] * stds[comp] + t.sigmaSquared();
                        for (int j = 0; j < dim; j++) {
                            x0[j] += w
                                    * (means[comp][j]
                                            + alpha * stds[comp] * stds[comp] / v * (p[j] - alpha * means[comp][j]));
                        }
                    }
                    if (type == PredictionType.SAMPLE) {
                        System.arraycopy(x0, 0, o, 0, dim);
                        return;
                    }
                    score(p, t, k, o);
                    for (int j = 0; j < dim; j++) {
                        double eps = -sigma * o[j];
                        o[j] = alpha * eps - sigma * x0[j]; // v = α ε − σ x0
                    }
                }));
    }

    /** The exact ∇ log p(k | x_t) (zero for the null condition). */
    public ClassifierGradient classifierGradient() {
        return (x, t, c) -> map(x, c, (p, k, o) -> {
            if (k < 0) {
                Arrays.fill(o, 0);
                return;
            }
            double[] u = new double[dim];
            score(p, t, -1, u);
            score(p, t, k, o);
            for (int j = 0; j < dim; j++) {
                o[j] -= u[j];
            }
        });
    }

    /** The index of the component with the highest posterior at the clean level (for classifying samples). */
    public int classify(double[] x) {
        double[] r = posterior(x, Timestep.ofAlphaBar(0, 1 - 1e-12));
        int best = 0;
        for (int k = 1; k < r.length; k++) {
            if (r[k] > r[best]) {
                best = k;
            }
        }
        return best;
    }

    /** {@code n} exact draws from the mixture, seeded, with their component labels. */
    public Draws sample(int n, long seed) {
        SdkNoise.Normal rng = SdkNoise.normal(seed);
        float[] x = new float[n * dim];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double u = rng.nextUniform();
            int k = 0;
            double acc = weights[0];
            while (u >= acc && k < weights.length - 1) {
                acc += weights[++k];
            }
            labels[i] = k;
            for (int j = 0; j < dim; j++) {
                x[i * dim + j] = (float) (means[k][j] + stds[k] * rng.nextGaussian());
            }
        }
        return new Draws(ArrayTensor.wrap(x, Shape.of(n, dim)), labels);
    }

    /** Samples with their component labels. */
    public record Draws(Tensor x, int[] labels) {
        public Draws {
            labels = labels.clone();
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }
    }

    /** A well-separated 2-D mixture of three components, handy for tests and demos. */
    public static GaussianMixture threeBlobs2d() {
        return new GaussianMixture(
                new double[] {0.5, 0.3, 0.2}, new double[][] {{-2, 0}, {2, 1}, {0.5, -2.5}}, new double[] {0.5, 0.4, 0.3
                });
    }

    /** Summary statistics of a [n, d] batch: mean and covariance. */
    public static Moments moments(Tensor x) {
        int n = x.batchSize();
        int d = x.shape().get(1);
        float[] a = x.toFloatArray();
        double[] m = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                m[j] += a[i * d + j];
            }
        }
        for (int j = 0; j < d; j++) {
            m[j] /= n;
        }
        double[][] c = new double[d][d];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < d; p++) {
                for (int q = 0; q < d; q++) {
                    c[p][q] += (a[i * d + p] - m[p]) * (a[i * d + q] - m[q]);
                }
            }
        }
        for (int p = 0; p < d; p++) {
            for (int q = 0; q < d; q++) {
                c[p][q] /= n - 1;
            }
        }
        return new Moments(m, c);
    }

    /** Mean and covariance of a batch. */
    public record Moments(double[] mean, double[][] covariance) {}

    /** The rows of a [n, d] tensor as double arrays. */
    public static List<double[]> rows(Tensor x) {
        int n = x.batchSize();
        int d = x.shape().get(1);
        float[] a = x.toFloatArray();
        List<double[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] r = new double[d];
            for (int j = 0; j < d; j++) {
                r[j] = a[i * d + j];
            }
            out.add(r);
        }
        return out;
    }
}
