package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.DoubleTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The single-step API ({@link SigmaStepper}) against each σ-space sampler's own loop: a diffusers-style loop of
 * {@code scaleModelInput}, model, {@code step} from x_T·{@code initNoiseSigma} gives, step for step, the states the
 * sampler's {@code sample} reports, exactly (the same calls with the same arithmetic; the noise of the stochastic
 * samplers replayed from the request's stream in the order the sampler draws it), and the same result.
 */
class SigmaStepperTest {
    static final Schedule SCHEDULE = Schedules.scaledLinear(1000);
    static final double[] Z = {0.7, -1.3, 0.2, 0.9};

    /** A nonlinear ε-model in double: ε = 0.3·x + 0.2·sin(x) + 0.001·t. */
    static final NoisePredictor MODEL = NoisePredictor.of(PredictionType.EPSILON, (x, t, c) -> {
        double[] v = DoubleTensor.of(x).values();
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = 0.3 * v[i] + 0.2 * Math.sin(v[i]) + 0.001 * t.modelTime();
        }
        return new DoubleTensor(o, x.shape());
    });

    static SampleRequest request() {
        return SampleRequest.builder()
                .predictor(MODEL)
                .schedule(SCHEDULE)
                .conditions(Conditions.unconditional(2))
                .sampleShape(2)
                .seed(3)
                .initialState(new DoubleTensor(Z, Shape.of(2, 2)))
                .tensors(DoubleTensor.FACTORY)
                .build();
    }

    static Stream<Arguments> samplers() {
        SigmaSpacing k = SigmaSpacing.karras();
        SigmaSpacing lead = SigmaSpacing.of(SigmaSpacing.Kind.LEADING).withStepsOffset(1);
        return Stream.of(
                Arguments.of("euler", Samplers.euler(9, lead)),
                Arguments.of("euler_a", Samplers.eulerAncestral(9, 1, k)),
                Arguments.of("heun", Samplers.heun(7, k)),
                Arguments.of("dpmpp_2m", Samplers.dpmpp2mKarras(9)),
                Arguments.of("dpmpp_2m_sde", Samplers.dpmpp2mSde(9, 1, k)),
                Arguments.of("lms", Samplers.lms(9, 4, k)),
                Arguments.of("pndm plms", Samplers.pndm(9, SigmaSpacing.schedule())),
                Arguments.of("pndm plms, 1 step", Samplers.pndm(1, SigmaSpacing.schedule())),
                Arguments.of("pndm runge_kutta", Samplers.pndm(8, SigmaSpacing.schedule(), Pndm.WarmUp.RUNGE_KUTTA)),
                Arguments.of("pndm runge_kutta, karras", Samplers.pndm(6, k, Pndm.WarmUp.RUNGE_KUTTA)),
                Arguments.of("unipc", Samplers.unipc(9, SigmaSpacing.of(SigmaSpacing.Kind.MULTISTEP_LINSPACE))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void stepByStepEqualsTheSamplersOwnLoop(String name, SigmaSampler sampler) {
        SampleRequest req = request();
        List<double[]> loop = new ArrayList<>();
        double[] result = DoubleTensor.of(sampler.sample(
                        req, e -> loop.add(DoubleTensor.of(e.state()).values().clone())))
                .values();

        SigmaStepper s = sampler.stepper(SCHEDULE, PredictionType.EPSILON);
        NoiseStream noise = req.openNoise();
        Tensor x = new DoubleTensor(Z, Shape.of(2, 2)).times(s.initNoiseSigma());
        List<double[]> stepped = new ArrayList<>();
        double[] ts = s.timesteps();
        assertThat(ts).hasSize(s.calls());
        for (int i = 0; i < s.calls(); i++) {
            Tensor out = MODEL.predict(s.scaleModelInput(x, i), s.level(i), Conditions.unconditional(2));
            assertThat(s.level(i).modelTime()).isEqualTo(ts[i]);
            Tensor z = s.needsNoise(i) ? noise.next(req.sampleShape(), DoubleTensor.FACTORY) : null;
            int step = s.stepIndex(i);
            x = s.step(out, i, x, z);
            if (i == s.calls() - 1 || s.stepIndex(i + 1) != step) {
                stepped.add(DoubleTensor.of(s.trajectory().scaleModelInput(x, step + 1))
                        .values());
            }
        }
        assertThat(stepped).hasSize(sampler.steps());
        for (int i = 0; i < stepped.size(); i++) {
            assertThat(stepped.get(i)).as("%s, state after step %d", name, i).isEqualTo(loop.get(i));
        }
        assertThat(DoubleTensor.of(s.result(x)).values()).isEqualTo(result);
    }

    @Test
    void callsAndTimestepsRepeatWhereAStepAsksTwice() {
        SigmaStepper heun = Samplers.heun(3, SigmaSpacing.karras()).stepper(SCHEDULE, PredictionType.EPSILON);
        double[] t = heun.trajectory().modelTimes();
        assertThat(heun.timesteps())
                .containsExactly(t[0], t[1], t[1], t[2], t[2]); // 2n − 1 calls: diffusers' Heun timesteps
        SigmaStepper pndm = Samplers.pndm(5, SigmaSpacing.schedule()).stepper(SCHEDULE, PredictionType.EPSILON);
        double[] p = pndm.trajectory().modelTimes();
        assertThat(pndm.timesteps())
                .containsExactly(p[0], p[1], p[1], p[2], p[3], p[4]); // n + 1: diffusers' plms_timesteps
        assertThat(Samplers.pndm(5, SigmaSpacing.schedule(), Pndm.WarmUp.RUNGE_KUTTA)
                        .stepper(SCHEDULE, PredictionType.EPSILON)
                        .calls())
                .isEqualTo(5 + 9);
    }

    @Test
    void misuseIsRefusedWithTheReason() {
        SigmaStepper s = Samplers.eulerAncestral(4, 1, SigmaSpacing.karras()).stepper(SCHEDULE, PredictionType.EPSILON);
        Tensor x = new DoubleTensor(Z, Shape.of(2, 2));
        Tensor out = MODEL.predict(s.scaleModelInput(x, 0), s.level(0), Conditions.unconditional(2));
        assertThatThrownBy(() -> s.step(out, 1, x, x))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call 1 out of order; the next call is 0");
        assertThatThrownBy(() -> s.step(out, 0, x))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("euler_a stepper: call 0 needs a standard normal noise tensor");
        assertThatThrownBy(() -> s.step(new DoubleTensor(new double[2], Shape.of(1, 2)), 0, x, x))
                .hasMessageContaining("[1, 2]")
                .hasMessageContaining("[2, 2]");
        assertThatThrownBy(() -> s.scaleModelInput(x, 4))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("call 4 outside [0, 4)");
    }
}
