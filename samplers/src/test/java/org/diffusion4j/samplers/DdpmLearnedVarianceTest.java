package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.Guided;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.DoubleTensor;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * DDPM with a learned variance (Nichol &amp; Dhariwal 2021, arXiv 2102.09672, eq. 15; diffusers' {@code learned_range}
 * and {@code learned}) against closed forms in double: one strided step x_t → x_{t'} with a known z is
 * μ̃(x_t, x̂0) + √Σ·z, μ̃ = √ᾱ' β/(1 − ᾱ)·x̂0 + √(1 − β)(1 − ᾱ')/(1 − ᾱ)·x_t (Ho et al. 2020, eq. 7),
 * β = 1 − ᾱ/ᾱ', β̃ = (1 − ᾱ')/(1 − ᾱ)·β, and log Σ = f·log β + (1 − f)·log β̃, f = (v + 1)/2 (or Σ = v).
 *
 * <p>Tolerance: double tensors; |values| ≤ 3, ≈ 30 operations per element (the posterior mean, the exp/log of the
 * variance, the update), ×2 both sides: {@code ErrorBound.float64(3, 30, 2)}, except where a tensor op goes through
 * float32 (noted).
 */
class DdpmLearnedVarianceTest {
    static final Schedule SCHEDULE = Schedules.linear(1000);
    static final double[] X = {0.4, -1.2, 0.9};
    static final double[] V = {-1, 1, 0.3};
    static final double TOL = ErrorBound.float64(3, 30, 2);

