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
        // Error bound (float32, u = 2^-24; api cannot use testkit's ErrorBound, so inline). Every tensor
        // here is one float32 linear(c1, ·, c2, ·): rounding the double coefficients to float, two products
        // and a sum give relative error γ_3 = 3u/(1 − 3u) per term. With M = max |x0|, |ε|, m = min(α, σ):
        // inputs xt and v have size ≤ √2 M and carry ≤ γ_3 √2 M from their own linear; every conversion
        // coefficient (1/α, σ/α, α/σ, 1/σ, α, σ) is ≤ 1/m. One conversion: γ_3 (2 · √2 M/m) + 2 · γ_3 √2 M/m
        // ≤ 5.7 γ_3 M/m, plus the reference v's own γ_3 √2 M: ≤ 8 γ_3 M/m. A round trip out → out' → out''
        // uses c'_out = 1/c_out and c'_x = −c_x/c_out, so the 1/m's do not compound: ≤ γ_3 (3 √2 M/m + 2 √2 M)
        // + 2 γ_3 √2 M/m ≤ 10 γ_3 M/m. Safety ×2 for the double-precision coefficients and sqrt (≤ 2 u64 each).
        double gamma3 = 3 * 0x1p-24 / (1 - 3 * 0x1p-24);
        double m = Math.min(t.alpha(), t.sigma());
        double big = Math.max(x0.abs().max(), eps.abs().max());
        double tol = 2 * 8 * gamma3 * big / m;
        double roundTripTol = 2 * 10 * gamma3 * big / m;
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
                close(to.convert(there, xt, t, from), start, roundTripTol);
            }
        }
    }

    @Test
    void epsilonHasNoX0AtZeroTerminalSnr() {
        Timestep pureNoise = new Timestep(999, 0, 1);
        Tensor x = SdkNoise.INSTANCE.open(1, 1).next(Shape.of(4), org.diffusion4j.api.tensor.ArrayTensor.FACTORY);
        assertThatThrownBy(() -> PredictionType.EPSILON.toSample(x, x, pureNoise))
                .hasMessageContaining("alpha is 0")
                .hasMessageContaining("model time 999");
        close(
                PredictionType.V.toSample(x, x, pureNoise),
                x.unaryMinus(),
                0); // x0 = 0·x − 1·v: exact in float32, bound 0
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
        assertThatThrownBy(() -> PredictionType.parse("noise"))
                .hasMessageContaining("known: epsilon, sample (x0), v_prediction");
    }

    @Test
    void timestepsValidateAndComputeLambda() {
        Timestep t = Timestep.ofLambda(0, 2.0);
        double u = 0x1p-53; // double unit roundoff; Math.exp and Math.log are within 1 ulp (≤ 2u relative)
        // λ = log ᾱ − log σ²: ᾱ = 1/(1 + e^-2) and σ² = e/(1 + e) carry ≤ 2u (exp) + 2u (+, /) relative, i.e.
        // ≤ 4u each in log; the two logs add 1 ulp of |log ᾱ| + |log σ²| = 2.25 (≤ 4.5u), the subtraction u|λ|:
        // ≤ 14.5u; ×4 safety
        assertThat(t.lambda()).isCloseTo(2.0, offset(4 * 14.5 * u));
        // ᾱ + σ² = (1 + e)/(1 + e) up to 2u (ᾱ's + and /) + 2u (σ²'s) + u (the sum) = 5u, as both use the
        // same e = exp(-2); ×2 safety
        assertThat(t.alphaBar() + t.sigmaSquared()).isCloseTo(1, offset(2 * 5 * u));
        // σ² = e/(1 + e) vs e: relative e ≈ 4e-18 from the 1 + e, 2u for the +, /, and 2 ulp (4u) between two exp
        // calls: ≤ 7u relative; ×2 safety. (Still far below σ² ≈ 4.2e-18 itself, so 0 would fail.)
        assertThat(Timestep.ofLambda(0, 40).sigmaSquared()).isCloseTo(Math.exp(-40), offset(2 * 7 * u * Math.exp(-40)));
        assertThatThrownBy(() -> new Timestep(0, 0.5, 0.6)).hasMessageContaining("alphaBar + sigma^2 = 1");
        assertThatThrownBy(() -> Conditions.labels(-1)).hasMessageContaining("class label must be >= 0");
        assertThat(Conditions.labels(1, 2).concat(Conditions.unconditional(1)).labelArray(10))
                .containsExactly(1, 2, 10);
    }
}
