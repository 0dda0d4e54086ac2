package org.diffusion4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An unconditional model ({@code linear_uncond}: inputs sample and timestep only) asked for class labels
 * or classifier-free guidance is refused alike by both backends, naming the file and the model's inputs.
 * Before, the TorchScript model silently ignored the labels (and CFG then mixed two identical
 * predictions) while the ONNX backend refused.
 */
class UnconditionalModelTest {

    private static Twins twins;

    @BeforeAll
    static void open() {
        twins = Twins.open(1);
    }

    @AfterAll
    static void close() {
        twins.close();
    }

    private static NoisePredictor load(String backend) {
        Map<String, Object> options = backend.equals(Twins.DJL) ? Map.of("sampleShape", List.of(1, 8, 8)) : Map.of();
        return twins.backend(backend)
                .loadPredictor(new ModelSpec(
                        backend.equals(Twins.ONNX) ? Fixtures.onnx("linear_uncond") : Fixtures.pt("linear_uncond"),
                        PredictionType.EPSILON,
                        options));
    }

    private static SampleRequest.Builder request(NoisePredictor p, Guidance g, Conditions c) {
        return SampleRequest.builder()
                .predictor(p)
                .schedule(Schedules.linear(1000))
                .guidance(g)
                .conditions(c)
                .sampleShape(Fixtures.SAMPLE)
                .seed(7);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Twins.ONNX, Twins.DJL})
    void labelsAndCfgAreRefusedNamingTheInputs(String backend) {
        NoisePredictor p = load(backend);
        String file = "linear_uncond." + (backend.equals(Twins.ONNX) ? "onnx" : "pt");
        assertThatThrownBy(() -> Samplers.ddim(5, 0)
                        .sample(request(p, Guidances.cfg(3), Conditions.labels(0, 2))
                                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file)
                .hasMessageContaining("no condition input")
                .hasMessageContaining("sample")
                .hasMessageContaining("timestep");
        assertThatThrownBy(() -> Samplers.ddim(5, 0)
                        .sample(request(p, Guidance.NONE, Conditions.labels(1)).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file)
                .hasMessageContaining("no condition input");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {Twins.ONNX, Twins.DJL})
    void unconditionalSamplingStillRuns(String backend) {
        NoisePredictor p = load(backend);
        Tensor x = Samplers.ddim(5, 0)
                .sample(request(p, Guidance.NONE, Conditions.unconditional(2)).build());
        assertThat(x.shape().get(0)).isEqualTo(2);
        assertThat(Double.isFinite(x.abs().max())).isTrue();
    }
}
