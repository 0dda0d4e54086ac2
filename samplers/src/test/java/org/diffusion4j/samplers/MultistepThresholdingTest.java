package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * Dynamic thresholding on DPM-Solver++ and UniPC (diffusers' {@code thresholding} in {@code convert_model_output};
 * Saharia et al. 2022, arXiv 2205.11487, §2.3): per sample s = clamp(quantile_p(|x̂0|), 1, max), x̂0 ← clamp(x̂0, −s, s)/s,
 * then the solver's update. By hand: an x0-model returning x̂0 = (3, −0.5, 1.2, −2) whatever its input; p = 0.75 over
 * the sorted |x̂0| = (0.5, 1.2, 2, 3) is 2 + 0.25·(3 − 2) = 2.25 (linear interpolation, as torch.quantile), s = 2.25
 * under max 2.5, so the thresholded x̂0 is (1, −0.5/2.25, 1.2/2.25, −2/2.25). Two DPM-Solver++ steps on Karras σ: the
 * first-order step x_1 = (σ_1/σ_0)·x_0 − (e^{−h} − 1)·x̂0, then onto σ = 0, x̂0 itself. Tolerance: the thresholding
 * runs on float32 copies (SampleProcessing): |values| ≤ 3 rounded a few times, ×2: ErrorBound.float32(3, 4, 2).
 */
class MultistepThresholdingTest {
    static final Schedule SCHEDULE = Schedules.scaledLinear(1000);
    static final double[] X0 = {3, -0.5, 1.2, -2};
    static final double[] THR = {1, -0.5 / 2.25, 1.2 / 2.25, -2 / 2.25};
    static final double[] Z = {0.3, -1.1, 0.8, 0.05};
    static final double TOL = ErrorBound.float32(3, 4, 2);

    static List<double[]> run(SigmaSampler s) {
        NoisePredictor p =
                NoisePredictor.of(PredictionType.SAMPLE, (x, t, c) -> new DoubleTensor(X0.clone(), x.shape()));
        SampleRequest r = SampleRequest.builder()
                .predictor(p)
                .schedule(SCHEDULE)
                .conditions(Conditions.unconditional(1))
                .sampleShape(4)
                .initialState(new DoubleTensor(Z, Shape.of(1, 4)))
                .tensors(DoubleTensor.FACTORY)
                .build();
        List<double[]> states = new ArrayList<>();
        states.add(DoubleTensor.of(s.sample(
                        r, e -> states.add(DoubleTensor.of(e.state()).values().clone())))
                .values());
        return states;
    }

    @Test
    void dpmppThresholdsTheDataPredictionBeforeItsUpdate() {
        SampleProcessing th = SampleProcessing.dynamicThreshold(0.75, 2.5);
        SigmaSampler s = new DpmSolverPlusPlus2M(2, SigmaSpacing.karras(), 2, th);
        List<double[]> got = run(s);
        SigmaTrajectory tr = SigmaTrajectory.of(SCHEDULE, 2, SigmaSpacing.karras());
        double s0 = tr.sigma(0);
        double s1 = tr.sigma(1);
        double h = Math.log(s0 / s1);
        for (int j = 0; j < 4; j++) {
            double x1 = s1 / s0 * (Z[j] * Math.sqrt(1 + s0 * s0)) - Math.expm1(-h) * THR[j];
            assertThat(got.get(0)[j]).as("step 0, %d", j).isCloseTo(x1 / Math.sqrt(1 + s1 * s1), within(TOL));
            assertThat(got.get(2)[j]).as("last step, %d", j).isCloseTo(THR[j], within(TOL));
        }
        // UniPC's first predictor is the same first-order update; onto σ = 0 it returns the thresholded x̂0 too
        List<double[]> uni = run(new UniPc(2, SigmaSpacing.karras(), 2, UniPc.Variant.BH2, java.util.Set.of(), th));
        for (int j = 0; j < 4; j++) {
            assertThat(uni.get(0)[j]).isCloseTo(got.get(0)[j], within(TOL));
            assertThat(uni.get(2)[j]).isCloseTo(THR[j], within(TOL));
        }
    }

    @Test
    void jsonReachesThresholdingOnTheMultistepSolvers() {
        PluginRegistry reg = PluginRegistry.load();
        JsonMapper json = JsonMapper.builder().build();
        for (String id : new String[] {"dpmpp_2m", "dpmpp_2m_sde", "unipc"}) {
            SigmaSampler s = (SigmaSampler) reg.sampler(
                    id,
                    json.createObjectNode()
                            .put("steps", 2)
                            .put("spacing", "karras")
                            .put("thresholding", true)
                            .put("dynamicThresholdingRatio", 0.75)
                            .put("sampleMaxValue", 2.5));
            assertThat(s.toString()).contains("dynamicThreshold(0.75, 2.5)");
        }
        SigmaSampler viaJson = (SigmaSampler) reg.sampler(
                "dpmpp_2m",
                json.createObjectNode()
                        .put("steps", 2)
                        .put("spacing", "karras")
                        .put("thresholding", true)
                        .put("dynamicThresholdingRatio", 0.75)
                        .put("sampleMaxValue", 2.5));
        assertThat(run(viaJson).get(0))
                .containsExactly(run(new DpmSolverPlusPlus2M(
                                2, SigmaSpacing.karras(), 2, SampleProcessing.dynamicThreshold(0.75, 2.5)))
                        .get(0));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> reg.sampler("unipc", json.createObjectNode().put("sampleMaxValue", 2.0)))
                .hasMessageContaining("sampleMaxValue needs thresholding: true");
    }
}
