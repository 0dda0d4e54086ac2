package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * The single-step API ({@code step(x, modelOutput, type, t, tPrev, noise)}) of DDPM and DDIM against one step
 * derived by hand from Ho et al. 2020 (arXiv 2006.11239) eq. 7 and Song et al. 2021 (arXiv 2010.02502) eqs. 12, 16,
 * and chained, against the samplers' own loop.
 * One step: ᾱ_t = 0.3, ᾱ_prev = 0.6, x = 0.8, ε = −0.5, z = 1.3. Tolerance: ~20 double operations on values ≤ 3,
 * both sides rounding, ×2 safety (sqrt).
 */
class SingleStepApiTest {
    static final double TOL = ErrorBound.float64(3, 20, 2 * 2);
    static final Timestep T = Timestep.ofAlphaBar(600, 0.3);
    static final Timestep PREV = Timestep.ofAlphaBar(300, 0.6);

    static DoubleTensor v(double a) {
        return new DoubleTensor(new double[] {a}, Shape.of(1, 1));
    }

    static double of(Tensor t) {
        return DoubleTensor.of(t).values()[0];
    }

    @Test
    void ddpmStepIsThePosteriorMeanPlusItsNoise() {
        double x0 = (0.8 - Math.sqrt(0.7) * -0.5) / Math.sqrt(0.3);
        double alphaS = 0.3 / 0.6;
        double betaS = 1 - alphaS;
        double mean = Math.sqrt(0.6) * betaS / 0.7 * x0 + Math.sqrt(alphaS) * 0.4 / 0.7 * 0.8; // DDPM eq. 7
        double tilde = 0.4 / 0.7 * betaS; // DDPM eq. 7
        Ddpm post = Samplers.ddpm(10);
        assertThat(of(post.step(v(0.8), v(-0.5), PredictionType.EPSILON, T, PREV, v(1.3))))
                .isCloseTo(mean + Math.sqrt(tilde) * 1.3, within(TOL));
        assertThat(of(post.step(v(0.8), v(-0.5), PredictionType.EPSILON, T, PREV, null)))
                .isCloseTo(mean, within(TOL));
        Ddpm beta = Samplers.ddpm(10, Ddpm.Variance.BETA);
        assertThat(of(beta.step(v(0.8), v(-0.5), PredictionType.EPSILON, T, PREV, v(1.3))))
                .isCloseTo(mean + Math.sqrt(betaS) * 1.3, within(TOL));
    }

    @Test
    void ddimStepIsEquation56() {
        double x0 = (0.8 - Math.sqrt(0.7) * -0.5) / Math.sqrt(0.3);
        double sEta = Math.sqrt(0.4 / 0.7) * Math.sqrt(1 - 0.3 / 0.6); // η = 1, DDIM eq. 16
        assertThat(of(Samplers.ddim(10).step(v(0.8), v(-0.5), PredictionType.EPSILON, T, PREV, null)))
                .isCloseTo(Math.sqrt(0.6) * x0 + Math.sqrt(0.4) * -0.5, within(TOL));
        assertThat(of(Samplers.ddim(10, 1).step(v(0.8), v(-0.5), PredictionType.EPSILON, T, PREV, v(1.3))))
                .isCloseTo(Math.sqrt(0.6) * x0 + Math.sqrt(0.4 - sEta * sEta) * -0.5 + sEta * 1.3, within(TOL));
    }

    @Test
    void chainedDdpmStepsReproduceTheSampler() {
        GaussianMixture mix = GaussianMixture.threeBlobs2d();
        SampleRequest r = SampleRequest.builder()
                .predictor(mix.epsilonPredictor())
                .schedule(Schedules.linear(1000))
                .conditions(Conditions.unconditional(3))
                .sampleShape(2)
                .seed(5)
                .tensors(DoubleTensor.FACTORY)
                .build();
        Ddpm ddpm = Samplers.ddpm(8);
        double[] expected = DoubleTensor.of(ddpm.sample(r)).values();
        NoiseStream noise = r.openNoise();
        Tensor x = noise.next(r.sampleShape(), DoubleTensor.FACTORY);
        StepPlan plan = Schedules.linear(1000).plan(8);
        for (Step s : plan) {
            Tensor out = mix.epsilonPredictor().predict(x, s.current(), r.conditions());
            x = ddpm.step(
                    x,
                    out,
                    PredictionType.EPSILON,
                    s.current(),
                    s.previous(),
                    s.isLast() ? null : noise.next(r.sampleShape(), DoubleTensor.FACTORY));
        }
        // the same operations in the same order: equal bit for bit
        assertThat(DoubleTensor.of(x).values()).containsExactly(expected);
    }
}
