package org.diffusion4j.samplers;

import java.util.ArrayDeque;
import java.util.Deque;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.tensor.Tensor;

/**
 * PNDM's pseudo linear multistep method (Liu et al. 2022, arXiv 2202.09778, S-PNDM/PLMS, eqs. 12–13 with the
 * transfer φ of eq. 11), with diffusers' {@code PNDMScheduler(skip_prk_steps=True)} semantics. The transfer φ
 * is the DDIM step, which in σ-space reads φ(x, ε, σ → σ') = x + (σ' − σ)·ε, ε = (x − D)/σ. With e_i = ε(x_i, σ_i):
 * <pre>
 *   step 0 (n ≥ 2): x' = φ(x_0, e_0),  e' = ε(x', σ_1),  x_1 = φ(x_0, (e_0 + e')/2)          (2nd-order start; e' is discarded)
 *   step 1:          x_2 = φ(x_1, (3e_1 − e_0)/2)
 *   step 2:          x_3 = φ(x_2, (23e_2 − 16e_1 + 5e_0)/12)
 *   step i ≥ 3:      x_{i+1} = φ(x_i, (55e_i − 59e_{i−1} + 37e_{i−2} − 9e_{i−3})/24)           (eq. 12)
 * </pre>
 * n steps take n + 1 model calls (one step: a single DDIM step). The coefficients assume equal steps, as the
 * paper's. With {@link SigmaSpacing#schedule()} on a discrete schedule with {@code leading} spacing the levels,
 * including the final ᾱ (1, or ᾱ_0 without {@code set_alpha_to_one}), are diffusers'. Immutable and thread-safe.
 */
public final class Pndm extends SigmaSampler {

    public Pndm(int steps, SigmaSpacing spacing) {
        super("pndm", steps, spacing);
    }

    /** The combined ε of eq. 12 and its warm-up, from the history (newest first, 1..4 entries). */
    static double[] weights(int available) {
        return switch (available) {
            case 1 -> new double[] {1};
            case 2 -> new double[] {1.5, -0.5};
            case 3 -> new double[] {23 / 12.0, -16 / 12.0, 5 / 12.0};
            default -> new double[] {55 / 24.0, -59 / 24.0, 37 / 24.0, -9 / 24.0};
        };
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        SigmaRun r = SigmaRun.start(request, steps(), spacing(), "pndm", listener);
        Tensor x = r.initial();
        Deque<Tensor> ets = new ArrayDeque<>(); // newest first
        for (int i = 0; i < r.n; i++) {
            double s = r.sigma(i);
            double sn = r.sigma(i + 1);
            Tensor den = r.denoise(x, i, i);
            Tensor e = x.linear(1 / s, den, -1 / s);
            ets.addFirst(e);
            if (ets.size() > 4) {
                ets.removeLast();
            }
            Tensor comb;
            if (i == 0 && r.n > 1) {
                Tensor xp = x.linear(1, e, sn - s);
                Tensor dp = r.denoise(xp, 1, 0);
                comb = e.linear(0.5, xp.linear(1 / sn, dp, -1 / sn), 0.5);
            } else {
                double[] w = weights(ets.size());
                comb = null;
                int j = 0;
                for (Tensor et : ets) {
                    comb = comb == null ? et.times(w[j]) : comb.linear(1, et, w[j]);
                    j++;
                }
            }
            x = x.linear(1, comb, sn - s);
            r.completed(i, x, den);
        }
        return r.result(x);
    }

    @Override
    public String toString() {
        return "Pndm[" + fields() + "]";
    }
}
