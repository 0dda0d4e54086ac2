package org.diffusion4j.samplers;

import java.util.ArrayDeque;
import java.util.Deque;
import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * Linear multistep (variable-step Adams–Bashforth) on the probability-flow ODE dx/dσ = d(x, σ) = (x − D)/σ
 * (Karras et al. 2022 eq. 4; k-diffusion {@code sample_lms}, diffusers {@code LMSDiscreteScheduler}): with
 * the last k = min(i + 1, order) derivatives, the Lagrange polynomial through (σ_{i−j}, d_{i−j}) is integrated
 * over the step (Hairer, Nørsett &amp; Wanner, <i>Solving ODEs I</i>, §III.5, eq. 5.5):
 * <pre>
 *   x_{i+1} = x_i + Σ_{j&lt;k} c_j·d_{i−j},   c_j = ∫_{σ_i}^{σ_{i+1}} Π_{m&lt;k, m≠j} (τ − σ_{i−m})/(σ_{i−j} − σ_{i−m}) dτ
 * </pre>
 * The integrals are exact (polynomial antiderivatives), where diffusers calls scipy's quadrature. Order up to
 * 4; the first steps warm up with orders 1, 2, 3. Deterministic; immutable and thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class Lms extends SigmaSampler {
    private final int order;

    public Lms(int steps, int order, SigmaSpacing spacing) {
        super("lms", steps, spacing);
        if (order < 1 || order > 4) {
            throw new IllegalArgumentException("lms: order must be in [1, 4], got " + order);
        }
        this.order = order;
    }

    public int order() {
        return order;
    }

    /**
     * c_j of step i over σ (j = 0 the newest derivative).
     *
     * @param k the order used, ≤ i + 1
     */
    public static double[] coefficients(double[] sigmas, int i, int k) {
        double[] c = new double[k];
        for (int j = 0; j < k; j++) {
            // the Lagrange basis polynomial ℓ_j(τ) as power-series coefficients
            double[] poly = {1};
            for (int m = 0; m < k; m++) {
                if (m == j) {
                    continue;
                }
                double node = sigmas[i - m];
                double denom = sigmas[i - j] - node;
                double[] next = new double[poly.length + 1];
                for (int p = 0; p < poly.length; p++) {
                    next[p + 1] += poly[p] / denom;
                    next[p] -= poly[p] * node / denom;
                }
                poly = next;
            }
            double a = sigmas[i];
            double b = sigmas[i + 1];
            double integral = 0;
            for (int p = poly.length - 1; p >= 0; p--) {
                integral += poly[p] * (Math.pow(b, p + 1) - Math.pow(a, p + 1)) / (p + 1);
            }
            c[j] = integral;
        }
        return c;
    }

    @Override
    SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule) {
        double[] sigmas = trajectory.sigmas();
        return new SigmaMachine(trajectory) {
            private final Deque<Tensor> ds = new ArrayDeque<>(); // newest first

            @Override
            Tensor step(Prediction p, int i, Tensor x, @Nullable Tensor noise) {
                Tensor den = p.x0();
                denoised = den;
                ds.addFirst(x.linear(1 / sigmas[i], den, -1 / sigmas[i])); // d_i = (x − D)/σ
                if (ds.size() > order) {
                    ds.removeLast();
                }
                int k = Math.min(i + 1, order);
                double[] c = coefficients(sigmas, i, k);
                Tensor next = x;
                int j = 0;
                for (Tensor d : ds) {
                    next = next.linear(1, d, c[j++]);
                }
                return next;
            }
        };
    }

    @Override
    public String toString() {
        return "Lms[" + fields() + ", order=" + order + "]";
    }
}
