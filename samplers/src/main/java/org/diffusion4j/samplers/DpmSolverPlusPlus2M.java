package org.diffusion4j.samplers;

import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * DPM-Solver++(2M) (Lu et al. 2022, arXiv 2211.01095, Algorithm 2, the multistep second-order solver in the
 * data-prediction form), in σ-space (α = 1, λ = −log σ). For a step σ_i → σ_{i+1} with h_i = log(σ_i/σ_{i+1}):
 * <pre>
 *   x_{i+1} = (σ_{i+1}/σ_i)·x_i − (e^{−h_i} − 1)·D̃_i                         (Algorithm 2, the update line)
 *   D̃_i     = (1 + 1/(2r_i))·D_i − 1/(2r_i)·D_{i−1},  r_i = h_{i−1}/h_i         (second order)
 *   D̃_i     = D_i                                                     (first step; last step, see below)
 * </pre>
 * The last step is first order when it reaches σ = 0 (then x = D) or, as diffusers' {@code lower_order_final},
 * when the run has fewer than 15 steps. First order is DDIM with η = 0. diffusers:
 * {@code DPMSolverMultistepScheduler(algorithm_type="dpmsolver++", solver_order=2, solver_type="midpoint")};
 * k-diffusion: {@code sample_dpmpp_2m}.
 *
 * <p>Other solver orders (diffusers' {@code solver_order}): 1 is the first-order update at every step (DDIM); 3 adds
 * the third-order multistep update (Lu et al. 2022, arXiv 2206.00927 §3.3 and 2211.01095; diffusers'
 * {@code multistep_dpm_solver_third_order_update}), with h, h_0 = log(σ_{i−1}/σ_i), h_1 = log(σ_{i−2}/σ_{i−1}),
 * r_0 = h_0/h, r_1 = h_1/h, D1_0 = (D_i − D_{i−1})/r_0, D1_1 = (D_{i−1} − D_{i−2})/r_1:
 * <pre>
 *   D1 = D1_0 + r_0/(r_0 + r_1)·(D1_0 − D1_1),   D2 = (D1_0 − D1_1)/(r_0 + r_1)
 *   x_{i+1} = (σ_{i+1}/σ_i)·x_i − (e^{−h} − 1)·D_i + ((e^{−h} − 1)/h + 1)·D1 − ((e^{−h} − 1 + h)/h² − ½)·D2
 * </pre>
 * Orders warm up 1, 2, 3; as diffusers, the last step is first order (σ = 0, or fewer than 15 steps) and the one
 * before it at most second order when the run has fewer than 15 steps. Deterministic; immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class DpmSolverPlusPlus2M extends SigmaSampler {

    private final int order;

    /** DPM-Solver++(2M): solver order 2. */
    public DpmSolverPlusPlus2M(int steps, SigmaSpacing spacing) {
        this(steps, spacing, 2);
    }

    /**
     * DPM-Solver++ multistep of solver order 1, 2 or 3 (diffusers' {@code solver_order}).
     *
     * @throws IllegalArgumentException for another order
     */
    public DpmSolverPlusPlus2M(int steps, SigmaSpacing spacing, int order) {
        this(steps, spacing, order, SampleProcessing.NONE);
    }

    /**
     * DPM-Solver++ of solver order 1..3 with the data prediction processed before use (diffusers'
     * {@code thresholding}: {@link SampleProcessing#dynamicThreshold}, applied to x̂0 in {@code convert_model_output}).
     */
    public DpmSolverPlusPlus2M(int steps, SigmaSpacing spacing, int order, SampleProcessing processing) {
        super("dpmpp_2m", steps, spacing);
        if (order < 1 || order > 3) {
            throw new IllegalArgumentException("dpmpp_2m: solverOrder must be in [1, 3], got " + order);
        }
        this.order = order;
        this.processing = processing;
    }

    private final SampleProcessing processing;

    public int order() {
        return order;
    }

    /** What is done to x̂0 before use (thresholding; none by default). */
    public SampleProcessing processing() {
        return processing;
    }

    /** The order of step i of n onto σ_{i+1} with {@code lowerOrderNums} earlier steps (diffusers' step()). */
    static int stepOrder(int order, int i, int n, double sigmaNext, int lowerOrderNums) {
        boolean lowerOrderFinal = i == n - 1 && (sigmaNext == 0 || n < 15);
        boolean lowerOrderSecond = i == n - 2 && n < 15;
        if (order == 1 || lowerOrderNums < 1 || lowerOrderFinal) {
            return 1;
        }
        if (order == 2 || lowerOrderNums < 2 || lowerOrderSecond) {
            return 2;
        }
        return 3;
    }

    /** Whether step i of n of the 2M solver uses the first-order update (no history, the final step of a short run, σ' = 0). */
    static boolean firstOrder(int i, int n, double sigmaNext, boolean hasHistory) {
        return !hasHistory || sigmaNext == 0 || (i == n - 1 && n < 15);
    }

    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        return new SigmaMachine(trajectory) {
            // D_{i−1}, D_{i−2}, newest first (at most two): a step of order k uses the first k − 1, which are there
            // because stepOrder gives k ≤ lowerOrderNums + 1 and every step adds one
            private final List<Tensor> history = new ArrayList<>(3);
            private int lowerOrderNums;

            @Override
            Tensor step(Prediction p, int i, Tensor x, @Nullable Tensor noise) {
                Tensor d = processing.isNone() ? p.x0() : processing.apply(p).x0();
                denoised = d;
                double s = tr.sigma(i);
                double sn = tr.sigma(i + 1);
                int k = stepOrder(order, i, n, sn, lowerOrderNums);
                Tensor next;
                if (sn == 0) {
                    next = d;
                } else {
                    double h = Math.log(s / sn);
                    double phi = Math.expm1(-h); // e^{−h} − 1
                    if (k == 1) {
                        next = x.linear(sn / s, d, -phi);
                    } else if (k == 2) {
                        double c = 1 / (2 * (Math.log(tr.sigma(i - 1) / s) / h)); // 1/(2r)
                        next = x.linear(sn / s, d.linear(1 + c, history.get(0), -c), -phi);
                    } else {
                        double r0 = Math.log(tr.sigma(i - 1) / s) / h;
                        double r1 = Math.log(tr.sigma(i - 2) / tr.sigma(i - 1)) / h;
                        Tensor old = history.get(0);
                        Tensor d10 = d.linear(1 / r0, old, -1 / r0);
                        Tensor d11 = old.linear(1 / r1, history.get(1), -1 / r1);
                        Tensor diff = d10.linear(1, d11, -1);
                        Tensor d1 = d10.linear(1, diff, r0 / (r0 + r1));
                        double c1 = phi / h + 1;
                        double c2 = -((phi + h) / (h * h) - 0.5);
                        next = x.linear(sn / s, d, -phi).linear(1, d1, c1, diff, c2 / (r0 + r1));
                    }
                }
                history.add(0, d);
                if (history.size() > 2) {
                    history.remove(2);
                }
                if (lowerOrderNums < order) {
                    lowerOrderNums++;
                }
                return next;
            }
        };
    }

    @Override
    public String toString() {
        return "DpmSolverPlusPlus2M[" + fields() + (order == 2 ? "" : ", order=" + order)
                + (processing.isNone() ? "" : ", processing=" + processing) + "]";
    }
}
