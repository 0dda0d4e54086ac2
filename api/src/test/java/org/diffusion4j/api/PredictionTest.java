package org.diffusion4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@link Prediction}'s readers: x̂0 and conversions, under their new names and their deprecated ones. */
class PredictionTest {
    private static final Timestep T = Timestep.ofAlphaBar(7, 0.6);
    private static final Tensor X0 = SdkNoise.INSTANCE.open(11, 2).next(Shape.of(3), ArrayTensor.FACTORY);
    private static final Tensor EPS = SdkNoise.INSTANCE.open(12, 2).next(Shape.of(3), ArrayTensor.FACTORY);
    private static final Tensor XT = T.diffuse(X0, EPS);

    @Test
    void x0OfAnEpsilonPredictionInvertsTheForwardProcess() {
        Prediction p = new Prediction(PredictionType.EPSILON, EPS, XT, T);
        float[] got = p.x0().toFloatArray();
        float[] want = X0.toFloatArray();
        // x̂0 = (x_t − σ ε)/α with x_t = α x0 + σ ε both float32 linears (relative error γ_3 = 3u/(1−3u) each,
        // u = 2^-24): |err| ≤ γ_3 (|x_t| + σ|ε|)/α + γ_3 (α|x0| + σ|ε|)/α ≤ γ_3 · 2 (|x0| + 2 σ/α |ε|), bounded
        // by M = max(|x0|, |ε|): ≤ 2 γ_3 M (1 + 2 σ/α); ×2 for the double coefficients' rounding to float.
        double gamma3 = 3 * 0x1p-24 / (1 - 3 * 0x1p-24);
        double m = Math.max(X0.abs().max(), EPS.abs().max());
        double tol = 2 * 2 * gamma3 * m * (1 + 2 * T.sigma() / T.alpha());
        for (int i = 0; i < got.length; i++) {
            assertThat((double) got[i]).isCloseTo(want[i], offset(tol));
        }
    }

    @Test
    void convertToKeepsTheStateAndChangesTheMeaning() {
        Prediction eps = new Prediction(PredictionType.EPSILON, EPS, XT, T);
        assertThat(eps.convertTo(PredictionType.EPSILON)).isSameAs(eps);
        for (PredictionType target : PredictionType.values()) {
            Prediction q = eps.convertTo(target);
            assertThat(q.type()).isEqualTo(target);
            assertThat(q.x()).isSameAs(XT);
            assertThat(q.time()).isEqualTo(T);
            // the value is the converter's: one computation, so bit for bit
            assertThat(q.value().toFloatArray())
                    .containsExactly(
                            PredictionType.EPSILON.convert(EPS, XT, T, target).toFloatArray());
        }
        // a sample prediction's x̂0 is its value itself, untouched
        Prediction sample = eps.convertTo(PredictionType.SAMPLE);
        assertThat(sample.x0()).isSameAs(sample.value());
    }

    @Test
    @SuppressWarnings("deprecation")
    void deprecatedNamesAnswerAsTheNewOnes() {
        for (PredictionType type : PredictionType.values()) {
            Prediction p = new Prediction(PredictionType.EPSILON, EPS, XT, T).convertTo(type);
            assertThat(p.sample().toFloatArray()).containsExactly(p.x0().toFloatArray());
            for (PredictionType target : PredictionType.values()) {
                Prediction viaAs = p.as(target);
                Prediction viaConvert = p.convertTo(target);
                assertThat(viaAs.type()).isEqualTo(viaConvert.type());
                assertThat(viaAs.value().toFloatArray())
                        .containsExactly(viaConvert.value().toFloatArray());
            }
        }
    }

    @Test
    void aValueOfAnotherShapeThanTheStateIsRejected() {
        assertThatThrownBy(
                        () -> new Prediction(PredictionType.EPSILON, EPS, ArrayTensor.FACTORY.zeros(Shape.of(3, 2)), T))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]")
                .hasMessageContaining("[3, 2]");
    }
}
