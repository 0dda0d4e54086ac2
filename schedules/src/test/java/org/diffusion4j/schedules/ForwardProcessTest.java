package org.diffusion4j.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

class ForwardProcessTest {

    @Test
    void forwardDrawsHaveMeanAlphaX0AndVarianceSigmaSquared() {
        // q(x_t | x0) = N(√ᾱ_t x0, (1 − ᾱ_t) I) (seed 001 eq. 4): check the moments per timestep bucket
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
        for (int i = 0; i < n; i++) {
            // standardised residual (x_t − α x0)/σ must be N(0, 1) and equal the recorded ε
            double z = (xt[i] - times[i].alpha() * 1.5) / times[i].sigma();
            assertThat(z).isCloseTo(eps[i], offset(1e-3 / times[i].sigma()));
            sumZ += z;
            sumZ2 += z * z;
        }
        assertThat(sumZ / n).isCloseTo(0, offset(4.5 / Math.sqrt(n)));
        assertThat(sumZ2 / n).isCloseTo(1, offset(4.5 * Math.sqrt(2.0 / n) + 1e-3));
        assertThat(ForwardProcess.sample(batch.slice(0, 1), s.level(999), d.eps().slice(0, 1)).get(0, 0))
                .isCloseTo((float) (Math.sqrt(s.alphaBar(999)) * 1.5 + s.sigma(999) * eps[0]), offset(1e-6f));
    }
}
