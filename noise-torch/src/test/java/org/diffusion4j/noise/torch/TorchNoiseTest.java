package org.diffusion4j.noise.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;

/** The two seeding modes of {@link TorchNoise} expressed with {@link TorchGenerator} calls. */
class TorchNoiseTest {

    @Test
    void openDrawsTheWholeBatchFromOneGenerator() {
        NoiseStream stream = TorchNoise.avx2().open(42, 3);
        TorchGenerator g = TorchGenerator.manualSeed(42);
        assertThat(stream.batchSize()).isEqualTo(3);
        for (Shape s : new Shape[] {Shape.of(4, 8, 8), Shape.of(1), Shape.of(5), Shape.of(2, 3)}) {
            assertThat(stream.next(s)).isEqualTo(g.randn(s.withBatch(3).dims()));
        }
    }

    @Test
    void batchNoiseOfSampleZeroDependsOnTheBatchSize() {
        // torch.randn((1, 15)) takes the scalar path, torch.randn((2, 15)) the vectorised one
        float[] one = TorchNoise.avx2().open(42, 1).next(Shape.of(15));
        float[] two = TorchNoise.avx2().open(42, 2).next(Shape.of(15));
        assertThat(Arrays.copyOf(two, 15)).isNotEqualTo(one);
    }

    @Test
    void perSampleNoiseOfASampleDependsOnlyOnItsSeed() {
        Shape s = Shape.of(3, 4);
        NoiseStream a = TorchNoise.avx2().openPerSample(new long[] {7, 8, 9});
        NoiseStream b = TorchNoise.avx2().openPerSample(new long[] {100, 8});
        TorchGenerator g8 = TorchGenerator.manualSeed(8);
        for (int step = 0; step < 4; step++) {
            float[] x = a.next(s);
            float[] y = b.next(s);
            float[] expected = g8.randn(1, 3, 4);
            assertThat(Arrays.copyOfRange(x, 12, 24)).isEqualTo(expected);
            assertThat(Arrays.copyOfRange(y, 12, 24)).isEqualTo(expected);
        }
    }

    @Test
    void tensorDrawHasBatchShape() {
        var t = TorchNoise.avx2().open(1, 2).next(Shape.of(3, 5), org.diffusion4j.api.tensor.ArrayTensor.FACTORY);
        assertThat(t.shape()).isEqualTo(Shape.of(2, 3, 5));
    }

    @Test
    void emptyDrawsConsumeNothing() {
        NoiseStream stream = TorchNoise.avx2().open(11, 2);
        assertThat(stream.next(Shape.of(0, 4))).isEmpty();
        assertThat(stream.next(Shape.of(9)))
                .isEqualTo(TorchGenerator.manualSeed(11).randn(2, 9));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> TorchNoise.avx2().open(1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch size must be at least 1, got 0");
        assertThatThrownBy(() -> TorchNoise.avx2().openPerSample(new long[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one sample");
        assertThatThrownBy(() -> TorchNoise.avx2().open(1, 3).next(Shape.of(1 << 20, 1 << 10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than a Java array holds");
    }

    @Test
    void kernelsAreSingletonsWithTheirKernel() {
        assertThat(TorchNoise.of(TorchCpuKernel.AVX2)).isSameAs(TorchNoise.avx2());
        assertThat(TorchNoise.of(TorchCpuKernel.DEFAULT).kernel()).isEqualTo(TorchCpuKernel.DEFAULT);
        assertThat(TorchNoise.avx2().id()).isEqualTo(TorchNoise.ID).isEqualTo("torch-cpu");
    }
}
