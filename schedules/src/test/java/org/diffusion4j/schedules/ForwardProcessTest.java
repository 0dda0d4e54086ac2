package org.diffusion4j.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

class ForwardProcessTest {

    @Test
    void forwardDrawsHaveMeanAlphaX0AndVarianceSigmaSquared() {
        // q(x_t | x0) = N(√ᾱ_t x0, (1 − ᾱ_t) I) (Ho et al. 2020, arXiv 2006.11239, eq. 4): check the moments per
        // timestep bucket
        DiscreteSchedule s = Schedules.linear(1000);
        int n = 40000;
        float[] x0 = new float[n];
        java.util.Arrays.fill(x0, 1.5f);
        Tensor batch = ArrayTensor.of(x0, Shape.of(n, 1));
        ForwardProcess.Draw d = ForwardProcess.draw(batch, s, SdkNoise.normal(11));
        float[] xt = d.xt().toFloatArray();
        float[] eps = d.eps().toFloatArray();
        Timestep[] times = d.times();
        double sumZ = 0;
        double sumZ2 = 0;
        double roundingZ2 = 0;
        double g3 = ErrorBound.gamma32(3);
        for (int i = 0; i < n; i++) {
            // standardised residual (x_t − α x0)/σ must be N(0, 1) and equal the recorded ε
            double z = (xt[i] - times[i].alpha() * 1.5) / times[i].sigma();
            // x_t = (float) α · x0 + (float) σ · ε in float32: coefficient rounding, product, sum: γ_3 of
            // |α x0| + |σ ε|; the double residual adds ~1e-16; ÷ σ amplifies it
            double dz = g3 * (times[i].alpha() * 1.5 + times[i].sigma() * Math.abs(eps[i])) / times[i].sigma();
            assertThat(z).isCloseTo(eps[i], offset(2 * dz));
            sumZ += z;
            sumZ2 += z * z;
            roundingZ2 += 2 * Math.abs(eps[i]) * dz + dz * dz; // |z² − ε²| ≤ 2|ε| dz + dz²
        }
        // 4.5 standard errors (false failure ≈ 6.8e-6 per check for a random seed; fixed seed here); z − ε is
        // ≤ 2e-5 per draw, far below the SE 0.02; the second moment adds the computed rounding bound Σ|z² − ε²|/n
        assertThat(sumZ / n).isCloseTo(0, offset(4.5 / Math.sqrt(n)));
        assertThat(sumZ2 / n).isCloseTo(1, offset(4.5 * Math.sqrt(2.0 / n) + roundingZ2 / n));
        double alpha = Math.sqrt(s.alphaBar(999));
        float expected = (float) (alpha * 1.5 + s.sigma(999) * eps[0]);
        // one float32 linear (γ_3 of |α x0| + |σ ε|) against the reference's cast (u32 of the result); ×2 safety
        double tol = 2 * (g3 * (alpha * 1.5 + s.sigma(999) * Math.abs(eps[0])) + ErrorBound.U32 * Math.abs(expected));
        assertThat(ForwardProcess.sample(
                                batch.slice(0, 1), s.level(999), d.eps().slice(0, 1))
                        .get(0, 0))
                .isCloseTo(expected, offset((float) tol));
    }

    @Test
    void addNoiseAndVelocityWithALevelPerBatchItem() {
        // diffusers add_noise / get_velocity with timesteps [10, 500, 999]: x_t,i = α_i x0_i + σ_i ε_i, v_i = α_i ε_i −
        // σ_i x0_i.
        // float32: coefficient rounded to float, product, sum: |err| ≤ γ_3 (|α x0| + |σ ε|), ×2 safety
        DiscreteSchedule s = Schedules.linear(1000);
        Timestep[] ts = {s.at(10), s.at(500), s.at(999)};
        float[] x = {1.5f, -0.25f, 0.75f, 2f, -1f, 0.125f};
        float[] e = {0.3f, 1.1f, -0.6f, -2f, 0.9f, 0.4f};
        Tensor x0 = ArrayTensor.of(x, Shape.of(3, 2));
        Tensor eps = ArrayTensor.of(e, Shape.of(3, 2));
        float[] xt = ForwardProcess.addNoise(x0, eps, ts).toFloatArray();
        float[] v = ForwardProcess.velocity(x0, eps, ts).toFloatArray();
        double g3 = ErrorBound.gamma32(3);
        for (int k = 0; k < 6; k++) {
            Timestep t = ts[k / 2];
            double terms = t.alpha() * Math.abs(x[k]) + t.sigma() * Math.abs(e[k]);
            assertThat((double) xt[k]).isCloseTo(t.alpha() * x[k] + t.sigma() * e[k], offset(2 * g3 * terms));
            assertThat((double) v[k]).isCloseTo(t.alpha() * e[k] - t.sigma() * x[k], offset(2 * g3 * terms));
        }
        // one level for all: the same as x_t = α x0 + σ ε and v = α ε − σ x0
        float[] v1 = ForwardProcess.velocity(x0, eps, ts[1]).toFloatArray();
        for (int k = 0; k < 6; k++) {
            double terms = ts[1].alpha() * Math.abs(x[k]) + ts[1].sigma() * Math.abs(e[k]);
            assertThat((double) v1[k]).isCloseTo(ts[1].alpha() * e[k] - ts[1].sigma() * x[k], offset(2 * g3 * terms));
        }
        assertThat(ForwardProcess.addNoise(x0, eps, ts[1]).toFloatArray())
                .containsExactly(ForwardProcess.sample(x0, ts[1], eps).toFloatArray());
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ForwardProcess.addNoise(x0, eps, new Timestep[] {ts[0]}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one timestep per batch item");
    }
}
