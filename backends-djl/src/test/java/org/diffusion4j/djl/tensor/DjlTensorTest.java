package org.diffusion4j.djl.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorScope;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every DJL tensor operation against the pure-Java tensor on the same data, and the memory model. */
class DjlTensorTest {

    private static DjlTensorFactory f;
    private static final Shape S = Shape.of(3, 2, 5);

    @BeforeAll
    static void start() {
        f = DjlTensorFactory.cpu();
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

    /** Bitwise-equal results where the operation is exact (negation, abs, clamp, slicing, reshaping). */
    private static void same(Tensor djl, Tensor java) {
        same(djl, java, 0, 0);
    }

    /**
     * Each side rounds each of the operation's k elementwise steps once (IEEE + − × ÷ √ are correctly
     * rounded in Java and in PyTorch's kernels; exp is within 1 ulp on both, counted as two steps), so
     * each is within γ_k · M of the exact value, M bounding the sum of the absolute terms, and the two
     * within 2 γ_k M.
     */
    private static void same(Tensor djl, Tensor java, int k, double magnitude) {
        assertThat(djl).isInstanceOf(DjlTensor.class);
        assertThat(djl.shape()).isEqualTo(java.shape());
        float[] a = djl.toFloatArray();
        float[] b = java.toFloatArray();
        double tol = 2 * ErrorBound.gamma32(k) * magnitude;
        for (int i = 0; i < a.length; i++) {
            assertThat((double) a[i]).as("element %d", i).isCloseTo(b[i], within(tol));
        }
    }

    private static double maxAbs(float[]... arrays) {
        double m = 0;
        for (float[] a : arrays) {
            for (float v : a) {
                m = Math.max(m, Math.abs(v));
            }
        }
        return m;
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
        double m = maxAbs(xa, ya, za); // every |x_i|, |y_i|, |z_i| ≤ m
        same(x.plus(y), jx.plus(jy), 1, 2 * m);
        same(x.plus(0.25), jx.plus(0.25), 1, m + 0.25);
        same(x.minus(y), jx.minus(jy), 1, 2 * m);
        same(x.minus(1.5), jx.minus(1.5), 1, m + 1.5);
        same(x.times(y), jx.times(jy), 1, m * m);
        same(x.times(-3.0), jx.times(-3.0), 1, 3 * m);
        same(x.div(y.abs().plus(1)), jx.div(jy.abs().plus(1)), 2, m); // the +1 and the division; |y| + 1 ≥ 1
        same(x.div(4.0), jx.div(4.0), 1, m / 4);
        same(x.unaryMinus(), jx.unaryMinus());
        same(x.linear(0.3, y, -1.7), jx.linear(0.3, jy, -1.7), 3, 2.0 * m);
        same(x.linear(0.3, y, -1.7, z, 2.5), jx.linear(0.3, jy, -1.7, jz, 2.5), 5, 4.5 * m);
        same(x.abs().sqrt(), jx.abs().sqrt(), 1, Math.sqrt(m));
        same(x.abs(), jx.abs());
        same(x.square(), jx.square(), 1, m * m);
        same(x.exp(), jx.exp(), 2, Math.exp(m));
        same(x.clamp(-0.5, 0.7), jx.clamp(-0.5, 0.7));
        same(x.slice(1, 3), jx.slice(1, 3));
        same(x.reshape(Shape.of(3, 10)), jx.reshape(Shape.of(3, 10)));
        same(x.timesPerSample(new double[] {2, -1, 0.5}), jx.timesPerSample(new double[] {2, -1, 0.5}), 1, 2 * m);
    }

    @Test
    void mixedFactoriesConvertTheArgumentToTheReceiversDevice() {
        float[] xa = data(4);
        float[] ya = data(5);
        Tensor mixed = f.of(xa, S).plus(ArrayTensor.of(ya, S));
        same(mixed, ArrayTensor.of(xa, S).plus(ArrayTensor.of(ya, S)), 1, 2 * maxAbs(xa, ya));
        assertThat(f.adopt(ArrayTensor.of(xa, S))).isInstanceOf(DjlTensor.class);
        Tensor d = f.of(xa, S);
        assertThat(f.adopt(d)).isSameAs(d);
    }

    @Test
    void reductionsAndAccessorsMatch() {
        float[] xa = data(6);
        Tensor x = f.of(xa, S);
        Tensor j = ArrayTensor.of(xa, S);
        // an n-term sum in any order is within γ_n Σ|x_i| of exact (the Java side may sum in double: closer);
        // the mean adds one division, the norm √(Σ x²) one square each and the root: γ_{n+2} |x| per side
        int n = xa.length;
        double sumAbs = 0;
        double sumSq = 0;
        for (float v : xa) {
            sumAbs += Math.abs(v);
            sumSq += (double) v * v;
        }
        assertThat(x.sum()).isCloseTo(j.sum(), within(2 * ErrorBound.gamma32(n) * sumAbs));
        assertThat(x.mean()).isCloseTo(j.mean(), within(2 * ErrorBound.gamma32(n + 1) * sumAbs / n));
        assertThat(x.max()).isEqualTo(j.max());
        assertThat(x.min()).isEqualTo(j.min());
        assertThat(x.norm()).isCloseTo(j.norm(), within(2 * ErrorBound.gamma32(n + 2) * Math.sqrt(sumSq)));
        assertThat(x.get(2, 1, 3)).isEqualTo(j.get(2, 1, 3));
        assertThat(x.allFinite()).isTrue();
        assertThat(x.div(0.0).allFinite()).isFalse();
        assertThat(f.of(new float[] {Float.NaN, 1}, Shape.of(2)).allFinite()).isFalse();
        // finite elements whose float32 sum overflows, and infinities that cancel to NaN in a sum
        assertThat(f.of(new float[] {3e38f, 3e38f}, Shape.of(2)).allFinite()).isTrue();
        assertThat(f.of(new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, Shape.of(2))
                        .allFinite())
                .isFalse();
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
        assertThatThrownBy(() -> x.plus(f.zeros(Shape.of(3, 10))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, 2, 5]")
                .hasMessageContaining("[3, 10]");
        assertThatThrownBy(() -> x.reshape(Shape.of(7))).hasMessageContaining("sizes differ");
        assertThatThrownBy(() -> x.slice(2, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> x.timesPerSample(new double[2])).hasMessageContaining("2 scales for a batch of 3");
        assertThatThrownBy(() -> x.clamp(1, 0)).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> x.get(0, 0)).hasMessageContaining("rank 3");
        assertThatThrownBy(() -> f.of(new float[3], S)).hasMessageContaining("needs 30");
    }

    @Test
    void aScopeFreesWhatWasMadeInItExceptWhatIsKept() {
        try (DjlTensorFactory g = DjlTensorFactory.cpu()) {
            Tensor outside = g.full(Shape.of(4, 8), 2f);
            Tensor kept;
            try (TensorScope run = g.openScope()) {
                Tensor x = outside;
                for (int i = 0; i < 400; i++) {
                    x = x.linear(0.5, g.full(Shape.of(4, 8), 1f), 1.0); // two new tensors per step
                }
                assertThat(g.liveTensors()).isEqualTo(1 + 2 * 400);
                kept = run.keep(x);
            }
            // only the tensor made outside and the kept one remain, and nothing waits for a collection
            assertThat(g.liveTensors()).isEqualTo(2);
            assertThat(g.managedArrays()).isEqualTo(2);
            // x ← x/2 + 1 from 2 is exactly 2 in binary floating point at every step
            assertThat(kept.get(3, 7)).isEqualTo(2f);
            assertThat(outside.get(0, 0)).isEqualTo(2f);
        }
    }

    @Test
    void nestedScopesKeepIntoTheEnclosingOneAndUseAfterCloseFails() {
        try (DjlTensorFactory g = DjlTensorFactory.cpu()) {
            TensorScope run = g.openScope();
            Tensor fromStep;
            Tensor temporary;
            try (TensorScope step = g.openScope()) {
                temporary = g.full(S, 1f);
                fromStep = step.keep(temporary.plus(1));
            }
            assertThat(g.liveTensors()).isEqualTo(1); // the temporary went with the step
            assertThat(fromStep.get(0, 0, 0)).isEqualTo(2f); // the kept one belongs to the run now
            assertThatThrownBy(() -> temporary.get(0, 0, 0)).isInstanceOf(RuntimeException.class);
            run.close();
            run.close(); // idempotent
            assertThat(g.liveTensors()).isZero();
            assertThatThrownBy(() -> fromStep.get(0, 0, 0)).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void anOuterScopeClosedFirstFreesOnlyItsOwnTensors() {
        try (DjlTensorFactory g = DjlTensorFactory.cpu()) {
            TensorScope first = g.openScope();
            Tensor a = g.full(S, 1f);
            TensorScope second = g.openScope(); // opened inside the first, as DDIM's next step scope
            Tensor b = a.plus(1);
            first.close();
            assertThat(b.get(1, 1, 1)).isEqualTo(2f);
            Tensor kept = second.keep(b); // the first is closed: b moves to the factory's root
            second.close();
            assertThat(kept.get(1, 1, 1)).isEqualTo(2f);
            assertThat(g.liveTensors()).isEqualTo(1);
            assertThatThrownBy(() -> a.get(0, 0, 0)).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void aScopeBelongsToItsThread() throws InterruptedException {
        try (DjlTensorFactory g = DjlTensorFactory.cpu()) {
            TensorScope run = g.openScope();
            Tensor[] made = new Tensor[1];
            Throwable[] failure = new Throwable[1];
            Thread other = new Thread(() -> {
                made[0] = g.full(S, 3f); // no scope is open on this thread
                try {
                    run.keep(made[0]);
                } catch (IllegalStateException e) {
                    failure[0] = e;
                }
            });
            other.start();
            other.join();
            run.close();
            assertThat(made[0].get(2, 1, 4)).isEqualTo(3f); // not freed by the other thread's scope
            assertThat(failure[0]).hasMessageContaining("belongs to the thread that opened it");
        }
    }

    @Test
    void thePureJavaFactoryHasNoScopeToClose() {
        Tensor x = ArrayTensor.FACTORY.full(S, 1f);
        try (TensorScope s = ArrayTensor.FACTORY.openScope()) {
            assertThat(s).isSameAs(TensorScope.NONE);
            assertThat(s.keep(x)).isSameAs(x);
        }
        assertThat(x.get(0, 0, 0)).isEqualTo(1f);
    }

    @Test
    void aSliceOrReshapeOutlivesItsSource() {
        try (DjlTensorFactory g = DjlTensorFactory.cpu()) {
            DjlTensor x = (DjlTensor) g.of(data(7), S);
            float[] expected = java.util.Arrays.copyOfRange(x.toFloatArray(), 10, 30);
            Tensor part;
            Tensor flat;
            try (TensorScope s = g.openScope()) {
                part = s.keep(x.slice(1, 3));
                flat = s.keep(x.reshape(Shape.of(30)));
            }
            x.close();
            assertThat(part.toFloatArray()).containsExactly(expected);
            assertThat(flat.get(29)).isEqualTo(expected[19]);
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
