package org.diffusion4j.djl.classifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.tensor.DjlTensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.train.ProgressListener;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetBounds;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifierTest {

    private static final ClassifierConfig SMALL = new ClassifierConfig(1, 16, 4, 8, List.of(1, 2), 4, null);
    private static ClassifierModel model;
    private static AutogradClassifierGradient grad;

    @BeforeAll
    static void build() {
        model = ClassifierModel.create(SMALL, Device.cpu(), 3);
        grad = (AutogradClassifierGradient) model.gradient();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static float[] noise(int n, long seed) {
        float[] d = new float[n];
        SdkNoise.normal(seed).fill(d, 0, d.length);
        return d;
    }

    /** log p(y | x, t) of one image, in float64 from the logits. */
    private static double logProb(float[] x, double t, int y) {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NDArray logits = model.forward(
                    m, m.create(x, new ai.djl.ndarray.types.Shape(1, 1, 16, 16)), new double[] {t}, false);
            double[] l = new double[4];
            float[] f = logits.toFloatArray();
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < 4; k++) {
                l[k] = f[k];
                max = Math.max(max, l[k]);
            }
            double z = 0;
            for (double v : l) {
                z += Math.exp(v - max);
            }
            return l[y] - max - Math.log(z);
        }
    }

    /** (f(x + h v̂) − f(x − h v̂)) / 2h, v̂ = v/|v|, with the perturbed images rounded to float32. */
    private static double centralDifference(float[] x, float[] v, double norm, double h, int y) {
        float[] plus = new float[x.length];
        float[] minus = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            double u = v[i] / norm;
            plus[i] = (float) (x[i] + h * u);
            minus[i] = (float) (x[i] - h * u);
        }
        return (logProb(plus, 300, y) - logProb(minus, 300, y)) / (2 * h);
    }

    /** max_k |ℓ_k| of one image: the magnitude the logits' rounding is relative to. */
    private static double maxAbsLogit(float[] x, double t) {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            float[] l = model.forward(
                            m, m.create(x, new ai.djl.ndarray.types.Shape(1, 1, 16, 16)), new double[] {t}, false)
                    .toFloatArray();
            double max = 0;
            for (float v : l) {
                max = Math.max(max, Math.abs(v));
            }
            return max;
        }
    }

    @Test
    void autogradGradientMatchesCentralDifferences() {
        Shape s = Shape.of(1, 1, 16, 16);
        float[] x = noise(256, 1);
        Timestep t = Timestep.ofAlphaBar(300, 0.6);
        int y = 2;
        float[] g =
                grad.gradLogProb(ArrayTensor.of(x, s), t, Conditions.labels(y)).toFloatArray();
        // directional derivative along 3 unit directions v: (f(x + h v) − f(x − h v)) / 2h ≈ g·v.
        // Error of the central difference D(h): truncation C h² + O(h⁴), estimated from D(h) and D(h/2) as
        // |D(h) − D(h/2)|/3 (Richardson: D(h/2) − g·v ≈ (D(h) − D(h/2))/3); rounding: each f is the log-softmax
        // of float32 logits, within e_f = u · (forward operations) · SAFETY · max(1, |ℓ|) of exact, and the
        // perturbed inputs are rounded to float32 (u |x_i| each, changing f by ≤ u Σ|x_i||∂f/∂x_i| ≤ u |x| |g|),
        // so D(h/2) carries (e_f + u |x| |g|)/(h/2) more; autograd itself is within the gradient bound of
        // UNetBounds, relative to |g| (normwise). The step h = 4 (D(h/2) at h/2 = 2) keeps the rounding term
        // e_f/(h/2) small next to the derivative; the Richardson estimate covers the larger truncation.
        double ef = ErrorBound.float32(
                Math.max(1, maxAbsLogit(x, 300)),
                UNetBounds.classifierGradientOperations(SMALL) / 2.0,
                UNetBounds.SAFETY);
        double normX = 0;
        double normG = 0;
        for (int i = 0; i < 256; i++) {
            normX += (double) x[i] * x[i];
            normG += (double) g[i] * g[i];
        }
        normX = Math.sqrt(normX);
        normG = Math.sqrt(normG);
        for (long dir = 0; dir < 3; dir++) {
            float[] v =
                    dir == 0 ? g.clone() : noise(256, 10 + dir); // the gradient's own direction, then two random ones
            double norm = 0;
            for (float f : v) {
                norm += f * f;
            }
            norm = Math.sqrt(norm);
            double gv = 0;
            for (int i = 0; i < 256; i++) {
                gv += g[i] * (v[i] / norm);
            }
            double h = 4;
            double coarse = centralDifference(x, v, norm, h, y);
            double fine = centralDifference(x, v, norm, h / 2, y);
            double truncation = Math.abs(coarse - fine) / 3;
            double rounding = (ef + ErrorBound.U32 * normX * normG) / (h / 2);
            double autograd = UNetBounds.classifierGradient(SMALL) * normG; // |δg · v̂| ≤ |δg| ≤ rel · |g|
            assertThat(Math.abs(fine - gv))
                    .as("direction %d: fd %s vs autograd %s", dir, fine, gv)
                    .isLessThanOrEqualTo(2 * (truncation + rounding) + autograd);
            if (dir == 0) {
                // not vacuous: along the gradient, g·v̂ = |g|, and the bound is a small fraction of it, so a zero,
                // halved or sign-flipped gradient fails
                assertThat(2 * (truncation + rounding) + autograd).isLessThan(0.2 * Math.abs(gv));
            }
        }
    }

    @Test
    void eachSampleGetsItsOwnGradientAndTheNullConditionNone() {
        Shape s = Shape.of(3, 1, 16, 16);
        float[] x = noise(3 * 256, 2);
        Timestep t = Timestep.ofAlphaBar(100, 0.8);
        Tensor batch = grad.gradLogProb(
                ArrayTensor.of(x, s), t, Conditions.of(Condition.label(1), Condition.none(), Condition.label(3)));
        float[] b = batch.toFloatArray();
        for (int i = 256; i < 512; i++) {
            assertThat(b[i]).isZero();
        }
        float[] single = grad.gradLogProb(
                        ArrayTensor.of(java.util.Arrays.copyOfRange(x, 512, 768), Shape.of(1, 1, 16, 16)),
                        t,
                        Conditions.labels(3))
                .toFloatArray();
        // batch 3 vs batch 1: two float32 evaluations of the gradient (PyTorch may block batches differently)
        double scale = 0;
        for (float v : single) {
            scale = Math.max(scale, Math.abs(v));
        }
        double tol = 2 * UNetBounds.classifierGradient(SMALL) * Math.max(1, scale);
        for (int i = 0; i < 256; i++) {
            assertThat(b[512 + i]).isCloseTo(single[i], org.assertj.core.api.Assertions.within((float) tol));
        }
        // a device tensor in gives a device tensor out
        try (DjlTensorFactory f = DjlTensorFactory.cpu()) {
            Tensor dx = f.of(java.util.Arrays.copyOfRange(x, 0, 256), Shape.of(1, 1, 16, 16));
            assertThat(grad.gradLogProb(dx, t, Conditions.labels(0))).isInstanceOf(DjlTensor.class);
        }
    }

    @Test
    void aShortCleanTrainingLearnsTheShapes(@TempDir Path dir) throws Exception {
        ImageDataset train = Shapes.generate(512, 16, 1);
        ImageDataset test = Shapes.generate(200, 16, 99);
        try (ClassifierModel m = ClassifierModel.create(SMALL, Device.cpu(), 5)) {
            double before = m.accuracy(test, 0, 100);
            TrainerConfig c = TrainerConfig.builder()
                    .batchSize(32)
                    .learningRate(3e-3)
                    .warmupSteps(5)
                    .seed(1)
                    .build();
            try (ClassifierTrainer t = new ClassifierTrainer(m, c, null, train)) {
                t.train(150, ProgressListener.NONE);
            }
            double after = m.accuracy(test, 0, 100);
            assertThat(after).isGreaterThan(0.9).isGreaterThan(before);
            m.save(dir.resolve("c.ckpt"));
            try (ClassifierModel back = ClassifierModel.load(dir.resolve("c.ckpt"), Device.cpu())) {
                assertThat(back.accuracy(test, 0, 100)).isEqualTo(after);
            }
        }
    }

    @Test
    void noisyTrainingRunsOnForwardProcessSamples() {
        ImageDataset train = Shapes.generate(128, 16, 2);
        try (ClassifierModel m = ClassifierModel.create(SMALL, Device.cpu(), 6);
                ClassifierTrainer t = new ClassifierTrainer(
                        m, TrainerConfig.builder().batchSize(16).seed(2).build(), Schedules.linear(1000), train)) {
            double first = t.trainStep();
            assertThat(first).isBetween(0.5 * Math.log(4), 3 * Math.log(4)); // near log K at the start
        }
    }

    @Test
    void embeddingsAreNotLabels() {
        Tensor x = ArrayTensor.FACTORY.zeros(Shape.of(1, 1, 16, 16));
        assertThatThrownBy(
                        () -> grad.gradLogProb(x, Timestep.ofAlphaBar(1, 0.5), Conditions.of(Condition.embedding(x))))
                .hasMessageContaining("class labels");
        assertThatThrownBy(() -> grad.gradLogProb(x, Timestep.ofAlphaBar(1, 0.5), Conditions.labels(7)))
                .hasMessageContaining("label 7");
    }
}
