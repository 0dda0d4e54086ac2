package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.json.JsonMapper;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.schedules.DiscreteSchedule;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/** σ levels, model times, init_noise_sigma and scale_model_input, and the names users type. */
class SigmaTrajectoryTest {
    static final DiscreteSchedule SD = Schedules.scaledLinear(1000);

    static double tableSigma(int t) {
        return Math.sqrt((1 - SD.alphaBar(t)) / SD.alphaBar(t)); // σ_t = √((1 − ᾱ_t)/ᾱ_t)
    }

    /** A handful of double operations (sqrt, pow, log, exp: 1 ulp each) on values ≤ 15: ×4 safety. */
    static double tol(double magnitude) {
        return ErrorBound.float64(magnitude, 16, 4);
    }

    @Test
    void karrasLevelsFollowEquation5BetweenTheTableEndsThenZero() {
        SigmaTrajectory t = SigmaTrajectory.of(SD, 5, SigmaSpacing.karras());
        double max = tableSigma(999);
        double min = tableSigma(0);
        assertThat(max).isCloseTo(14.6146, within(1e-4)); // Stable Diffusion's σ_max, as k-diffusion prints it
        assertThat(t.steps()).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            double a = Math.pow(max, 1 / 7.0);
            double b = Math.pow(min, 1 / 7.0);
            double expected = Math.pow(a + i / 4.0 * (b - a), 7);
            assertThat(t.sigma(i)).as("sigma %d", i).isCloseTo(expected, within(tol(15)));
        }
        assertThat(t.sigma(5)).isZero();
        assertThat(t.level(5).alphaBar()).isEqualTo(1);
        // the ends map to the table's timesteps 999 and 0 (log-σ interpolation hits a table entry exactly)
        assertThat(t.level(0).modelTime()).isCloseTo(999, within(tol(1000)));
        assertThat(t.level(4).modelTime()).isCloseTo(0, within(tol(1000)));
        // a level between two entries gets the fractional time of its log σ: the geometric mean of σ_499 and σ_500 is
        // 499.5
        double[] logs = new double[1000];
        for (int i = 0; i < 1000; i++) {
            logs[i] = Math.log(tableSigma(i));
        }
        assertThat(SigmaTrajectory.sigmaToT(Math.sqrt(tableSigma(499) * tableSigma(500)), logs))
                .isCloseTo(499.5, within(tol(1000) * 1e3));
        // rounded model times, numpy half to even
        SigmaTrajectory r = SigmaTrajectory.of(SD, 5, SigmaSpacing.karras().rounded());
        for (int i = 0; i < 5; i++) {
            assertThat(r.level(i).modelTime()).isEqualTo(Math.rint(t.level(i).modelTime()));
        }
    }

    @Test
    void exponentialLevelsAreLogUniform() {
        SigmaTrajectory t = SigmaTrajectory.of(SD, 4, SigmaSpacing.exponential());
        double ratio = Math.pow(tableSigma(0) / tableSigma(999), 1 / 3.0);
        for (int i = 1; i < 4; i++) {
            assertThat(t.sigma(i) / t.sigma(i - 1)).isCloseTo(ratio, within(tol(1)));
        }
    }

    @Test
    void diffusersSpacingsOnSigma() {
        // linspace(0, 999, 3) reversed: 999, 499.5, 0; σ linearly interpolated in the table (np.interp)
        SigmaTrajectory lin = SigmaTrajectory.of(SD, 3, SigmaSpacing.of(SigmaSpacing.Kind.LINSPACE));
        assertThat(lin.modelTimes()).containsExactly(999, 499.5, 0);
        assertThat(lin.sigma(1)).isCloseTo((tableSigma(499) + tableSigma(500)) / 2, within(tol(15)));
        assertThat(lin.sigma(0)).isEqualTo(tableSigma(999));
        // leading, steps_offset 1 (Stable Diffusion): arange(10)·100 + 1, reversed
        SigmaTrajectory lead = SigmaTrajectory.of(
                SD, 10, SigmaSpacing.of(SigmaSpacing.Kind.LEADING).withStepsOffset(1));
        assertThat(lead.modelTimes()).containsExactly(901, 801, 701, 601, 501, 401, 301, 201, 101, 1);
        assertThat(lead.sigma(9)).isCloseTo(tableSigma(1), within(tol(1)));
        // trailing: round(arange(1000, 0, −100)) − 1
        SigmaTrajectory trail = SigmaTrajectory.of(SD, 10, SigmaSpacing.of(SigmaSpacing.Kind.TRAILING));
        assertThat(trail.modelTimes()).containsExactly(999, 899, 799, 699, 599, 499, 399, 299, 199, 99);
        // trailing with 3 steps: 1000/3 = 333.33…: round(1000, 666.67, 333.33) − 1
        assertThat(SigmaTrajectory.of(SD, 3, SigmaSpacing.of(SigmaSpacing.Kind.TRAILING))
                        .modelTimes())
                .containsExactly(999, 666, 332);
    }

    @Test
    void multistepSpacingsDivideByStepsPlusOneAndRoundHalfToEven() {
        // DPMSolverMultistep/UniPC linspace: linspace(0, 999, 7).round()[::-1][:-1]; j·166.5 rounds half to even:
        // 166.5 → 166, 499.5 → 500, 832.5 → 832
        SigmaTrajectory lin = SigmaTrajectory.of(SD, 6, SigmaSpacing.of(SigmaSpacing.Kind.MULTISTEP_LINSPACE));
        assertThat(lin.modelTimes()).containsExactly(999, 832, 666, 500, 333, 166);
        assertThat(lin.sigma(1)).isEqualTo(tableSigma(832));
        assertThat(lin.sigma(6)).isZero();
        // leading: (arange(n + 1)·(T div (n + 1)))[::-1][:-1] + steps_offset
        SigmaTrajectory lead = SigmaTrajectory.of(
                SD, 4, SigmaSpacing.parse("multistep_leading").withStepsOffset(1));
        assertThat(lead.modelTimes()).containsExactly(801, 601, 401, 201);
        // Karras, rounded (numpy round) as DPMSolverMultistep/UniPC do with use_karras_sigmas
        SigmaTrajectory k = SigmaTrajectory.of(SD, 5, SigmaSpacing.karras().rounded());
        for (double t : k.modelTimes()) {
            assertThat(t).isEqualTo(Math.rint(t));
        }
    }

    @Test
    void scheduleSpacingUsesThePlanAndInitNoiseSigmaMakesTheModelSeeStandardNoise() {
        SigmaTrajectory t = SigmaTrajectory.of(SD, 10, SigmaSpacing.schedule());
        assertThat(t.modelTimes()).containsExactly(SD.plan(10).modelTimes());
        assertThat(t.sigma(10)).isZero(); // set_alpha_to_one
        assertThat(t.initNoiseSigma()).isCloseTo(Math.sqrt(t.sigma(0) * t.sigma(0) + 1), within(tol(15)));
        // scale_model_input(x·init_noise_sigma, 0) = x: the model's first input is the standard-normal draw
        Tensor z = ArrayTensor.of(new float[] {0.5f, -1.25f}, org.diffusion4j.api.tensor.Shape.of(1, 2));
        Tensor back = t.scaleModelInput(z.times(t.initNoiseSigma()), 0);
        // two float32 multiplications by reciprocal factors: ≤ 2u relative, ×2 safety
        assertThat(back.toFloatArray()[1]).isCloseTo(-1.25f, within((float) ErrorBound.float32(1.25, 2, 2)));
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> SigmaTrajectory.of(Schedules.cosineLogSnr(), 10, SigmaSpacing.karras()))
                .hasMessageContaining("discrete schedule");
        DiscreteSchedule zsnr = SD.toBuilder()
                .rescaleZeroTerminalSnr()
                .spacing(org.diffusion4j.schedules.TimestepSpacing.TRAILING)
                .build();
        assertThatThrownBy(() -> SigmaTrajectory.of(zsnr, 10, SigmaSpacing.schedule()))
                .hasMessageContaining("zero-terminal-SNR");
        assertThatThrownBy(() -> new Lms(10, 5, SigmaSpacing.schedule())).hasMessageContaining("order");
        assertThatThrownBy(() -> new EulerAncestral(10, 1.5, SigmaSpacing.schedule()))
                .hasMessageContaining("eta");
        assertThatThrownBy(() -> new Euler(0, SigmaSpacing.schedule())).hasMessageContaining("steps");
    }

    @Test
    void theNamesUsersTypeReachTheSamplers() {
        PluginRegistry reg = PluginRegistry.load();
        assertThat(reg.ids(PluginKind.SAMPLER))
                .contains(
                        "euler",
                        "euler_a",
                        "heun",
                        "dpmpp_2m",
                        "dpmpp_2m_karras",
                        "dpmpp_2m_sde",
                        "dpmpp_2m_sde_karras",
                        "lms",
                        "pndm",
                        "unipc");
        JsonMapper json = JsonMapper.builder().build();
        assertThat(reg.sampler("Euler a")).isInstanceOf(EulerAncestral.class);
        assertThat(reg.sampler("euler-ancestral")).isInstanceOf(EulerAncestral.class);
        Sampler karras = reg.sampler("DPM++ 2M Karras");
        assertThat(karras).isInstanceOf(DpmSolverPlusPlus2M.class);
        assertThat(((DpmSolverPlusPlus2M) karras).spacing().kind()).isEqualTo(SigmaSpacing.Kind.KARRAS);
        Sampler viaFlag =
                reg.sampler("dpmpp_2m", json.createObjectNode().put("steps", 25).put("karras", true));
        assertThat(((DpmSolverPlusPlus2M) viaFlag).spacing().kind()).isEqualTo(SigmaSpacing.Kind.KARRAS);
        assertThat(((DpmSolverPlusPlus2M) viaFlag).steps()).isEqualTo(25);
        assertThat(((DpmSolverPlusPlus2M) reg.sampler("DPM++ 2M")).spacing().kind())
                .isEqualTo(SigmaSpacing.Kind.SCHEDULE);
        assertThat(reg.sampler("lms", json.createObjectNode().put("spacing", "exponential")))
                .hasToString("Lms[steps=50, spacing=exponential, order=4]");
        assertThat(reg.sampler("plms")).isInstanceOf(Pndm.class);
        assertThat(reg.sampler("UniPC")).isInstanceOf(UniPc.class);
        assertThat(reg.sampler("heun")).isInstanceOf(Heun.class);
        assertThat(reg.sampler("DPM++ 2M SDE Karras"))
                .hasToString("DpmSolverPlusPlus2MSde[steps=20, spacing=karras(rho=7.0), eta=1.0]");
        assertThatThrownBy(() -> reg.sampler(
                        "dpmpp_2m", json.createObjectNode().put("karras", true).put("spacing", "linspace")))
                .hasMessageContaining("karras");
    }
}
