package org.diffusion4j.djl.torchscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A TorchScript model without a condition input ({@code linear_uncond.pt}: forward(sample, timestep))
 * refuses labelled conditions, naming its file and inputs, as the ONNX backend does; before, it ignored
 * them silently. Unconditional calls still run.
 */
class UnconditionalModelTest {

    private static final Path FILE = Path.of("..", "tools", "fixtures", "out", "linear_uncond.pt");
    private static DjlTensorFactory f;

    @BeforeAll
    static void start() {
        f = DjlTensorFactory.cpu();
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static TorchScriptPredictor load() {
        assumeTrue(Files.exists(FILE), "fixture " + FILE + " not present");
        return TorchScriptPredictor.load(
                new ModelSpec(FILE, PredictionType.EPSILON, Map.of("sampleShape", List.of(1, 8, 8))), f);
    }

    @Test
    void labelsAreRefusedNamingTheFileAndInputs() {
        try (TorchScriptPredictor p = load()) {
            Tensor x = f.zeros(Shape.of(2, 1, 8, 8));
            assertThatThrownBy(() -> p.predict(
                            x, Timestep.ofAlphaBar(10, 0.5), Conditions.of(Condition.none(), Condition.label(1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("linear_uncond.pt")
                    .hasMessageContaining("no condition input")
                    .hasMessageContaining("forward(sample: Tensor, timestep: Tensor)")
                    .hasMessageContaining("sample 1 is conditioned on");
        }
    }

    @Test
    void unconditionalCallsGivePyTorchsOutput() throws Exception {
        JsonNode e = new ObjectMapper()
                .readTree(FILE.resolveSibling("linear_uncond.expected.json").toFile());
        double[] x =
                new ObjectMapper().convertValue(e.get("inputs").get("sample").get("data"), double[].class);
        double[] t =
                new ObjectMapper().convertValue(e.get("inputs").get("timestep").get("data"), double[].class);
        double[] out = new ObjectMapper()
                .convertValue(e.get("outputs").get("out_sample").get("data"), double[].class);
        try (TorchScriptPredictor p = load()) {
            for (int b = 0; b < t.length; b++) {
                float[] xb = new float[64];
                for (int i = 0; i < 64; i++) {
                    xb[i] = (float) x[b * 64 + i];
                }
                float[] r = p.predict(
                                ArrayTensor.of(xb, Shape.of(1, 1, 8, 8)),
                                Timestep.ofAlphaBar(t[b], 0.5),
                                Conditions.unconditional(1))
                        .toFloatArray();
                // ε = c·x with c = 0.1 + 0.4 t/1000 in float32: a product and a few scalar operations on c,
                // each within u = 2^-24 relative, so |error| ≤ 4u·|ε| (4 roundings), doubled for safety
                for (int i = 0; i < 64; i++) {
                    double want = out[b * 64 + i];
                    assertThat((double) r[i])
                            .as("sample %d element %d", b, i)
                            .isCloseTo(want, org.assertj.core.api.Assertions.within(2 * 4 * 0x1p-24 * Math.abs(want)));
                }
            }
        }
        assertThat(Arrays.stream(out).map(Math::abs).max().orElseThrow()).isGreaterThan(0);
    }
}
