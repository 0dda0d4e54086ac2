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
import org.diffusion4j.schedules.Schedules;
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
        grad = model.gradient();
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
            NDArray logits = model.forward(m, m.create(x, new ai.djl.ndarray.types.Shape(1, 1, 16, 16)), new double[] {t}, false);
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

    @Test
    void autogradGradientMatchesCentralDifferences() {
        Shape s = Shape.of(1, 1, 16, 16);
        float[] x = noise(256, 1);
        Timestep t = Timestep.ofAlphaBar(300, 0.6);
        int y = 2;
        float[] g = grad.gradLogProb(ArrayTensor.of(x, s), t, Conditions.labels(y)).toFloatArray();
        // directional derivative along 3 random unit directions v: (f(x + h v) − f(x − h v)) / 2h ≈ g·v
        for (long dir = 10; dir < 13; dir++) {
            float[] v = noise(256, dir);
            double norm = 0;
            for (float f : v) {
                norm += f * f;
            }
            norm = Math.sqrt(norm);
            double h = 1e-2;
            float[] plus = new float[256];
            float[] minus = new float[256];
            double gv = 0;
            for (int i = 0; i < 256; i++) {
                double u = v[i] / norm;
                plus[i] = (float) (x[i] + h * u);
                minus[i] = (float) (x[i] - h * u);
                gv += g[i] * u;
            }
            double fd = (logProb(plus, 300, y) - logProb(minus, 300, y)) / (2 * h);
            assertThat(Math.abs(fd - gv)).as("direction %d: fd %s vs autograd %s", dir, fd, gv)
                    .isLessThan(2e-3 + 0.02 * Math.abs(gv));
        }
    }

    @Test
    void eachSampleGetsItsOwnGradientAndTheNullConditionNone() {
        Shape s = Shape.of(3, 1, 16, 16);
        float[] x = noise(3 * 256, 2);
        Timestep t = Timestep.ofAlphaBar(100, 0.8);
        Tensor batch = grad.gradLogProb(ArrayTensor.of(x, s), t, Conditions.of(Condition.label(1), Condition.none(),
                Condition.label(3)));
        float[] b = batch.toFloatArray();
        for (int i = 256; i < 512; i++) {
            assertThat(b[i]).isZero();
        }
        float[] single = grad.gradLogProb(ArrayTensor.of(java.util.Arrays.copyOfRange(x, 512, 768), Shape.of(1, 1, 16, 16)),
                t, Conditions.labels(3)).toFloatArray();
        for (int i = 0; i < 256; i++) {
            assertThat(b[512 + i]).isCloseTo(single[i], org.assertj.core.api.Assertions.within(1e-5f));
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
            TrainerConfig c = TrainerConfig.builder().batchSize(32).learningRate(3e-3).warmupSteps(5).seed(1).build();
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
             ClassifierTrainer t = new ClassifierTrainer(m, TrainerConfig.builder().batchSize(16).seed(2).build(),
                     Schedules.linear(1000), train)) {
            double first = t.trainStep();
            assertThat(first).isBetween(0.5 * Math.log(4), 3 * Math.log(4)); // near log K at the start
        }
    }

    @Test
    void embeddingsAreNotLabels() {
        Tensor x = ArrayTensor.FACTORY.zeros(Shape.of(1, 1, 16, 16));
        assertThatThrownBy(() -> grad.gradLogProb(x, Timestep.ofAlphaBar(1, 0.5), Conditions.of(Condition.embedding(x))))
                .hasMessageContaining("class labels");
        assertThatThrownBy(() -> grad.gradLogProb(x, Timestep.ofAlphaBar(1, 0.5), Conditions.labels(7)))
                .hasMessageContaining("label 7");
    }
}
