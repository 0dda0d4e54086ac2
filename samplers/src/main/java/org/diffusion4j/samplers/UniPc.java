package org.diffusion4j.samplers;

import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * UniPC (Zhao et al. 2023, arXiv 2302.04867): the predictor UniP-2 and the corrector UniC (Algorithms 1–2 in
 * the data-prediction form, B(h) = e^{h} − 1 "bh2" of §3.3), with diffusers'
 * {@code UniPCMultistepScheduler(solver_order=2, predict_x0=True, solver_type="bh2", lower_order_final=True)}
 * semantics, in σ-space (α = 1, λ = −log σ, h = λ_t − λ_s = log(σ_s/σ_t)). With m_i = D(x̃_i; σ_i) taken at the
 * <em>uncorrected</em> point x̃_i and B = e^{−h} − 1:
 * <pre>
 *   predictor, order 1:  x̃_t = (σ_t/σ_s)·x_s − B·m_s                                           (DDIM)
 *   predictor, order 2:  x̃_t = (σ_t/σ_s)·x_s − B·m_s − B·½·(m_{s1} − m_s)/r_1,  r_1 = (λ_{s1} − λ_s)/h   (eq. 9, a_1 = ½)
 *   corrector, order 1:  x_t  = (σ_t/σ_s)·x_s − B·m_s − B·½·(m_t − m_s)
 *   corrector, order 2:  x_t  = (σ_t/σ_s)·x_s − B·m_s − B·(ρ_1·(m_{s1} − m_s)/r_1 + ρ_2·(m_t − m_s))
 *                        [1 1; r_1 1]·ρ = (g_1, g_2)/B,  g_1 = φ_2(h)·1!, g_2 = φ_3(h)·2!   (eq. 11, the linear system of UniC)
 * </pre>
 * with φ_1(−h)·(−h) = e^{−h} − 1, φ_{k+1} = φ_k/(−h) − 1/k! (diffusers' recursion for h·φ_k). Each model call is
 * followed by the corrector of the previous step (order = that step's predictor order); the corrected state
 * feeds the next predictor. Orders warm up 1, 2, …; the last step is first order (lower_order_final), and the
 * step to σ = 0 returns m. Deterministic; immutable and thread-safe.
 */
public final class UniPc extends SigmaSampler {

    public UniPc(int steps, SigmaSpacing spacing) {
        super("unipc", steps, spacing);
    }

    /** ρ of the order-2 corrector for a step of h with r_1. */
    static double[] correctorRhos(double h, double r1) {
        double hh = -h;
        double hPhi1 = Math.expm1(hh);
        double bh = hPhi1; // bh2
        double hPhiK = hPhi1 / hh - 1;
        double b1 = hPhiK / bh;
        hPhiK = hPhiK / hh - 0.5;
        double b2 = hPhiK * 2 / bh;
        double rho0 = (b1 - b2) / (1 - r1);
        return new double[] {rho0, b1 - rho0};
    }

    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        return new SigmaMachine(trajectory) {
            private @Nullable Tensor last; // the corrected state at σ_{i−1}
            private @Nullable Tensor m1; // m_{i−1}
            private @Nullable Tensor m2; // m_{i−2}
            private int lastOrder;
            private int lowerOrderNums;

            @Override
            Tensor step(Prediction p, int i, Tensor x, @Nullable Tensor noise) {
                Tensor m = p.sample();
                denoised = m;
                if (i > 0 && last != null && m1 != null) {
                    // corrector of the step σ_{i−1} → σ_i
                    double ss = tr.sigma(i - 1);
                    double st = tr.sigma(i);
                    double h = Math.log(ss / st);
                    double bh = Math.expm1(-h);
                    Tensor base = last.linear(st / ss, m1, -bh);
                    if (lastOrder == 1 || m2 == null) {
                        x = base.linear(1, m.linear(1, m1, -1), -bh * 0.5);
                    } else {
                        double rk = Math.log(tr.sigma(i - 2) / tr.sigma(i - 1)) / h * -1; // (λ_{s1} − λ_s)/h
                        double[] rho = correctorRhos(h, rk);
                        Tensor d1 = m2.linear(1 / rk, m1, -1 / rk);
                        x = base.linear(1, d1, -bh * rho[0], m.linear(1, m1, -1), -bh * rho[1]);
                    }
                }
                m2 = m1;
                m1 = m;
                int order = Math.min(2, n - i); // lower_order_final
                order = Math.min(order, lowerOrderNums + 1);
                last = x;
                double s = tr.sigma(i);
                double sn = tr.sigma(i + 1);
                Tensor next;
                if (sn == 0) {
                    next = m;
                } else {
                    double h = Math.log(s / sn);
                    double bh = Math.expm1(-h);
                    Tensor base = x.linear(sn / s, m, -bh);
                    if (order == 2) {
                        double rk = -Math.log(tr.sigma(i - 1) / s) / h; // (λ_{s1} − λ_s)/h, negative
                        Tensor d1 = m2.linear(1 / rk, m, -1 / rk);
                        next = base.linear(1, d1, -bh * 0.5);
                    } else {
                        next = base;
                    }
                }
                lastOrder = order;
                if (lowerOrderNums < 2) {
                    lowerOrderNums++;
                }
                return next;
            }
        };
    }

    @Override
    public String toString() {
        return "UniPc[" + fields() + "]";
    }
}
