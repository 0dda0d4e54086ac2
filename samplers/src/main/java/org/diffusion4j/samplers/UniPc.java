package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * UniPC (Zhao et al. 2023, arXiv 2302.04867): the predictor UniP-p and the corrector UniC-p (Algorithms 1–2 in the
 * data-prediction form), with diffusers' {@code UniPCMultistepScheduler(predict_x0=True, lower_order_final=True)}
 * semantics for {@code solver_order} p ∈ {1, 2, 3}, {@code solver_type} bh1 (B(h) = h) or bh2 (B(h) = e^h − 1), and
 * {@code disable_corrector}; in σ-space (α = 1, λ = −log σ, h = λ_t − λ_s = log(σ_s/σ_t)). With m_i = D(x̃_i; σ_i)
 * taken at the <em>uncorrected</em> point x̃_i, φ = e^{−h} − 1 and B = B(−h):
 * <pre>
 *   predictor UniP-K:  x̃_t = (σ_t/σ_s)·x_s − φ·m_s − B·Σ_{k&lt;K} ρ^p_k·D_k,    D_k = (m_{s−k} − m_s)/r_k,  r_k = (λ_{s−k} − λ_s)/h
 *   corrector UniC-K:  x_t  = (σ_t/σ_s)·x_s − φ·m_s − B·(Σ_{k&lt;K} ρ^c_k·D_k + ρ^c_K·(m_t − m_s))
 *   R·ρ = g,  R_{jk} = r_k^{j−1} (r_K = 1),  g_j = j!·h·φ_{j+1}(−h)/B                      (eq. 11, the linear system of UniC)
 * </pre>
 * with ρ^p = ½ for K = 2, ρ^p solving the leading (K−1)×(K−1) block for K = 3, ρ^c = ½ for K = 1, and
 * h·φ_{k+1} = h·φ_k/(−h) − 1/k! (diffusers' recursion). Each model call is followed by the corrector of the previous
 * step (order = that step's predictor order) unless that step's index is in {@code disableCorrector}; the corrected
 * state feeds the next predictor. Orders warm up 1, 2, …; the last steps are capped at the steps left
 * (lower_order_final); the step to σ = 0 returns m (the limit h → ∞ of the update). Deterministic; immutable and
 * thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class UniPc extends SigmaSampler {

    /** diffusers' {@code solver_type}: the B(h) of the update. */
    public enum Variant {
        /** B(h) = h. */
        BH1,
        /** B(h) = e^h − 1 (the default). */
        BH2;

        /** Parses {@code bh1} or {@code bh2}. */
        public static Variant parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "bh1" -> BH1;
                case "bh2" -> BH2;
                default -> throw new IllegalArgumentException("unknown unipc solverType '" + s + "'; known: bh1, bh2");
            };
        }
    }

    private final int order;
    private final Variant variant;
    private final java.util.Set<Integer> disableCorrector;
    private final SampleProcessing processing;

    /** UniPC with order 2, bh2, the corrector after every step. */
    public UniPc(int steps, SigmaSpacing spacing) {
        this(steps, spacing, 2, Variant.BH2, java.util.Set.of());
    }

    /**
     * @param order            diffusers' {@code solver_order}, 1..3
     * @param variant          bh1 or bh2
     * @param disableCorrector step indices whose corrector is skipped (diffusers' {@code disable_corrector})
     */
    public UniPc(int steps, SigmaSpacing spacing, int order, Variant variant, java.util.Set<Integer> disableCorrector) {
        this(steps, spacing, order, variant, disableCorrector, SampleProcessing.NONE);
    }

    /** With the data prediction processed before use (diffusers' {@code thresholding}). */
    public UniPc(
            int steps,
            SigmaSpacing spacing,
            int order,
            Variant variant,
            java.util.Set<Integer> disableCorrector,
            SampleProcessing processing) {
        super("unipc", steps, spacing);
        this.processing = processing;
        if (order < 1 || order > 3) {
            throw new IllegalArgumentException("unipc: solverOrder must be in [1, 3], got " + order);
        }
        for (int i : disableCorrector) {
            if (i < 0) {
                throw new IllegalArgumentException("unipc: disableCorrector holds step indices >= 0, got " + i);
            }
        }
        this.order = order;
        this.variant = variant;
        this.disableCorrector = java.util.Set.copyOf(disableCorrector);
    }

    public int order() {
        return order;
    }

    public Variant variant() {
        return variant;
    }

    public java.util.Set<Integer> disableCorrector() {
        return disableCorrector;
    }

    /** What is done to x̂0 before use (thresholding; none by default). */
    public SampleProcessing processing() {
        return processing;
    }

    /** ρ of the order-2 bh2 corrector for a step of h with r_1 (closed form of the 2×2 system). */
    static double[] correctorRhos(double h, double r1) {
        return rhos(h, new double[] {r1, 1}, Variant.BH2, 2, true);
    }

    /**
     * ρ of UniC-K ({@code corrector}: the K×K system, ½ for K = 1) or UniP-K (the leading (K−1)×(K−1) block, ½ for
     * K = 2), r the K ratios r_1..r_{K−1}, 1.
     */
    static double[] rhos(double h, double[] r, Variant variant, int k, boolean corrector) {
        if (corrector && k == 1 || !corrector && k == 2) {
            return new double[] {0.5};
        }
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double bh = variant == Variant.BH1 ? hh : hPhi1;
        double hPhiK = hPhi1 / hh - 1;
        double fact = 1;
        double[] g = new double[k];
        for (int j = 0; j < k; j++) {
            g[j] = hPhiK * fact / bh;
            fact *= j + 2;
            hPhiK = hPhiK / hh - 1 / fact;
        }
        int m = corrector ? k : k - 1;
        double[][] a = new double[m][m + 1];
        for (int j = 0; j < m; j++) {
            for (int c = 0; c < m; c++) {
                a[j][c] = Math.pow(r[c], j);
            }
            a[j][m] = g[j];
        }
        return solve(a);
    }

    /** Gaussian elimination with partial pivoting of an augmented m×(m+1) system. */
    static double[] solve(double[][] a) {
        int m = a.length;
        for (int c = 0; c < m; c++) {
            int p = c;
            for (int r = c + 1; r < m; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
                    p = r;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            for (int r = c + 1; r < m; r++) {
                double f = a[r][c] / a[c][c];
                for (int q = c; q <= m; q++) {
                    a[r][q] -= f * a[c][q];
                }
            }
        }
        double[] x = new double[m];
        for (int r = m - 1; r >= 0; r--) {
            double v = a[r][m];
            for (int q = r + 1; q < m; q++) {
                v -= a[r][q] * x[q];
            }
            x[r] = v / a[r][r];
        }
        return x;
    }

    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        return new SigmaMachine(trajectory) {
            private final java.util.ArrayDeque<Tensor> ms =
                    new java.util.ArrayDeque<>(); // m_{i}, m_{i−1}, … newest first
            private @Nullable Tensor last; // the corrected state the last predictor started from
            private int thisOrder;
            private int lowerOrderNums;

            /** λ_a − λ_b = log(σ_b/σ_a). */
            private double lambdaDiff(int a, int b) {
                return Math.log(tr.sigma(b) / tr.sigma(a));
            }

            /** One update from x at level s to level t with K, the history ms (newest = m_s) and m_t for the corrector. */
            private Tensor update(Tensor x, int s, int t, int k, @Nullable Tensor mt) {
                double h = lambdaDiff(t, s);
                double hh = -h;
                double phi = Math.expm1(hh);
                double bh = variant == Variant.BH1 ? hh : phi;
                Tensor m0 = ms.peekFirst();
                Tensor out = x.linear(tr.sigma(t) / tr.sigma(s), m0, -phi);
                boolean corrector = mt != null;
                if (k == 1 && !corrector) {
                    return out;
                }
                double[] r = new double[k];
                java.util.Iterator<Tensor> it = ms.iterator();
                it.next();
                Tensor[] d = new Tensor[k - 1];
                for (int j = 1; j < k; j++) {
                    r[j - 1] = lambdaDiff(s - j, s) / h;
                    d[j - 1] = it.next().linear(1 / r[j - 1], m0, -1 / r[j - 1]);
                }
                r[k - 1] = 1;
                double[] rho = rhos(h, r, variant, k, corrector);
                for (int j = 0; j < k - 1; j++) {
                    out = out.linear(1, d[j], -bh * rho[j]);
                }
                if (mt != null) { // the corrector
                    out = out.linear(1, mt.linear(1, m0, -1), -bh * rho[k - 1]);
                }
                return out;
            }

            @Override
            Tensor step(Prediction p, int i, Tensor x, @Nullable Tensor noise) {
                Tensor m = processing.isNone() ? p.x0() : processing.apply(p).x0();
                denoised = m;
                if (i > 0 && last != null && !disableCorrector.contains(i - 1)) {
                    x = update(last, i - 1, i, thisOrder, m); // UniC of the step σ_{i−1} → σ_i
                }
                ms.addFirst(m);
                if (ms.size() > order) {
                    ms.removeLast();
                }
                thisOrder = Math.min(Math.min(order, n - i), lowerOrderNums + 1); // lower_order_final; warm-up
                last = x;
                Tensor next = tr.sigma(i + 1) == 0 ? m : update(x, i, i + 1, thisOrder, null);
                if (lowerOrderNums < order) {
                    lowerOrderNums++;
                }
                return next;
            }
        };
    }

    @Override
    public String toString() {
        return "UniPc[" + fields() + (order == 2 ? "" : ", order=" + order)
                + (variant == Variant.BH2 ? "" : ", variant=bh1")
                + (disableCorrector.isEmpty() ? "" : ", disableCorrector=" + new java.util.TreeSet<>(disableCorrector))
                + (processing.isNone() ? "" : ", processing=" + processing) + "]";
    }
}
