package org.diffusion4j.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.diffusion4j.api.Posterior;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.PluginRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ScheduleIdentitiesTest {

    static Stream<DiscreteSchedule> discrete() {
        return Stream.of(Schedules.linear(1000), Schedules.scaledLinear(1000), Schedules.cosine(1000), Schedules.sigmoid(1000),
                Schedules.linear(50, 0.001, 0.2));
    }

    @ParameterizedTest
    @MethodSource("discrete")
    void alphaBarIsTheProductOfAlphasAndVariancesSumToOne(DiscreteSchedule s) {
        double prod = 1;
        for (int t = 0; t < s.length(); t++) {
            prod *= 1 - s.beta(t);
            assertThat(s.alpha(t)).isEqualTo(1 - s.beta(t));
            assertThat(s.alphaBar(t)).as("alphaBar[%d]", t).isCloseTo(prod, offset(1e-12));
            Timestep lvl = s.level(t);
            assertThat(lvl.alphaBar() + lvl.sigmaSquared()).isCloseTo(1, offset(1e-12));
            assertThat(s.sigma(t)).isCloseTo(Math.sqrt(1 - prod), offset(1e-9));
            assertThat(s.lambda(t)).isCloseTo(Math.log(prod / (1 - prod)), offset(1e-6 * Math.max(1, Math.abs(s.lambda(t)))));
            if (t > 0) {
                assertThat(s.alphaBar(t)).isLessThan(s.alphaBar(t - 1));
            }
        }
    }

    @Test
    void betaTablesMatchTheirDefinitions() {
        double[] lin = BetaSchedules.linear(1000, 1e-4, 0.02);
        assertThat(lin[0]).isEqualTo(1e-4);
        assertThat(lin[999]).isCloseTo(0.02, offset(1e-15));
        assertThat(lin[500] - lin[499]).isCloseTo((0.02 - 1e-4) / 999, offset(1e-15));
        double[] sl = BetaSchedules.scaledLinear(1000, 0.00085, 0.012);
        assertThat(Math.sqrt(sl[999])).isCloseTo(Math.sqrt(0.012), offset(1e-15));
        assertThat(Math.sqrt(sl[1]) - Math.sqrt(sl[0])).isCloseTo((Math.sqrt(0.012) - Math.sqrt(0.00085)) / 999, offset(1e-15));
        // cosine: ᾱ_t = f(t+1)/f(0) with f(τ) = cos²((τ/T + s)/(1 + s)·π/2), until the 0.999 cap bites
        DiscreteSchedule cos = Schedules.cosine(1000);
        double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
        for (int t : new int[] {0, 10, 500, 900}) {
            double f = Math.pow(Math.cos(((t + 1) / 1000.0 + 0.008) / 1.008 * Math.PI / 2), 2);
            assertThat(cos.alphaBar(t)).isCloseTo(f / f0, offset(1e-9));
        }
        assertThat(cos.beta(999)).isEqualTo(0.999);
        double[] sg = BetaSchedules.sigmoid(1000, 1e-4, 0.02);
        assertThat(sg[0]).isCloseTo(1 / (1 + Math.exp(6)) * (0.02 - 1e-4) + 1e-4, offset(1e-15));
        assertThat(sg[499] + sg[500]).isCloseTo(0.02 + 1e-4, offset(1e-12)); // symmetric about the midpoint
    }

    @Test
    void zeroTerminalSnrRescalingGivesAlphaBarTZeroAndKeepsTheFirstStep() {
        DiscreteSchedule base = Schedules.scaledLinear(1000);
        DiscreteSchedule z = base.toBuilder().rescaleZeroTerminalSnr().build();
        assertThat(z.alphaBar(999)).isEqualTo(0.0);
        assertThat(z.level(999).lambda()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(z.alphaBar(0)).isCloseTo(base.alphaBar(0), offset(1e-12));
        // √ᾱ is an affine function of the original √ᾱ (Lin et al. Algorithm 1)
        double a0 = Math.sqrt(base.alphaBar(0));
        double aT = Math.sqrt(base.alphaBar(999));
        for (int t : new int[] {1, 100, 600, 998}) {
            double expected = (Math.sqrt(base.alphaBar(t)) - aT) * a0 / (a0 - aT);
            assertThat(Math.sqrt(z.alphaBar(t))).isCloseTo(expected, offset(1e-12));
        }
    }

    @Test
    void timestepSpacingFollowsDiffusers() {
        DiscreteSchedule s = Schedules.linear(1000);
        assertThat(s.timesteps(10)).containsExactly(900, 800, 700, 600, 500, 400, 300, 200, 100, 0);
        assertThat(s.toBuilder().stepsOffset(1).build().timesteps(10)).containsExactly(901, 801, 701, 601, 501, 401, 301, 201, 101, 1);
        assertThat(s.toBuilder().spacing(TimestepSpacing.TRAILING).build().timesteps(10))
                .containsExactly(999, 899, 799, 699, 599, 499, 399, 299, 199, 99);
        assertThat(s.toBuilder().spacing(TimestepSpacing.LINSPACE).build().timesteps(10))
                .containsExactly(999, 888, 777, 666, 555, 444, 333, 222, 111, 0);
        assertThat(s.toBuilder().spacing(TimestepSpacing.TRAILING).build().timesteps(3)).containsExactly(999, 666, 332);
        // numpy rounds half to even: linspace(0, 999, 3) = [0, 499.5, 999] → 500
        assertThat(s.toBuilder().spacing(TimestepSpacing.LINSPACE).build().timesteps(3)).containsExactly(999, 500, 0);
        assertThat(s.timesteps(1000)).startsWith(999, 998).endsWith(1, 0).hasSize(1000);
        assertThatThrownBy(() -> s.toBuilder().stepsOffset(1).build().timesteps(1000))
                .hasMessageContaining("gives timestep 1000 outside [0, 1000)");
    }

    @Test
    void stepPlansPairEachTimestepWithTheNextAndEndAtTheFinalLevel() {
        DiscreteSchedule s = Schedules.linear(1000).toBuilder().spacing(TimestepSpacing.LINSPACE).build();
        StepPlan plan = s.plan(4);
        assertThat(plan.modelTimes()).containsExactly(999, 666, 333, 0);
        for (int i = 0; i < 3; i++) {
            assertThat(plan.get(i).previous()).isEqualTo(plan.get(i + 1).current());
        }
        assertThat(plan.get(3).previous()).isEqualTo(Timestep.clean());
        assertThat(s.toBuilder().setAlphaToOne(false).build().plan(4).get(3).previous().alphaBar())
                .isEqualTo(s.alphaBar(0));
        assertThatThrownBy(() -> s.plan(0)).hasMessageContaining("[1, 1000]");
        assertThatThrownBy(() -> s.plan(1001)).hasMessageContaining("got 1001");
    }

    @Test
    void discretePosteriorMatchesADirectBayesComputation() {
        // q(x_{t−1}|x_0) = N(√ᾱ_{t−1} x0, 1−ᾱ_{t−1}), q(x_t|x_{t−1}) = N(√α_t x_{t−1}, β_t): the product, normalised in x_{t−1}
        DiscreteSchedule s = Schedules.linear(1000);
        StepPlan plan = s.plan(1000);
        double x0 = 0.7;
        double xt = -1.3;
        for (int t : new int[] {999, 500, 10, 1}) {
            Step step = plan.get(999 - t);
            assertThat(step.current().modelTime()).isEqualTo(t);
            double abPrev = s.alphaBar(t - 1);
            double alpha = s.alpha(t);
            double beta = s.beta(t);
            double precision = 1 / (1 - abPrev) + alpha / beta;
            double var = 1 / precision;
            double mean = var * (Math.sqrt(abPrev) * x0 / (1 - abPrev) + Math.sqrt(alpha) * xt / beta);
            Posterior p = Posterior.of(step);
            assertThat(p.variance()).isCloseTo(var, offset(1e-12 + 1e-9 * var));
            assertThat(p.x0Coefficient() * x0 + p.xtCoefficient() * xt).isCloseTo(mean, offset(1e-9));
            // ERRATA: the variance is β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t, not β_t
            assertThat(p.variance()).isCloseTo((1 - abPrev) / (1 - s.alphaBar(t)) * beta, offset(1e-12));
            assertThat(step.posteriorVariance()).isCloseTo(p.variance(), offset(1e-15));
        }
    }

    @Test
    void continuousPosteriorOfSeed003EqualsTheGeneralPosterior() {
        LogSnrSchedule s = Schedules.cosineLogSnr();
        StepPlan plan = s.plan(20);
        for (int i = 0; i < 19; i++) { // the last step ends at λ_max, still finite
            Step step = plan.get(i);
            LogSnrPosterior seed003 = new LogSnrPosterior(step.current().lambda(), step.previous().lambda());
            Posterior general = Posterior.of(step);
            double x = 0.4;
            double z = 1.1;
            assertThat(seed003.variance()).isCloseTo(general.variance(), offset(1e-12));
            assertThat(seed003.mean(org.diffusion4j.api.tensor.ArrayTensor.of(new float[] {(float) z},
                    org.diffusion4j.api.tensor.Shape.of(1, 1)), org.diffusion4j.api.tensor.ArrayTensor.of(new float[] {(float) x},
                    org.diffusion4j.api.tensor.Shape.of(1, 1))).get(0, 0))
                    .isCloseTo((float) (general.x0Coefficient() * x + general.xtCoefficient() * z), offset(1e-6f));
            // σ²_{λ|λ'} = (1 − e^{λ−λ'}) σ_λ² is the forward variance β of the step
            assertThat(seed003.forwardVariance()).isCloseTo(step.stepBeta(), offset(1e-12));
            assertThat(seed003.interpolatedVariance(0)).isCloseTo(seed003.variance(), offset(1e-15));
            assertThat(seed003.interpolatedVariance(1)).isCloseTo(seed003.forwardVariance(), offset(1e-15));
        }
    }

    @Test
    void cosineLogSnrHitsItsEndpointsAndIsMonotone() {
        LogSnrSchedule s = Schedules.cosineLogSnr(-20, 20);
        assertThat(s.lambda(0)).isCloseTo(20, offset(1e-9));
        assertThat(s.lambda(1)).isCloseTo(-20, offset(1e-9));
        LogSnrSchedule asym = Schedules.cosineLogSnr(-15, 8);
        assertThat(asym.lambda(0)).isCloseTo(8, offset(1e-9));
        assertThat(asym.lambda(1)).isCloseTo(-15, offset(1e-9));
        for (int i = 0; i < 100; i++) {
            double u = i / 100.0;
            assertThat(s.lambda((i + 1) / 100.0)).isLessThan(s.lambda(u));
            assertThat(s.u(s.lambda(u))).isCloseTo(u, offset(1e-9));
            Timestep t = s.levelAtU(u);
            assertThat(t.alphaBar() + t.sigmaSquared()).isCloseTo(1, offset(1e-12));
            assertThat(t.lambda()).isCloseTo(s.lambda(u), offset(1e-6));
        }
        // the untruncated cosine schedule has λ(u) = −2 log tan(π u / 2): the middle is λ = 0 for symmetric bounds
        assertThat(s.lambda(0.5)).isCloseTo(0, offset(1e-9));
        LogSnrSchedule lin = Schedules.linearLogSnr(-10, 10);
        assertThat(lin.lambda(0.25)).isCloseTo(5, offset(1e-12));
    }

    @Test
    void trainingDrawsHaveTheRightDistribution() {
        DiscreteSchedule d = Schedules.linear(1000);
        int[] counts = new int[10];
        org.diffusion4j.api.noise.SdkNoise.Normal rng = org.diffusion4j.api.noise.SdkNoise.normal(3);
        int n = 20000;
        for (int i = 0; i < n; i++) {
            counts[(int) d.trainingTime(rng.nextUniform()).modelTime() / 100]++;
        }
        for (int c : counts) { // uniform over deciles: each ~ n/10 ± 4.5 sd
            assertThat((double) c).isCloseTo(n / 10.0, offset(4.5 * Math.sqrt(n * 0.1 * 0.9)));
        }
        LogSnrSchedule u = new LogSnrSchedule(LogSnrSchedule.Shape.COSINE, -20, 20, LogSnrSchedule.ModelTime.LAMBDA,
                LogSnrSchedule.TrainingDraw.UNIFORM_LAMBDA);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += u.trainingTime(rng.nextUniform()).lambda();
        }
        assertThat(sum / n).isCloseTo(0, offset(4.5 * 40 / Math.sqrt(12 * n)));
        // through the cosine map λ has density ∝ sech(λ/2) on [−20, 20]; P(λ > 0) = 1/2 and P(|λ| < 2) = (4/π)·atan(tanh(1/2))
        LogSnrSchedule c = Schedules.cosineLogSnr();
        int small = 0;
        for (int i = 0; i < n; i++) {
            small += Math.abs(c.trainingTime(rng.nextUniform()).lambda()) < 2 ? 1 : 0;
        }
        double p = 4 / Math.PI * Math.atan(Math.tanh(0.5));
        assertThat((double) small / n).isCloseTo(p, offset(4.5 * Math.sqrt(p * (1 - p) / n) + 1e-6));
    }

    @Test
    void schedulesAreBuiltFromJsonThroughTheRegistry() throws Exception {
        PluginRegistry reg = PluginRegistry.load();
        ObjectMapper om = new ObjectMapper();
        Schedule s = reg.schedule("squaredcos_cap_v2", om.readTree("{\"numTrainTimesteps\": 500, \"timestepSpacing\": \"trailing\"}"));
        assertThat(s).isInstanceOf(DiscreteSchedule.class);
        DiscreteSchedule d = (DiscreteSchedule) s;
        assertThat(d.length()).isEqualTo(500);
        assertThat(d.alphaBar(100)).isEqualTo(Schedules.cosine(500).alphaBar(100));
        assertThat(d.spacing()).isEqualTo(TimestepSpacing.TRAILING);
        Schedule b = reg.schedule("betas", om.readTree("{\"trainedBetas\": [0.1, 0.2, 0.3]}"));
        assertThat(b.at(2).alphaBar()).isCloseTo(0.9 * 0.8 * 0.7, offset(1e-12));
        Schedule c = reg.schedule("cosine-logsnr", om.readTree("{\"lambdaMin\": -10, \"lambdaMax\": 10, \"modelTime\": \"u\"}"));
        assertThat(c.at(0.5).lambda()).isCloseTo(0, offset(1e-9));
        assertThat(reg.schedule("linear")).isInstanceOf(DiscreteSchedule.class);

        assertThatThrownBy(() -> reg.schedule("linear", om.readTree("{\"numTrainTimesteps\": \"many\"}")))
                .hasMessageContaining("/numTrainTimesteps");
        assertThatThrownBy(() -> reg.schedule("linear", om.readTree("{\"betaStart\": 2}")))
                .hasMessageContaining("betaStart must be in (0, 1), got 2.0");
        assertThatThrownBy(() -> reg.schedule("linear", om.readTree("{\"timestepSpacing\": \"trialing\"}")))
                .hasMessageContaining("unknown timestep spacing 'trialing'").hasMessageContaining("trailing");
        assertThatThrownBy(() -> reg.schedule("linear", om.readTree("{\"betastart\": 0.1}")))
                .hasMessageContaining("unknown field 'betastart'").hasMessageContaining("betaStart");
        assertThatThrownBy(() -> reg.schedule("lineer")).hasMessageContaining("did you mean 'linear'");
        assertThatThrownBy(() -> reg.schedule("betas", om.readTree("{}"))).hasMessageContaining("non-empty trainedBetas");
    }
}
