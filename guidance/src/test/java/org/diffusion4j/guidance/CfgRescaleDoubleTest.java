package org.diffusion4j.guidance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.GuidanceContext;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * CFG guidance rescale (Lin et al. 2023, §3.4; diffusers' {@code rescale_noise_cfg}) on float64 tensors against a
 * float64 reference: the per-sample standard deviations are reduced in double from the tensor's own elements, never
 * from float32 copies (issue 10).
 *
 * <p>Tolerance: each std is a two-pass reduction of n = 64 terms: relative error ≤ γ_{n+3} (sum, division, centring,
 * n squares summed, sqrt); f = std(ε_c)/std(g) then ≤ 2γ_{n+3} + u; g itself (3 operations) ≤ γ_3 relative to its
 * terms |ε_u| + γ|ε_c − ε_u| ≤ 4·|ε|max·γ; the output φ f g + (1 − φ) g adds γ_3. Bound: u₆₄ · magnitude 64 ·
 * growth (2(n + 3) + 9) · safety 4 (both sides round). A float32 round trip would be off by ~1e-7 relative, 10⁸
 * times this bound.
 */
class CfgRescaleDoubleTest {
    static final int B = 3;
    static final int PER = 64;

    static double eps(int i, int j, boolean cond) {
        return Math.sin(0.37 * j + i) * (cond ? 1.7 : 1.1) + (cond ? 0.25 * i : -0.1) + 1e-9 * j;
    }

    @Test
    void rescaleStandardDeviationsAreDoublePrecision() {
        Step step = Schedules.linear(1000).plan(10).get(3);
        Tensor x = DoubleTensor.FACTORY.of(new float[B * PER], Shape.of(B, PER));
        NoisePredictor p = (xx, t, c) -> {
            int[] labels = c.labelArray(-1);
            int n = labels.length;
            double[] out = new double[n * PER];
            for (int k = 0; k < n; k++) {
                int i = k % B; // the batch item (CFG may stack the conditional and unconditional halves)
                for (int j = 0; j < PER; j++) {
                    out[k * PER + j] = eps(i, j, labels[k] >= 0);
                }
            }
            return new DoubleTensor(out, Shape.of(n, PER));
        };
        GuidanceContext ctx = new GuidanceContext(x, step, Conditions.labels(0, 1, 2), p);
        double gamma = 7.5;
        double phi = 0.7;
        Tensor got =
                Guidances.cfg(gamma).withRescale(phi).guide(ctx).prediction().value();
        assertThat(got).isInstanceOf(DoubleTensor.class);
        double[] g = ((DoubleTensor) got).values();
        double tol = ErrorBound.float64(64, 2 * (PER + 3) + 9, 4);
        for (int i = 0; i < B; i++) {
            double[] c = new double[PER];
            double[] gd = new double[PER];
            for (int j = 0; j < PER; j++) {
                c[j] = eps(i, j, true);
                double u = eps(i, j, false);
                gd[j] = u + gamma * (c[j] - u);
            }
            double f = std(c) / std(gd);
            for (int j = 0; j < PER; j++) {
                double ref = phi * f * gd[j] + (1 - phi) * gd[j];
                assertThat(g[i * PER + j]).as("item %d, element %d", i, j).isCloseTo(ref, offset(tol));
            }
        }
    }

    /** torch.std (unbiased), two-pass, in double. */
    static double std(double[] a) {
        double m = 0;
        for (double v : a) {
            m += v;
        }
        m /= a.length;
        double s = 0;
        for (double v : a) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (a.length - 1));
    }
}
