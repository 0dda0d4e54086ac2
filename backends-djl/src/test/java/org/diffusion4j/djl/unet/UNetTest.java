package org.diffusion4j.djl.unet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.TestNets;
import org.diffusion4j.djl.tensor.DjlTensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UNetTest {

    private static DjlTensorFactory f;
    private static UNetModel model;
    private static UNetPredictor p;
    private static final Shape S = Shape.of(1, 16, 16);
    /** Two float32 evaluations of the test UNet, relative to max(1, |ε|): 2 × {@link UNetBounds#oneEvaluation}. */
    private static final double TWO_EVALUATIONS = 2 * UNetBounds.oneEvaluation(TestNets.tinyUNet(3));

    @BeforeAll
    static void build() {
        f = DjlTensorFactory.cpu();
        model = UNetModel.create(TestNets.tinyUNet(3), Device.cpu(), 7);
        p = new UNetPredictor(model, f);
    }

    @AfterAll
    static void close() {
        model.close();
        f.close();
    }

    private static Tensor noise(int b, long seed) {
        float[] d = new float[b * S.intSize()];
        SdkNoise.normal(seed).fill(d, 0, d.length);
        return ArrayTensor.of(d, S.withBatch(b));
    }

    private static double rmsDiff(Tensor a, Tensor b) {
        return a.minus(b).norm() / Math.sqrt(a.size());
    }

    @Test
    void outputHasTheInputShapeAndTheInputFactory() {
        Tensor x = noise(4, 1);
        Tensor out = p.predict(x, Timestep.ofAlphaBar(500, 0.5), Conditions.labels(0, 1, 2, 0));
        assertThat(out.shape()).isEqualTo(x.shape());
        assertThat(out).isInstanceOf(ArrayTensor.class);
        assertThat(out.allFinite()).isTrue();
        Tensor dx = f.adopt(x);
        Tensor dout = p.predict(dx, Timestep.ofAlphaBar(500, 0.5), Conditions.labels(0, 1, 2, 0));
        assertThat(dout).isInstanceOf(DjlTensor.class);
        // the same network on the same values, handed over as host or as device tensor: at most two float32
        // evaluations apart (UNetBounds, relative to max(1, |ε|)); the RMS difference is at most the largest
        assertThat(rmsDiff(dout, out))
                .isLessThanOrEqualTo(TWO_EVALUATIONS * Math.max(1, out.abs().max()));
    }

    @Test
    void outputDependsOnTimeAndClass() {
        Tensor x = noise(2, 2);
        Conditions c = Conditions.labels(0, 0);
        Tensor early = p.predict(x, Timestep.ofAlphaBar(10, 0.99), c);
        Tensor late = p.predict(x, Timestep.ofAlphaBar(900, 0.05), c);
        Tensor other = p.predict(x, Timestep.ofAlphaBar(10, 0.99), Conditions.labels(1, 1));
        Tensor none = p.predict(x, Timestep.ofAlphaBar(10, 0.99), Conditions.unconditional(2));
        double scale = Math.sqrt(early.square().mean());
        assertThat(scale).isPositive();
        // each change moves ε by more than twice the rounding bound of two evaluations, so none of them can
        // be a rounding artefact (nor be lost to one)
        double rounding = TWO_EVALUATIONS * Math.max(1, early.abs().max());
        assertThat(rmsDiff(early, late)).isGreaterThan(2 * rounding);
        assertThat(rmsDiff(early, other)).isGreaterThan(2 * rounding);
        assertThat(rmsDiff(early, none)).isGreaterThan(2 * rounding);
        // samples do not interact: sample 1 alone gives what it gave in the batch (batch 1 vs 2: PyTorch may
        // pick other kernels, so two float32 evaluations)
        Tensor alone = p.predict(x.slice(1, 2), Timestep.ofAlphaBar(10, 0.99), Conditions.labels(0));
        assertThat(rmsDiff(alone, early.slice(1, 2))).isLessThanOrEqualTo(rounding);
    }

    @Test
    void anUnconditionalNetworkIgnoresLabels() {
        try (UNetModel u = UNetModel.create(TestNets.tinyUNet(0), Device.cpu(), 7)) {
            UNetPredictor up = new UNetPredictor(u, f);
            Tensor x = noise(2, 3);
            Tensor a = up.predict(x, Timestep.ofAlphaBar(100, 0.7), Conditions.labels(0, 5));
            Tensor b = up.predict(x, Timestep.ofAlphaBar(100, 0.7), Conditions.unconditional(2));
            assertThat(rmsDiff(a, b)).isZero();
        }
    }

    @Test
    void seededInitialisationIsReproducible() {
        try (UNetModel a = UNetModel.create(TestNets.tinyUNet(3), Device.cpu(), 7);
                UNetModel b = UNetModel.create(TestNets.tinyUNet(3), Device.cpu(), 8)) {
            Map<String, float[]> wa = a.weights();
            Map<String, float[]> w0 = model.weights();
            Map<String, float[]> wb = b.weights();
            assertThat(wa.keySet()).isEqualTo(w0.keySet());
            String conv = wa.keySet().stream()
                    .filter(k -> k.contains("convIn") && k.endsWith("weight"))
                    .findFirst()
                    .orElseThrow();
            assertThat(wa.get(conv)).containsExactly(w0.get(conv));
            assertThat(wb.get(conv)).isNotEqualTo(w0.get(conv));
            // U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = 1 * 3 * 3
            for (float v : wa.get(conv)) {
                assertThat(Math.abs(v)).isLessThanOrEqualTo(1f / 3f);
            }
        }
    }

    @Test
    void parameterCountMatchesTheArchitecture() {
        // tiny UNet: base 8, widths 8/16, 1 block per level, attention at 8x8, 3 classes, embedding 32
        int e = 32;
        long conv3 = 0;
        long count = 0;
        count += 8 * e + e + e * e + e; // time MLP
        count += 4L * e; // class table (3 + ∅) x 32
        count += 1 * 8 * 9 + 8; // conv in
        count += res(8, 8, e); // down0 res (16x16)
        count += 8 * 8 * 9 + 8; // downsample
        count += res(8, 16, e) + attn(16); // down1 res + attention (8x8)
        count += res(16, 16, e) + attn(16) + res(16, 16, e); // middle
        count += res(16 + 16, 16, e) + attn(16) + res(16 + 8, 16, e) + attn(16); // up1 (8x8) with skips 16, 8
        count += 16 * 16 * 9 + 16; // upsample conv
        count += res(16 + 8, 8, e) + res(8 + 8, 8, e); // up0 with skips 8 (down sample), 8 (down0 res)
        count += 2 * 8 + 8 * 9 + 1; // out norm, conv out
        assertThat(model.parameterCount()).isEqualTo(count + conv3);
    }

    private static long res(int in, int out, int e) {
        long n = 2L * in + (long) out * in * 9 + out + (long) e * out + out + 2L * out + (long) out * out * 9 + out;
        return in == out ? n : n + (long) out * in + out;
    }

    private static long attn(int c) {
        return 2L * c + 3L * c * c + 3L * c + (long) c * c + c;
    }

    @Test
    void badInputGivesClearErrors() {
        Tensor x = noise(2, 4);
        Timestep t = Timestep.ofAlphaBar(500, 0.5);
        assertThatThrownBy(() -> p.predict(x, t, Conditions.labels(0, 3)))
                .hasMessageContaining("class 3")
                .hasMessageContaining("3 classes");
        assertThatThrownBy(() -> p.predict(x, t, Conditions.of(Condition.label(0), Condition.embedding(x.slice(0, 1)))))
                .hasMessageContaining("embedding");
        assertThatThrownBy(() -> p.predict(ArrayTensor.FACTORY.zeros(Shape.of(2, 1, 8, 8)), t, Conditions.labels(0, 0)))
                .hasMessageContaining("[2, 1, 16, 16]");
        assertThatThrownBy(() -> new UNetConfig(1, 28, 32, List.of(1, 2, 2, 2), 1, List.of(), 1, 8, 0.0, 0, null, null))
                .hasMessageContaining("not divisible");
        assertThatThrownBy(() -> new UNetConfig(1, 16, 12, List.of(1), 1, List.of(), 1, 8, 0.0, 0, null, null))
                .hasMessageContaining("groups 8 do not divide width 12");
    }
}
