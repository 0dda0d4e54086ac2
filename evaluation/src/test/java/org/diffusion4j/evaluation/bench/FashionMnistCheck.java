package org.diffusion4j.evaluation.bench;

import java.nio.file.Path;
import java.util.Random;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.evaluation.EvaluationResult;
import org.diffusion4j.evaluation.Evaluator;
import org.diffusion4j.evaluation.FeatureModel;
import org.diffusion4j.evaluation.ImageReaders;
import org.diffusion4j.evaluation.ImageSet;
import org.diffusion4j.evaluation.Metric;

/**
 * A sanity check on the real Fashion-MNIST files (Debian's {@code dataset-fashion-mnist}), not a test:
 * the metrics of held-out test images against training images, and of the same images with added
 * Gaussian pixel noise of growing strength, in a crude feature space (7×7 average-pooled pixels). The
 * Fréchet distance must grow and precision fall with the noise; held-out images must score near the
 * reference's own level.
 *
 * <pre>
 * mvn -q -o -pl evaluation -am test-compile
 * java -cp evaluation/target/classes:evaluation/target/test-classes:io/target/classes:api/target/classes:&lt;jackson, commons-math3 jars&gt; \
 *     org.diffusion4j.evaluation.bench.FashionMnistCheck /usr/share/datasets/fashion-mnist 2000
 * </pre>
 */
public final class FashionMnistCheck {

    private FashionMnistCheck() {}

    /** 7×7 average pooling of 28×28 images: 16 pixels per feature. */
    static float[][] pooled(float[] images, Shape batchShape) {
        int b = batchShape.get(0);
        float[][] out = new float[b][49];
        for (int i = 0; i < b; i++) {
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    out[i][(y / 4) * 7 + x / 4] += images[i * 784 + y * 28 + x] / 16f;
                }
            }
        }
        return out;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "/usr/share/datasets/fashion-mnist");
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        long t0 = System.nanoTime();
        ImageSet train = ImageReaders.idxImages(dir.resolve("train-images-idx3-ubyte.gz"))
                .first(n);
        ImageSet test =
                ImageReaders.idxImages(dir.resolve("t10k-images-idx3-ubyte.gz")).first(n);
        System.out.printf("read %d + %d images in %.1f s%n", train.size(), test.size(), (System.nanoTime() - t0) / 1e9);
        Evaluator ev = Evaluator.builder(train, FeatureModel.of("pool7x7", 256, FashionMnistCheck::pooled))
                .build();
        Random r = new Random(1);
        for (double sigma : new double[] {0, 0.1, 0.3, 1.0}) {
            float[] v = test.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (sigma * r.nextGaussian());
            }
            long t = System.nanoTime();
            EvaluationResult res = ev.evaluate(ImageSet.of(v, test.imageShape(), "test+noise"));
            System.out.printf(
                    "noise sigma %.1f: FD %.4f  precision %.3f  recall %.3f  (n = %d, %.1f s)%n",
                    sigma,
                    res.get(Metric.FRECHET_DISTANCE).orElseThrow(),
                    res.get(Metric.PRECISION).orElseThrow(),
                    res.get(Metric.RECALL).orElseThrow(),
                    res.samples(),
                    (System.nanoTime() - t) / 1e9);
        }
    }
}
