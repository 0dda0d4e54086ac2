package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * DDIM with x̂0 clipping, both values of diffusers' {@code use_clipped_model_output}, against one step derived
 * by hand from Song et al. 2021 (arXiv 2010.02502) eq. 12 (η = 0): x_prev = √ᾱ_prev·x̂0 + √(1 − ᾱ_prev)·ε̂
 * with x̂0 = clip((x − √(1−ᾱ) ε)/√ᾱ)
 * and ε̂ the raw ε (false) or (x − √ᾱ x̂0)/√(1 − ᾱ) (true). One step from ᾱ = 0.2 to ᾱ_prev = 0.8 (σ = 2 → 0.5),
 * x = 0.9, model ε = −0.8 (x̂0 = 3.61 before clipping). Tolerance: ~10 double operations on values ≤ 4 on each
 * side, ×2 (both sides round), ×2 safety (sqrt).
 */
class DdimClippedModelOutputTest {
    static final double TOL = ErrorBound.float64(4, 10, 2 * 2);

    static double run(Sampler s) {
        NoisePredictor eps = (x, t, c) -> new DoubleTensor(new double[] {-0.8}, x.shape());
        SampleRequest r = SampleRequest.builder()
                .predictor(eps)
                .schedule(SigmaStepFormulaTest.levels(2, 0.5))
                .conditions(Conditions.unconditional(1))
                .sampleShape(1)
                .tensors(DoubleTensor.FACTORY)
                .initialState(new DoubleTensor(new double[] {0.9}, Shape.of(1, 1)))
                .build();
        return DoubleTensor.of(s.sample(r)).values()[0];
    }

    @Test
    void bothChoicesFollowTheFormula() {
        double ab = 0.2;
        double abPrev = 0.8;
        double x0 = (0.9 - Math.sqrt(1 - ab) * -0.8) / Math.sqrt(ab);
        assertThat(x0).isGreaterThan(1);
        double clipped = 1;
        double raw = Math.sqrt(abPrev) * clipped + Math.sqrt(1 - abPrev) * -0.8;
        double recomputedEps = (0.9 - Math.sqrt(ab) * clipped) / Math.sqrt(1 - ab);
        double recomputed = Math.sqrt(abPrev) * clipped + Math.sqrt(1 - abPrev) * recomputedEps;
        assertThat(run(new Ddim(1, 0, SampleProcessing.clip(1), false))).isCloseTo(raw, within(TOL));
        assertThat(run(new Ddim(1, 0, SampleProcessing.clip(1), true))).isCloseTo(recomputed, within(TOL));
        assertThat(run(new Ddim(1, 0, SampleProcessing.clip(1)))).isCloseTo(recomputed, within(TOL)); // the SDK default
    }

    @Test
    void fromJson() {
        PluginRegistry reg = PluginRegistry.load();
        JsonMapper json = JsonMapper.builder().build();
        Sampler s = reg.sampler(
                "ddim",
                json.createObjectNode().put("steps", 1).put("clipSample", 1.0).put("useClippedModelOutput", false));
        assertThat(((Ddim) s).useClippedModelOutput()).isFalse();
        assertThat(run(s)).isCloseTo(Math.sqrt(0.8) + Math.sqrt(0.2) * -0.8, within(TOL));
        assertThat(((Ddim) reg.sampler("ddim", json.createObjectNode().put("clipSample", 1.0))).useClippedModelOutput())
                .isTrue();
        assertThatThrownBy(() -> reg.sampler("ddim", json.createObjectNode().put("useClippedModelOutput", false)))
                .hasMessageContaining("useClippedModelOutput needs clipSample");
    }
}
