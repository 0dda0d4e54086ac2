package org.diffusion4j.api.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayTensorTest {
    private final Tensor a = ArrayTensor.of(new float[] {1, -2, 3, 4.5f, 0, -0.25f}, Shape.of(2, 3));
    private final Tensor b = ArrayTensor.of(new float[] {2, 2, -1, 0.5f, 3, 4}, Shape.of(2, 3));

    @Test
    void elementwiseArithmeticMatchesScalarArithmetic() {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        float[] plus = a.plus(b).toFloatArray();
        float[] minus = a.minus(b).toFloatArray();
        float[] times = a.times(b).toFloatArray();
        float[] div = a.div(b).toFloatArray();
        float[] lin = a.linear(0.5, b, -3).toFloatArray();
        float[] lin3 = a.linear(2, b, -1, a, 0.25).toFloatArray();
        for (int i = 0; i < x.length; i++) {
            assertThat(plus[i]).isEqualTo(x[i] + y[i]);
            assertThat(minus[i]).isEqualTo(x[i] - y[i]);
            assertThat(times[i]).isEqualTo(x[i] * y[i]);
            assertThat(div[i]).isEqualTo(x[i] / y[i]);
            assertThat(lin[i]).isEqualTo(0.5f * x[i] + -3f * y[i]);
            // inputs and coefficients are multiples of 1/16 below 16, so every product and partial sum is a
            // multiple of 1/16 below 32 and exact in float32 whatever the order or FMA use: the bound is 0
            assertThat(lin3[i]).isEqualTo(2 * x[i] - y[i] + 0.25f * x[i]);
            assertThat(a.plus(1.5).toFloatArray()[i]).isEqualTo(x[i] + 1.5f);
            assertThat(a.minus(1.5).toFloatArray()[i]).isEqualTo(x[i] - 1.5f);
            assertThat(a.times(-2).toFloatArray()[i]).isEqualTo(x[i] * -2f);
            assertThat(a.div(4).toFloatArray()[i]).isEqualTo(x[i] / 4f);
            assertThat(a.unaryMinus().toFloatArray()[i]).isEqualTo(-x[i]);
            assertThat(a.abs().toFloatArray()[i]).isEqualTo(Math.abs(x[i]));
            assertThat(a.square().toFloatArray()[i]).isEqualTo(x[i] * x[i]);
            assertThat(a.abs().sqrt().toFloatArray()[i]).isEqualTo((float) Math.sqrt(Math.abs(x[i])));
            assertThat(a.exp().toFloatArray()[i]).isEqualTo((float) Math.exp(x[i]));
            assertThat(a.clamp(-1, 2).toFloatArray()[i]).isEqualTo(Math.min(2f, Math.max(-1f, x[i])));
        }
    }

    @Test
    void operationsNeverChangeTheirReceiver() {
        float[] before = a.toFloatArray();
        a.plus(b);
        a.times(3);
        a.linear(2, b, 3);
        a.clamp(0, 1);
        a.reshape(Shape.of(3, 2));
        a.toFloatArray()[0] = 99; // the copy, not the tensor
        assertThat(a.toFloatArray()).containsExactly(before);
    }

    @Test
    void reductionsAndIndexing() {
        // double sums of 6 floats: error ≤ γ_6 Σ|a_i| = γ_6 · 10.75 (Higham 3.1, u = 2^-53), mean one more
        // rounding (γ_7); ×2 safety. (With these dyadic inputs the sums are in fact exact.)
        double u = 0x1p-53;
        assertThat(a.sum()).isCloseTo(1 - 2 + 3 + 4.5 + 0 - 0.25, offset(2 * 6 * u / (1 - 6 * u) * 10.75));
        assertThat(a.mean()).isCloseTo((1 - 2 + 3 + 4.5 + 0 - 0.25) / 6, offset(2 * 7 * u / (1 - 7 * u) * 10.75 / 6));
        assertThat(a.max()).isEqualTo(4.5);
        assertThat(a.min()).isEqualTo(-2);
        // Σ v² in double (products of floats are exact in double) to γ_6 relative, sqrt halves it and adds u:
        // ≤ (γ_6/2 + u) · 5.9; ×2 safety
        assertThat(a.norm())
                .isCloseTo(Math.sqrt(1 + 4 + 9 + 20.25 + 0.0625), offset(2 * (3 * u / (1 - 6 * u) + u) * 5.9));
        assertThat(a.get(1, 0)).isEqualTo(4.5f);
        assertThat(a.get(0, 2)).isEqualTo(3f);
        assertThat(a.batchSize()).isEqualTo(2);
        assertThat(a.allFinite()).isTrue();
        assertThat(a.div(0).allFinite()).isFalse();
    }

    @Test
    void sliceConcatReshapeAndPerSampleScaling() {
        Tensor s = a.slice(1, 2);
        assertThat(s.shape()).isEqualTo(Shape.of(1, 3));
        assertThat(s.toFloatArray()).containsExactly(4.5f, 0, -0.25f);
        Tensor c = ArrayTensor.FACTORY.concat(List.of(a, b.slice(0, 1)));
        assertThat(c.shape()).isEqualTo(Shape.of(3, 3));
        assertThat(c.slice(2, 3).toFloatArray()).containsExactly(2, 2, -1);
        assertThat(c.slice(0, 2)).isEqualTo(a);
        assertThat(a.reshape(Shape.of(6)).get(3)).isEqualTo(4.5f);
        assertThat(a.timesPerSample(new double[] {2, -1}).toFloatArray()).containsExactly(2, -4, 6, -4.5f, -0f, 0.25f);
    }

    @Test
    void badInputGivesClearErrors() {
        Tensor other = ArrayTensor.of(new float[4], Shape.of(2, 2));
        assertThatThrownBy(() -> a.plus(other)).hasMessageContaining("plus: shapes [2, 3] and [2, 2] differ");
        assertThatThrownBy(() -> ArrayTensor.of(new float[5], Shape.of(2, 3)))
                .hasMessageContaining("5 elements but shape [2, 3] needs 6");
        assertThatThrownBy(() -> a.get(2, 0)).hasMessageContaining("outside shape [2, 3]");
        assertThatThrownBy(() -> a.get(1)).hasMessageContaining("rank 2");
        assertThatThrownBy(() -> a.reshape(Shape.of(4))).hasMessageContaining("sizes differ");
        assertThatThrownBy(() -> a.slice(1, 3)).hasMessageContaining("outside batch of 2");
        assertThatThrownBy(() -> a.clamp(1, 0)).hasMessageContaining("exceeds upper bound");
        assertThatThrownBy(() -> a.timesPerSample(new double[3])).hasMessageContaining("3 scales for a batch of 2");
        assertThatThrownBy(() -> Shape.of(2, -1)).hasMessageContaining("negative");
        assertThatThrownBy(() -> ArrayTensor.FACTORY.concat(List.of(a, other)))
                .hasMessageContaining("differ outside the batch axis");
    }
}
