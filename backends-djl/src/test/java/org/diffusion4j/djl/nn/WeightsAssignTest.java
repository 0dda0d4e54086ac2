package org.diffusion4j.djl.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.diffusion4j.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

/**
 * {@link Weights#assign}, the in-place copy used instead of DJL's {@code NDArray.set(float[])} (which
 * makes libtorch print "AutoNonVariableTypeMode is deprecated" on stderr): exact values, even over
 * non-finite ones, and the array stays the same trainable parameter.
 */
class WeightsAssignTest {

    @Test
    void copiesExactlyInPlaceAndKeepsTheGradientAttachment() {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NDArray a = m.full(new Shape(2, 3), Float.POSITIVE_INFINITY);
            a.setRequiresGradient(true);
            float[] v = {1, -2, 3.5f, Float.MIN_VALUE, -0f, 6e30f};
            Weights.assign(a, v);
            assertThat(a.toFloatArray()).containsExactly(v);
            assertThat(m.getManagedArrays())
                    .as("the temporary source array is freed")
                    .hasSize(1);
            assertThat(a.hasGradient()).isTrue();
            try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                gc.backward(a.mul(2).sum());
            }
            assertThat(a.getGradient().toFloatArray()).containsOnly(2f);

            NDArray scalar = m.zeros(new Shape());
            Weights.assign(scalar, new float[] {7});
            assertThat(scalar.getFloat()).isEqualTo(7f);
            assertThatThrownBy(() -> Weights.assign(a, new float[5]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("5 values")
                    .hasMessageContaining("(2, 3)");
        }
    }
}
