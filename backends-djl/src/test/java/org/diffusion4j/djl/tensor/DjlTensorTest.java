package org.diffusion4j.djl.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every DJL tensor operation against the pure-Java tensor on the same data, and the memory model. */
class DjlTensorTest {

    private static DjlTensorFactory f;
    private static final Shape S = Shape.of(3, 2, 5);

    @BeforeAll
    static void start() {
        f = DjlTensorFactory.on(ai.djl.Device.cpu(), 1L << 20);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    private static float[] data(long seed) {
        float[] d = new float[S.intSize()];
        SdkNoise.normal(seed).fill(d, 0, d.length);
        return d;
    }

    private static void same(Tensor djl, Tensor java) {
        assertThat(djl).isInstanceOf(DjlTensor.class);
        assertThat(djl.shape()).isEqualTo(java.shape());
        float[] a = djl.toFloatArray();
        float[] b = java.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(b[i], within(1e-6f * (1 + Math.abs(b[i]))));
        }
    }

    @Test
    void elementwiseOperationsMatchThePureJavaTensor() {
        float[] xa = data(1);
        float[] ya = data(2);
        float[] za = data(3);
        Tensor x = f.of(xa, S);
        Tensor y = f.of(ya, S);
        Tensor z = f.of(za, S);
        Tensor jx = ArrayTensor.of(xa, S);
        Tensor jy = ArrayTensor.of(ya, S);
        Tensor jz = ArrayTensor.of(za, S);
        same(x.plus(y), jx.plus(jy));
        same(x.plus(0.25), jx.plus(0.25));
        same(x.minus(y), jx.minus(jy));
        same(x.minus(1.5), jx.minus(1.5));
        same(x.times(y), jx.times(jy));
        same(x.times(-3.0), jx.times(-3.0));
        same(x.div(y.abs().plus(1)), jx.div(jy.abs().plus(1)));
        same(x.div(4.0), jx.div(4.0));
        same(x.unaryMinus(), jx.unaryMinus());
        same(x.linear(0.3, y, -1.7), jx.linear(0.3, jy, -1.7));
        same(x.linear(0.3, y, -1.7, z, 2.5), jx.linear(0.3, jy, -1.7, jz, 2.5));
        same(x.abs().sqrt(), jx.abs().sqrt());
        same(x.abs(), jx.abs());
        same(x.square(), jx.square());
        same(x.exp(), jx.exp());
        same(x.clamp(-0.5, 0.7), jx.clamp(-0.5, 0.7));
        same(x.slice(1, 3), jx.slice(1, 3));
        same(x.reshape(Shape.of(3, 10)), jx.reshape(Shape.of(3, 10)));
        same(x.timesPerSample(new double[] {2, -1, 0.5}), jx.timesPerSample(new double[] {2, -1, 0.5}));
    }

    @Test
    void mixedFactoriesConvertTheArgumentToTheReceiversDevice() {
        float[] xa = data(4);
        float[] ya = data(5);
        Tensor mixed = f.of(xa, S).plus(ArrayTensor.of(ya, S));
        same(mixed, ArrayTensor.of(xa, S).plus(ArrayTensor.of(ya, S)));
        assertThat(f.adopt(ArrayTensor.of(xa, S))).isInstanceOf(DjlTensor.class);
        Tensor d = f.of(xa, S);
        assertThat(f.adopt(d)).isSameAs(d);
    }

    @Test
    void reductionsAndAccessorsMatch() {
        float[] xa = data(6);
        Tensor x = f.of(xa, S);
        Tensor j = ArrayTensor.of(xa, S);
        assertThat(x.sum()).isCloseTo(j.sum(), within(1e-5));
        assertThat(x.mean()).isCloseTo(j.mean(), within(1e-6));
        assertThat(x.max()).isEqualTo(j.max());
        assertThat(x.min()).isEqualTo(j.min());
        assertThat(x.norm()).isCloseTo(j.norm(), within(1e-5));
        assertThat(x.get(2, 1, 3)).isEqualTo(j.get(2, 1, 3));
        assertThat(x.allFinite()).isTrue();
        assertThat(x.div(0.0).allFinite()).isFalse();
        assertThat(f.of(new float[] {Float.NaN, 1}, Shape.of(2)).allFinite()).isFalse();
    }

    @Test
    void factoryMethodsAndConcat() {
        same(f.zeros(S), ArrayTensor.FACTORY.zeros(S));
        same(f.full(S, 2.5f), ArrayTensor.FACTORY.full(S, 2.5f));
        float[] xa = data(7);
        float[] ya = data(8);
        Tensor c = f.concat(List.of(f.of(xa, S), ArrayTensor.of(ya, S)));
        same(c, ArrayTensor.FACTORY.concat(List.of(ArrayTensor.of(xa, S), ArrayTensor.of(ya, S))));
        assertThat(f.name()).isEqualTo("djl:cpu");
    }

    @Test
    void badInputIsRejectedWithBothShapes() {
        Tensor x = f.zeros(S);
        assertThatThrownBy(() -> x.plus(f.zeros(Shape.of(3, 10)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, 2, 5]").hasMessageContaining("[3, 10]");
        assertThatThrownBy(() -> x.reshape(Shape.of(7))).hasMessageContaining("sizes differ");
        assertThatThrownBy(() -> x.slice(2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> x.timesPerSample(new double[2])).hasMessageContaining("2 scales for a batch of 3");
        assertThatThrownBy(() -> x.clamp(1, 0)).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> x.get(0, 0)).hasMessageContaining("rank 3");
        assertThatThrownBy(() -> f.of(new float[3], S)).hasMessageContaining("needs 30");
    }

    @Test
    void unreachableTensorsReleaseTheirNativeMemory() throws InterruptedException {
        try (DjlTensorFactory g = DjlTensorFactory.on(ai.djl.Device.cpu(), 16L << 20)) {
            Tensor x = g.full(Shape.of(64, 784), 1f);
            long peak = 0;
            for (int i = 0; i < 400; i++) {
                x = x.linear(0.999, g.full(Shape.of(64, 784), 0.001f), 1.0); // like a sampler step: old x is garbage
                peak = Math.max(peak, g.liveBytes());
                Thread.sleep(1); // a step takes time; collections are requested at most every 50 ms
            }
            // 400 steps x 2 tensors x 200 KB = 160 MB allocated; the 16 MiB threshold forces collections, so
            // memory is reclaimed during the loop (the bound leaves room for a loaded machine's slow GC)
            assertThat(g.requestedCollections()).isPositive();
            assertThat(peak).isLessThan(100L << 20);
            for (int i = 0; i < 100 && g.liveTensors() > 5; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertThat(g.liveTensors()).isLessThanOrEqualTo(5);
            assertThat(g.managedArrays()).isLessThanOrEqualTo(5);
            assertThat(x.get(0, 0)).isCloseTo(1f, within(1e-3f));
        }
    }

    @Test
    void closeFreesAtOnceAndIsIdempotent() {
        long before = f.liveTensors();
        DjlTensor t = (DjlTensor) f.zeros(S);
        assertThat(f.liveTensors()).isEqualTo(before + 1);
        t.close();
        t.close();
        assertThat(f.liveTensors()).isEqualTo(before);
    }
}
