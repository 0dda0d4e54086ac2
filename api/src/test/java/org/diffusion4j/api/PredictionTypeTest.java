package org.diffusion4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PredictionTypeTest {

    private static void close(Tensor a, Tensor b, double tol) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertThat((double) x[i]).isCloseTo(y[i], offset(tol));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.999, 0.7, 0.3, 0.01})
    void conversionsAgreeWithTheForwardProcessAndRoundTrip(double alphaBar) {
        Timestep t = Timestep.ofAlphaBar(5, alphaBar);
        Tensor x0 = SdkNoise.INSTANCE.open(1, 4).next(Shape.of(8), org.diffusion4j.api.tensor.ArrayTensor.FACTORY);
        Tensor eps = SdkNoise.INSTANCE.open(2, 4).next(Shape.of(8), org.diffusion4j.api.tensor.ArrayTensor.FACTORY);
        Tensor xt = t.diffuse(x0, eps);
        Tensor v = eps.linear(t.alpha(), x0, -t.sigma()); // v = α ε − σ x0 (definition)
        double tol = 2e-5 / Math.min(t.alpha(), t.sigma());
        close(PredictionType.EPSILON.toSample(eps, xt, t), x0, tol);
        close(PredictionType.EPSILON.toV(eps, xt, t), v, tol);
        close(PredictionType.SAMPLE.toEpsilon(x0, xt, t), eps, tol);
        close(PredictionType.SAMPLE.toV(x0, xt, t), v, tol);
        close(PredictionType.V.toEpsilon(v, xt, t), eps, tol);
        close(PredictionType.V.toSample(v, xt, t), x0, tol);
        for (PredictionType from : PredictionType.values()) {
            for (PredictionType to : PredictionType.values()) {
                Tensor start = from == PredictionType.EPSILON ? eps : from == PredictionType.SAMPLE ? x0 : v;
                Tensor there = from.convert(start, xt, t, to);
                close(to.convert(there, xt, t, from), start, 2 * tol);
            }
        }
    }

    @Test
    void epsilonHasNoX0AtZeroTerminalSnr() {
        Timestep pureNoise = new Timestep(999, 0, 1);
        Tensor x = SdkNoise.INSTANCE.open(1, 1).next(Shape.of(4), org.diffusion4j.api.tensor.ArrayTensor.FACTORY);
        assertThatThrownBy(() -> PredictionType.EPSILON.toSample(x, x, pureNoise))
                .hasMessageContaining("alpha is 0").hasMessageContaining("model time 999");
        close(PredictionType.V.toSample(x, x, pureNoise), x.unaryMinus(), 0); // x0 = α x − σ v = −v
    }

    @Test
    void parsesDiffusersNames() {
        assertThat(PredictionType.parse("epsilon")).isEqualTo(PredictionType.EPSILON);
        assertThat(PredictionType.parse("sample")).isEqualTo(PredictionType.SAMPLE);
        assertThat(PredictionType.parse("v_prediction")).isEqualTo(PredictionType.V);
        assertThat(PredictionType.parse("EPSILON")).isEqualTo(PredictionType.EPSILON);
        assertThat(PredictionType.parse("V_Prediction")).isEqualTo(PredictionType.V);
        try {
            com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
            assertThat(om.readValue("\"v_prediction\"", PredictionType.class)).isEqualTo(PredictionType.V);
            assertThat(om.readValue("\"SAMPLE\"", PredictionType.class)).isEqualTo(PredictionType.SAMPLE);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> PredictionType.parse("noise")).hasMessageContaining("known: epsilon, sample (x0), v_prediction");
    }

    @Test
    void timestepsValidateAndComputeLambda() {
        Timestep t = Timestep.ofLambda(0, 2.0);
        assertThat(t.lambda()).isCloseTo(2.0, offset(1e-12));
        assertThat(t.alphaBar() + t.sigmaSquared()).isCloseTo(1, offset(1e-15));
        assertThat(Timestep.ofLambda(0, 40).sigmaSquared()).isCloseTo(Math.exp(-40), offset(1e-30));
        assertThatThrownBy(() -> new Timestep(0, 0.5, 0.6)).hasMessageContaining("alphaBar + sigma^2 = 1");
        assertThatThrownBy(() -> Conditions.labels(-1)).hasMessageContaining("class label must be >= 0");
        assertThat(Conditions.labels(1, 2).concat(Conditions.unconditional(1)).labelArray(10)).containsExactly(1, 2, 10);
    }
}