    /** ε = 0.5·x + 0.1 per channel, variance values V (or given), output [B, 2·3]. */
    static NoisePredictor model(double[] v) {
        return NoisePredictor.of(PredictionType.EPSILON, (x, t, c) -> {
            double[] in = DoubleTensor.of(x).values();
            int b = x.batchSize();
            double[] out = new double[2 * in.length];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < 3; j++) {
                    out[6 * i + j] = 0.5 * in[3 * i + j] + 0.1;
                    out[6 * i + 3 + j] = v[j];
                }
            }
            return new DoubleTensor(out, Shape.of(b, 6));
        });
    }

    static SampleRequest request(NoisePredictor p, Conditions c, Guidance g) {
        return SampleRequest.builder()
                .predictor(p)
                .schedule(SCHEDULE)
                .conditions(c)
                .guidance(g)
                .sampleShape(3)
                .seed(11)
                .initialState(new DoubleTensor(X, Shape.of(1, 3)))
                .tensors(DoubleTensor.FACTORY)
                .build();
    }

    /** The state after the first of 4 steps, by hand; z is the run's first noise draw. */
    static double[] expectedFirstStep(Ddpm.Variance variance, double[] v, double[] z) {
        Step s = SCHEDULE.plan(4).get(0);
        double ab = s.current().alphaBar();
        double abp = s.previous().alphaBar();
        double beta = 1 - ab / abp;
        double betaTilde = (1 - abp) / (1 - ab) * beta;
        double[] out = new double[3];
        for (int j = 0; j < 3; j++) {
            double eps = 0.5 * X[j] + 0.1;
            double x0 = (X[j] - Math.sqrt(1 - ab) * eps) / Math.sqrt(ab);
            double mean = Math.sqrt(abp) * beta / (1 - ab) * x0 + Math.sqrt(1 - beta) * (1 - abp) / (1 - ab) * X[j];
            double var = variance == Ddpm.Variance.LEARNED
                    ? v[j]
                    : Math.exp((v[j] + 1) / 2 * Math.log(beta) + (1 - (v[j] + 1) / 2) * Math.log(betaTilde));
            out[j] = mean + Math.sqrt(var) * z[j];
        }
        return out;
    }

    static double[] firstStep(Ddpm sampler, SampleRequest r) {
        List<double[]> states = new ArrayList<>();
        sampler.sample(r, e -> states.add(DoubleTensor.of(e.state()).values().clone()));
        assertThat(states).hasSize(4);
        return states.get(0);
    }

    static double[] firstNoise(SampleRequest r) {
        return DoubleTensor.of(r.openNoise().next(r.sampleShape(), DoubleTensor.FACTORY))
                .values();
    }

    @Test
    void learnedRangeInterpolatesLogBetaAndLogBetaTilde() {
        SampleRequest r = request(model(V), Conditions.unconditional(1), Guidance.NONE);
        double[] got = firstStep(Samplers.ddpm(4, Ddpm.Variance.LEARNED_RANGE), r);
        double[] want = expectedFirstStep(Ddpm.Variance.LEARNED_RANGE, V, firstNoise(r));
        for (int j = 0; j < 3; j++) {
            assertThat(got[j]).as("channel %d (v = %s)", j, V[j]).isCloseTo(want[j], within(TOL));
        }
        // (v = −1 and v = 1 are channels 0 and 1: Σ = β̃ and Σ = β exactly, the fixed variances' values)
    }

    @Test
    void learnedTakesTheValuesAsTheVariance() {
        double[] v = {0.01, 0.02, 0.03};
        SampleRequest r = request(model(v), Conditions.unconditional(1), Guidance.NONE);
        double[] got = firstStep(Samplers.ddpm(4, Ddpm.Variance.LEARNED), r);
        double[] want = expectedFirstStep(Ddpm.Variance.LEARNED, v, firstNoise(r));
        for (int j = 0; j < 3; j++) {
            assertThat(got[j]).isCloseTo(want[j], within(TOL));
        }
    }

    @Test
    void underGuidanceTheVarianceComesFromTheConditionalCall() {
        // the model's variance values depend on the condition: label 1 → V, unconditional → −V; the guidance asks
        // the unconditional model first, then the conditional one, and keeps the conditional ε
        NoisePredictor p = NoisePredictor.of(PredictionType.EPSILON, (x, t, c) -> {
            double sign = c.get(0) instanceof Condition.Unconditional ? -1 : 1;
            double[] in = DoubleTensor.of(x).values();
            double[] out = new double[6];
            for (int j = 0; j < 3; j++) {
                out[j] = 0.5 * in[j] + 0.1;
                out[3 + j] = sign * V[j];
            }
            return new DoubleTensor(out, Shape.of(1, 6));
        });
        Guidance uncondFirst = ctx -> {
            ctx.predict(ctx.x(), Conditions.unconditional(1));
            return Guided.of(ctx.predict(ctx.x(), ctx.conditions()));
        };
        SampleRequest r = request(p, Conditions.labels(1), uncondFirst);
        double[] got = firstStep(Samplers.ddpm(4, Ddpm.Variance.LEARNED_RANGE), r);
        double[] want = expectedFirstStep(Ddpm.Variance.LEARNED_RANGE, V, firstNoise(r));
        for (int j = 0; j < 3; j++) {
            assertThat(got[j]).isCloseTo(want[j], within(TOL));
        }
    }

    @Test
    void aBatchIsSplitPerItem() {
        // two items: item i's output rows are [ε_i (3), v_i (3)]; item 1 has the variance values reversed
        NoisePredictor p = NoisePredictor.of(PredictionType.EPSILON, (x, t, c) -> {
            double[] in = DoubleTensor.of(x).values();
            double[] out = new double[12];
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    out[6 * i + j] = 0.5 * in[3 * i + j] + 0.1;
                    out[6 * i + 3 + j] = i == 0 ? V[j] : V[2 - j];
                }
            }
            return new DoubleTensor(out, Shape.of(2, 6));
        });
        double[] xs = {X[0], X[1], X[2], X[0], X[1], X[2]};
        SampleRequest r = SampleRequest.builder()
                .predictor(p)
                .schedule(SCHEDULE)
                .conditions(Conditions.unconditional(2))
                .sampleShape(3)
                .seed(11)
                .initialState(new DoubleTensor(xs, Shape.of(2, 3)))
                .tensors(DoubleTensor.FACTORY)
                .build();
        List<double[]> states = new ArrayList<>();
        Samplers.ddpm(4, Ddpm.Variance.LEARNED_RANGE)
                .sample(r, e -> states.add(DoubleTensor.of(e.state()).values().clone()));
        double[] z = DoubleTensor.of(r.openNoise().next(r.sampleShape(), DoubleTensor.FACTORY))
                .values();
        double[] w0 = expectedFirstStep(Ddpm.Variance.LEARNED_RANGE, V, new double[] {z[0], z[1], z[2]});
        double[] w1 = expectedFirstStep(
                Ddpm.Variance.LEARNED_RANGE, new double[] {V[2], V[1], V[0]}, new double[] {z[3], z[4], z[5]});
        // the batch split concatenates through float32 (TensorFactory.concat): |x| ≤ 3 rounded once more, ×2
        double tol = TOL + ErrorBound.float32(3, 1, 2);
        for (int j = 0; j < 3; j++) {
            assertThat(states.get(0)[j]).isCloseTo(w0[j], within(tol));
            assertThat(states.get(0)[3 + j]).isCloseTo(w1[j], within(tol));
        }
    }

    @Test
    void singleStepSplitsTheOutputAndUsesTheLearnedVariance() {
        Step s = SCHEDULE.plan(4).get(0);
        double[] z = {0.3, -0.7, 1.1};
        Tensor out = model(V).predict(new DoubleTensor(X, Shape.of(1, 3)), s.current(), Conditions.unconditional(1));
        double[] got = DoubleTensor.of(Samplers.ddpm(4, Ddpm.Variance.LEARNED_RANGE)
                        .step(
                                new DoubleTensor(X, Shape.of(1, 3)),
                                out,
                                PredictionType.EPSILON,
                                s.current(),
                                s.previous(),
                                new DoubleTensor(z, Shape.of(1, 3))))
                .values();
        double[] want = expectedFirstStep(Ddpm.Variance.LEARNED_RANGE, V, z);
        for (int j = 0; j < 3; j++) {
            assertThat(got[j]).isCloseTo(want[j], within(TOL));
        }
    }

    @Test
    void aWrongChannelCountIsRefusedWithBothShapes() {
        NoisePredictor sameChannels = NoisePredictor.of(PredictionType.EPSILON, (x, t, c) -> x.times(0.5));
        SampleRequest r = request(sameChannels, Conditions.unconditional(1), Guidance.NONE);
        assertThatThrownBy(() -> Samplers.ddpm(4, Ddpm.Variance.LEARNED_RANGE).sample(r, e -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ddpm variance learned_range")
                .hasMessageContaining("shape [1, 3] for a state of shape [1, 3]")
                .hasMessageContaining("[1, 6]");
        // and a fixed variance refuses a 2·C output as before (the predictor's shape check)
        assertThatThrownBy(() -> Samplers.ddpm(4, Ddpm.Variance.POSTERIOR)
                        .sample(request(model(V), Conditions.unconditional(1), Guidance.NONE), e -> {}))
                .hasMessageContaining("[1, 6]");
    }

    @Test
    void jsonAndParseReachEveryVariance() {
        assertThat(Ddpm.Variance.parse("learned_range")).isEqualTo(Ddpm.Variance.LEARNED_RANGE);
        assertThat(Ddpm.Variance.parse("learned")).isEqualTo(Ddpm.Variance.LEARNED);
        assertThat(Ddpm.Variance.parse("fixed_small_log")).isEqualTo(Ddpm.Variance.POSTERIOR);
        assertThatThrownBy(() -> Ddpm.Variance.parse("fixed_large_log"))
                .hasMessageContaining("'fixed_large_log'")
                .hasMessageContaining("learned_range");
        org.diffusion4j.api.spi.PluginRegistry reg = org.diffusion4j.api.spi.PluginRegistry.load();
        com.fasterxml.jackson.databind.json.JsonMapper json =
                com.fasterxml.jackson.databind.json.JsonMapper.builder().build();
        Ddpm d = (Ddpm)
                reg.sampler("ddpm", json.createObjectNode().put("steps", 10).put("variance", "learned_range"));
        assertThat(((Ddpm) reg.sampler("ddpm", json.createObjectNode().put("variance", "learned"))).variance())
                .isEqualTo(Ddpm.Variance.LEARNED);
        assertThatThrownBy(() -> reg.sampler("ddpm", json.createObjectNode().put("variance", "fixed_large_log")))
                .hasMessageContaining("fixed_large_log");
        assertThat(d.variance()).isEqualTo(Ddpm.Variance.LEARNED_RANGE);
        assertThatThrownBy(() -> d.sigmaSquared(SCHEDULE.plan(4).get(0))).isInstanceOf(IllegalStateException.class);
    }
}
