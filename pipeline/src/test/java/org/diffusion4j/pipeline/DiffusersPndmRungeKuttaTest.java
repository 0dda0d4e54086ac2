package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.pipeline.diffusers.DiffusersImport;
import org.diffusion4j.pipeline.diffusers.DiffusersSchedulerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code PNDMScheduler} with its default {@code skip_prk_steps=False} against its published {@code set_timesteps},
 * {@code step_prk}, {@code step_plms} and {@code _get_prev_sample}, replayed by hand in double: the timestep list with
 * its duplicated entries (12 PRK timesteps from the last four leading timesteps and T div n div 2, then the n − 3
 * PLMS ones), the {@code counter}/{@code cur_sample}/{@code cur_model_output} bookkeeping, the state after the first
 * SDK step (diffusers' fourth call) and the final state onto {@code final_alpha_cumprod}. Model, tables and
 * tolerances as {@link DiffusersSchedulerClassesTest}. n = 10 has T div n = 100 (even); n = 8 has 125 (odd), where
 * the first stage lands at t − 62 while the model is asked at t − 125 + 62, one timestep apart, as in diffusers.
 */
class DiffusersPndmRungeKuttaTest {

    @ParameterizedTest(name = "n = {0}, steps_offset = {1}, set_alpha_to_one = {2}")
    @CsvSource({"10, 1, false", "8, 1, false", "4, 0, true", "25, 1, false"})
    void defaultPndmFollowsDiffusersStepPrkThenStepPlms(int n, int offset, boolean alphaToOne) {
        String cfg = "{\"_class_name\": \"PNDMScheduler\", " + DiffusersSchedulerClassesTest.SD + ", \"steps_offset\": "
                + offset + ", \"set_alpha_to_one\": " + alphaToOne + "}";
        DiffusersImport imp = DiffusersSchedulerConfig.read(Json.parse(cfg, "t"));
        assertThat(imp.sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"pndm\", \"warmUp\": \"runge_kutta\", \"spacing\": \"schedule\"}", "t"));
        DiffusersSchedulerClassesTest.Imported im = DiffusersSchedulerClassesTest.load(cfg, n);

        // ---- set_timesteps, leading spacing, skip_prk_steps = False
        int T = 1000;
        int ratio = T / n;
        int half = T / n / 2;
        int[] ts = new int[n];
        for (int i = 0; i < n; i++) {
            ts[i] = i * ratio + offset; // ascending _timesteps
        }
        // _timesteps[-4:].repeat(2) + tile([0, half], 4); [:-1].repeat(2)[1:-1][::-1]
        List<Integer> rep = new ArrayList<>();
        for (int k = n - 4; k < n; k++) {
            rep.add(ts[k]);
            rep.add(ts[k] + half);
        }
        rep.remove(rep.size() - 1);
        List<Integer> twice = new ArrayList<>();
        for (int v : rep) {
            twice.add(v);
            twice.add(v);
        }
        List<Integer> prk = new ArrayList<>(twice.subList(1, twice.size() - 1));
        java.util.Collections.reverse(prk);
        List<Integer> timesteps = new ArrayList<>(prk);
        for (int k = n - 4; k >= 0; k--) {
            timesteps.add(ts[k]); // plms_timesteps = _timesteps[:-3][::-1]
        }
        assertThat(prk).hasSize(12);
        assertThat(timesteps).hasSize(n + 9);

        // ---- the pipeline loop: model_output = model(x, t); x = scheduler.step(model_output, t, x)
        double[] ab = DiffusersSchedulerClassesTest.alphaBar(true, 0.00085, 0.012, T);
        double finalAb = alphaToOne ? 1 : ab[0];
        double x = DiffusersSchedulerClassesTest.Z;
        double curModelOutput = 0;
        double curSample = Double.NaN;
        List<Double> ets = new ArrayList<>();
        List<Double> afterCall = new ArrayList<>();
        int counter = 0;
        for (int t : timesteps) {
            double mo = DiffusersSchedulerClassesTest.eps(x, t);
            if (counter < prk.size()) { // step_prk
                int prev = t - (counter % 2 == 1 ? 0 : half);
                int from = prk.get(counter / 4 * 4);
                switch (counter % 4) {
                    case 0 -> {
                        curModelOutput += mo / 6;
                        ets.add(mo);
                        curSample = x;
                    }
                    case 1, 2 -> curModelOutput += mo / 3;
                    default -> {
                        mo = curModelOutput + mo / 6;
                        curModelOutput = 0;
                    }
                }
                x = prevSample(ab, finalAb, curSample, from, prev, mo);
            } else { // step_plms; counter != 1 here
                int prev = t - ratio;
                while (ets.size() > 3) {
                    ets.remove(0);
                }
                ets.add(mo);
                int k = ets.size();
                double comb =
                        (55 * ets.get(k - 1) - 59 * ets.get(k - 2) + 37 * ets.get(k - 3) - 9 * ets.get(k - 4)) / 24;
                x = prevSample(ab, finalAb, x, t, prev, comb);
            }
            afterCall.add(x);
            counter++;
        }

        // ---- the SDK run: the model times it asks, the state after each step, the result
        List<Double> asked = new ArrayList<>();
        NoisePredictor p = NoisePredictor.of(PredictionType.EPSILON, (xs, t, c) -> {
            asked.add(t.modelTime());
            float[] v = xs.toFloatArray();
            return ArrayTensor.of(
                    new float[] {(float) DiffusersSchedulerClassesTest.eps(v[0], t.modelTime())}, xs.shape());
        });
        SampleRequest r = SampleRequest.builder()
                .predictor(p)
                .schedule(im.schedule())
                .conditions(Conditions.unconditional(1))
                .sampleShape(1)
                .initialState(ArrayTensor.of(new float[] {(float) DiffusersSchedulerClassesTest.Z}, Shape.of(1, 1)))
                .build();
        List<Double> states = new ArrayList<>();
        double out = im.sampler()
                .sample(r, e -> states.add((double) e.state().toFloatArray()[0]))
                .toFloatArray()[0];
        assertThat(asked.stream().map(Double::intValue).toList()).isEqualTo(timesteps);
        assertThat(states).hasSize(n);
        double tol = DiffusersSchedulerClassesTest.tolSteps(n + 9);
        assertThat(states.get(0)).as("first step = diffusers' 4th call").isCloseTo(afterCall.get(3), within(tol));
        assertThat(states.get(2))
                .as("end of the warm-up = diffusers' 12th call")
                .isCloseTo(afterCall.get(11), within(tol));
        assertThat(out)
                .as("last step, onto final_alpha_cumprod")
                .isCloseTo(afterCall.get(afterCall.size() - 1), within(tol));
    }

    /** {@code _get_prev_sample}: PNDM eq. 9. */
    static double prevSample(double[] ab, double finalAb, double sample, int t, int prev, double eps) {
        double a = ab[t];
        double ap = prev >= 0 ? ab[prev] : finalAb;
        double coeff = Math.sqrt(ap / a);
        double denom = a * Math.sqrt(1 - ap) + Math.sqrt(a * (1 - a) * ap);
        return coeff * sample - (ap - a) * eps / denom;
    }
}
