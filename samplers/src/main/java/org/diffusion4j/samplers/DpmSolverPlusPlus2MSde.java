package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * SDE-DPM-Solver++(2M) (Lu et al. 2022, arXiv 2211.01095, §5 and Appendix; the multistep second-order solver
 * of the reverse SDE in data-prediction form, midpoint variant), in σ-space (α = 1). With h = log(σ_i/σ_{i+1}):
 * <pre>
 *   x_{i+1} = (σ_{i+1}/σ_i)·e^{−ηh}·x_i + (1 − e^{−(1+η)h})·D_i
 *           + ½(1 − e^{−(1+η)h})·(D_i − D_{i−1})/r_i       (second order, r_i = h_{i−1}/h_i)
 *           + σ_{i+1}·√(1 − e^{−2ηh})·z
 * </pre>
 * η = 1 is the SDE of the paper (diffusers {@code algorithm_type="sde-dpmsolver++"}); η = 0 is
 * {@link DpmSolverPlusPlus2M}. First/last-step rules as there; no noise on a step to σ = 0.
 * k-diffusion: {@code sample_dpmpp_2m_sde}. Immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class DpmSolverPlusPlus2MSde extends SigmaSampler {
    private final double eta;

    private final SampleProcessing processing;

    public DpmSolverPlusPlus2MSde(int steps, double eta, SigmaSpacing spacing) {
        this(steps, eta, spacing, SampleProcessing.NONE);
    }

    /** With x̂0 processed before use (diffusers' {@code thresholding}). */
    public DpmSolverPlusPlus2MSde(int steps, double eta, SigmaSpacing spacing, SampleProcessing processing) {
        super("dpmpp_2m_sde", steps, spacing);
        this.processing = processing;
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("dpmpp_2m_sde: eta must be in [0, 1], got " + eta);
        }
        this.eta = eta;
    }

    public double eta() {
        return eta;
    }

    /** What is done to x̂0 before use (thresholding; none by default). */
    public SampleProcessing processing() {
        return processing;
    }

    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        return new SigmaMachine(trajectory) {
            private @Nullable Tensor old;
            private double hLast = Double.NaN;

            /** σ_{i+1}·√(1 − e^{−2ηh}), 0 onto σ = 0. */
            private double noiseStd(int i) {
                double s = tr.sigma(i);
                double sn = tr.sigma(i + 1);
                return sn == 0 ? 0 : sn * Math.sqrt(-Math.expm1(-2 * eta * Math.log(s / sn)));
            }

            @Override
            boolean needsNoise(int i) {
                return noiseStd(i) > 0;
            }

            @Override
            Tensor step(Prediction p, int i, Tensor x, @Nullable Tensor noise) {
                Tensor d = processing.isNone() ? p.x0() : processing.apply(p).x0();
                denoised = d;
                double s = tr.sigma(i);
                double sn = tr.sigma(i + 1);
                Tensor next;
                if (sn == 0) {
                    next = d;
                } else {
                    double h = Math.log(s / sn);
                    double a = -Math.expm1(-h - eta * h); // 1 − e^{−(1+η)h}
                    Tensor dd = d;
                    Tensor previous = old;
                    if (previous != null
                            && !DpmSolverPlusPlus2M.firstOrder(i, n, sn, true)) { // no history: first order
                        double k = 0.5 / (hLast / h); // ½ · 1/r
                        dd = d.linear(1 + k, previous, -k);
                    }
                    double std = sn * Math.sqrt(-Math.expm1(-2 * eta * h));
                    double xc = sn / s * Math.exp(-eta * h);
                    next = noise != null ? x.linear(xc, dd, a, noise, std) : x.linear(xc, dd, a);
                    hLast = h;
                }
                old = d;
                return next;
            }
        };
    }

    @Override
    public String toString() {
        return "DpmSolverPlusPlus2MSde[" + fields() + ", eta=" + eta
                + (processing.isNone() ? "" : ", processing=" + processing) + "]";
    }
}
