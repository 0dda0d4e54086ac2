package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.schedules.DiscreteSchedule;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * DDPM's last step: the SDK adds no noise there (Ho et al. 2020, arXiv 2006.11239, Algorithm 2); diffusers' rule
 * adds noise whenever
 * t &gt; 0, which with {@code steps_offset = 1} (last timestep 1) and variance β onto ᾱ = 1 has variance
 * β = 1 − ᾱ_1. Both runs share every draw before the last step, so their difference is exactly
 * √(1 − ᾱ_1)·z_n, z_n the run's (n + 1)-th standard-normal draw (x_T, then one per step). Computed in double
 * (the test tensor): the two outputs differ by that one term, ~3 double operations on values ≤ 5: γ_3 · 5 · 2 sides · 2 safety.
 */
class DdpmLastStepNoiseTest {
    static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();
    static final DiscreteSchedule SCHEDULE =
            Schedules.scaledLinear(1000).toBuilder().stepsOffset(1).build();
    static final int STEPS = 10;

    static SampleRequest request() {
        return SampleRequest.builder()
                .predictor(MIX.epsilonPredictor())
                .schedule(SCHEDULE)
                .conditions(Conditions.unconditional(4))
                .sampleShape(2)
                .seed(11)
                .tensors(DoubleTensor.FACTORY)
                .build();
    }

    @Test
    void diffusersRuleAddsTheLastStepsNoiseWithTheEffectiveBeta() {
        assertThat(SCHEDULE.timesteps(STEPS)[STEPS - 1]).isEqualTo(1);
        double[] sdk = DoubleTensor.of(new Ddpm(STEPS, Ddpm.Variance.BETA, SampleProcessing.NONE).sample(request()))
                .values();
        double[] diff = DoubleTensor.of(new Ddpm(
                                STEPS,
                                Ddpm.Variance.BETA,
                                SampleProcessing.NONE,
                                Ddpm.LastStepNoise.WHILE_TIME_POSITIVE)
                        .sample(request()))
                .values();
        NoiseStream noise = request().openNoise();
        double[] z = null;
        for (int i = 0; i <= STEPS; i++) {
            z = DoubleTensor.of(noise.next(request().sampleShape(), DoubleTensor.FACTORY))
                    .values();
        }
        double std = Math.sqrt(1 - SCHEDULE.alphaBar(1));
        assertThat(std).isCloseTo(0.041, within(0.0005)); // the number for scaled_linear at t = 1
        for (int i = 0; i < sdk.length; i++) {
            assertThat(diff[i] - sdk[i]).isCloseTo(std * z[i], within(ErrorBound.float64(5, 3, 2 * 2)));
        }
        // with β̃ onto ᾱ = 1 the last variance is 0: both rules agree exactly
        assertThat(DoubleTensor.of(new Ddpm(
                                        STEPS,
                                        Ddpm.Variance.POSTERIOR,
                                        SampleProcessing.NONE,
                                        Ddpm.LastStepNoise.WHILE_TIME_POSITIVE)
                                .sample(request()))
                        .values())
                .containsExactly(DoubleTensor.of(
                                new Ddpm(STEPS, Ddpm.Variance.POSTERIOR, SampleProcessing.NONE).sample(request()))
                        .values());
    }

    @Test
    void fromJsonAndNames() {
        PluginRegistry reg = PluginRegistry.load();
        JsonMapper json = JsonMapper.builder().build();
        assertThat(((Ddpm) reg.sampler("ddpm", json.createObjectNode().put("lastStepNoise", "diffusers")))
                        .lastStepNoise())
                .isEqualTo(Ddpm.LastStepNoise.WHILE_TIME_POSITIVE);
        assertThat(((Ddpm) reg.sampler("ddpm")).lastStepNoise()).isEqualTo(Ddpm.LastStepNoise.NONE);
        assertThat(Ddpm.Variance.parse("fixed_small_log")).isEqualTo(Ddpm.Variance.POSTERIOR);
        assertThatThrownBy(() -> Ddpm.LastStepNoise.parse("always")).hasMessageContaining("known: none, diffusers");
    }
}
