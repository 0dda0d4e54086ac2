package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.SamplingCancelledException;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Determinism, listeners, cancellation and non-finite detection of every σ-space sampler. */
class SigmaSamplerPropertiesTest {
    static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();

    static Stream<Arguments> samplers() {
        return Stream.of(
                        Samplers.euler(12),
                        Samplers.eulerAncestral(12),
                        Samplers.heun(12),
                        Samplers.dpmpp2m(12),
                        Samplers.dpmpp2mKarras(12),
                        Samplers.dpmpp2mSde(12),
                        Samplers.lms(12),
                        Samplers.pndm(12),
                        Samplers.unipc(12))
                .map(s -> Arguments.of(s.toString(), s));
    }

    static SampleRequest request(NoisePredictor p, long seed) {
        return SampleRequest.builder()
                .predictor(p)
                .schedule(Schedules.linear(1000))
                .conditions(Conditions.unconditional(5))
                .sampleShape(2)
                .seed(seed)
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void deterministicPerSeedAndReportsEveryStep(String name, Sampler s) {
        AtomicInteger steps = new AtomicInteger();
        float[] a = s.sample(request(MIX.epsilonPredictor(), 3), e -> {
                    assertThat(e.step().index()).isEqualTo(steps.getAndIncrement());
                    assertThat(e.state().shape().dims()).containsExactly(5, 2);
                })
                .toFloatArray();
        assertThat(steps).hasValue(12);
        // the same seed gives the same result, bit for bit (the same operations on the same draws)
        assertThat(s.sample(request(MIX.epsilonPredictor(), 3)).toFloatArray()).containsExactly(a);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void cancellationAndNonFiniteOutputs(String name, Sampler s) {
        assertThatThrownBy(() -> s.sample(request(MIX.epsilonPredictor(), 3), e -> {
                    if (e.step().index() == 4) {
                        e.cancel();
                    }
                }))
                .isInstanceOf(SamplingCancelledException.class)
                .hasMessageContaining("after 5 of 12 steps");
        NoisePredictor nan = (x, t, c) -> x.times(Double.NaN);
        assertThatThrownBy(() -> s.sample(request(nan, 3), e -> {}))
                .hasMessageContaining("NaN or infinite")
                .hasMessageContaining("step 0");
    }
}
