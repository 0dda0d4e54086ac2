package org.diffusion4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluatorTest {
    @TempDir
    Path dir;

    /** Features: the 4 pixel values themselves, counting the images it sees. */
    static FeatureModel counting(String id, AtomicInteger seen) {
        return FeatureModel.of(id, 16, (images, shape) -> {
            int b = shape.get(0);
            seen.addAndGet(b);
            float[][] f = new float[b][4];
            for (int i = 0; i < b; i++) {
                System.arraycopy(images, i * 4, f[i], 0, 4);
            }
            return f;
        });
    }

    @Test
    void theReferenceAgainstItselfIsPerfect() {
        ImageSet ref = ClassAccuracyTest.images(200, new Random(3));
        int[] labels = new int[200];
        for (int i = 0; i < 200; i++) {
            labels[i] = i % ClassAccuracyTest.K;
        }
        Evaluator ev = Evaluator.builder(ref, counting("pixels", new AtomicInteger()))
                .classifier(ClassAccuracyTest.NEAREST)
                .build();
        EvaluationResult r = ev.evaluate(ref, labels);
        assertThat(r.get(Metric.ACCURACY)).hasValue(1.0);
        assertThat(r.get(Metric.PRECISION)).hasValue(1.0);
        assertThat(r.get(Metric.RECALL)).hasValue(1.0);
        // identical statistics: the distance is 0 up to the eigendecompositions' roundoff, bounded as in
        // FrechetDistanceTest.bound (d = 4, covariance eigenvalues of uniform(−½, ½) noise plus the class
        // means' spread, all within [1/12 · ½, 4 · 4 + 1])
        assertThat(r.get(Metric.FRECHET_DISTANCE).orElseThrow())
                .isBetween(0.0, FrechetDistanceTest.bound(4, 1.0 / 24, 17, 4 * 17));
        assertThat(r.samples()).isEqualTo(200);
        assertThat(r.referenceSize()).isEqualTo(200);
        assertThat(r.k()).isEqualTo(3);
    }

    @Test
    void theCacheSavesTheFeatureModelsWorkAndReturnsTheSameStatistics() throws IOException {
        ImageSet ref = ClassAccuracyTest.images(100, new Random(4));
        AtomicInteger seen = new AtomicInteger();
        ReferenceCache cache = new ReferenceCache(dir.resolve("cache"));
        ReferenceStatistics first = cache.get(counting("m1", seen), ref);
        assertThat(seen.get()).isEqualTo(100);
        ReferenceStatistics again = new ReferenceCache(dir.resolve("cache")).get(counting("m1", seen), ref);
        assertThat(seen.get()).isEqualTo(100); // not recomputed
        assertThat(again.statistics()).isEqualTo(first.statistics());
        assertThat(again.features()).isDeepEqualTo(first.features());

        // another feature model id, or one changed pixel: another key, recomputed
        cache.get(counting("m2", seen), ref);
        assertThat(seen.get()).isEqualTo(200);
        float[] v = ref.toFloatArray();
        v[17] += 1e-3f;
        ImageSet changed = ImageSet.of(v, ref.imageShape(), "changed");
        assertThat(ReferenceCache.key(counting("m1", seen), changed))
                .isNotEqualTo(ReferenceCache.key(counting("m1", seen), ref));
        cache.get(counting("m1", seen), changed);
        assertThat(seen.get()).isEqualTo(300);

        // a damaged entry is recomputed, with the same result
        String key = ReferenceCache.key(counting("m1", seen), ref);
        Files.write(dir.resolve("cache").resolve(key + ".cov.npy"), new byte[] {1, 2, 3});
        ReferenceStatistics repaired = cache.get(counting("m1", seen), ref);
        assertThat(seen.get()).isEqualTo(400);
        assertThat(repaired.statistics()).isEqualTo(first.statistics());
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".tmp"))).isEmpty();
        }

        // through the evaluator
        Evaluator ev = Evaluator.builder(ref, counting("m1", seen))
                .cacheDirectory(dir.resolve("cache"))
                .build();
        ev.referenceStatistics();
        assertThat(seen.get()).isEqualTo(400);
    }

    @Test
    void badInputs() {
        ImageSet ref = ClassAccuracyTest.images(20, new Random(5));
        Evaluator ev =
                Evaluator.builder(ref, counting("m", new AtomicInteger())).build();
        ImageSet other = ImageSet.of(new float[20 * 9], Shape.of(1, 3, 3), "other");
        assertThatThrownBy(() -> ev.evaluate(other))
                .hasMessageContaining("other: images of shape [1, 3, 3]")
                .hasMessageContaining("has [1, 2, 2]");
        assertThatThrownBy(() -> ev.evaluate(ref, new int[20])).hasMessageContaining("no classifier");
        assertThatThrownBy(() -> ImageSet.of(new float[7], Shape.of(1, 2, 2), "odd"))
                .hasMessageContaining("odd: 7 values are not a whole number of images of shape [1, 2, 2]");
        FeatureModel nan = FeatureModel.of("nan", 4, (im, s) -> new float[][] {{0}, {Float.NaN}, {0}, {0}});
        assertThatThrownBy(() -> Features.of(nan, ref))
                .hasMessageContaining("feature 0 of image 1")
                .hasMessageContaining("NaN");
        FeatureModel ragged = FeatureModel.of("ragged", 4, (im, s) -> new float[][] {{0}, {0, 1}, {0}, {0}});
        assertThatThrownBy(() -> Features.of(ragged, ref)).hasMessageContaining("returned 2 features for image 1");
        assertThatThrownBy(() -> Evaluator.builder(ref, nan).k(0)).hasMessageContaining("at least 1");
    }

    @Test
    void aSweepReportAsJsonAndPlots() throws IOException {
        SweepReport report = SweepReport.of("guidanceScale");
        double[] gammas = {0, 1, 2, 3, 5, 7.5};
        for (int i = 0; i < gammas.length; i++) {
            report = report.with(
                    "ddim-50",
                    gammas[i],
                    new EvaluationResult(
                            500,
                            1000,
                            "clf-logits",
                            3,
                            Map.of(
                                    Metric.ACCURACY,
                                    0.5 + 0.06 * i,
                                    Metric.FRECHET_DISTANCE,
                                    10.0 - 6 * i + i * i,
                                    Metric.PRECISION,
                                    0.6,
                                    Metric.RECALL,
                                    0.7 - 0.05 * i)));
            report = report.with(
                    "ddpm-100",
                    gammas[i],
                    new EvaluationResult(500, 1000, "clf-logits", 3, Map.of(Metric.FRECHET_DISTANCE, 12.0 - i)));
        }
        List<Path> files = report.write(dir.resolve("out"), "sweep");
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .containsExactly(
                        "sweep.json",
                        "sweep-accuracy.png",
                        "sweep-frechetDistance.png",
                        "sweep-precision.png",
                        "sweep-recall.png");

        JsonNode json = new ObjectMapper().readTree(files.get(0).toFile());
        assertThat(json.get("parameter").asText()).isEqualTo("guidanceScale");
        assertThat(json.get("points")).hasSize(12);
        JsonNode p4 = json.get("points").get(4);
        assertThat(p4.get("series").asText()).isEqualTo("ddim-50");
        assertThat(p4.get("guidanceScale").asDouble()).isEqualTo(2.0);
        assertThat(p4.get("n").asInt()).isEqualTo(500);
        assertThat(p4.get("frechetDistance").asDouble()).isEqualTo(10 - 12 + 4);
        assertThat(json.get("points").get(5).has("accuracy")).isFalse();

        for (Path png : files.subList(1, files.size())) {
            BufferedImage img = ImageIO.read(png.toFile());
            assertThat(img.getWidth()).isEqualTo(MetricPlot.WIDTH);
            assertThat(img.getHeight()).isEqualTo(MetricPlot.HEIGHT);
        }
        // the Fréchet plot draws both series: pixels of the first two palette colours are present
        BufferedImage fd = ImageIO.read(files.get(2).toFile());
        assertThat(countColour(fd, 0x1f77b4)).isGreaterThan(50);
        assertThat(countColour(fd, 0xd62728)).isGreaterThan(50);
        // the accuracy plot has one series only
        assertThat(countColour(ImageIO.read(files.get(1).toFile()), 0xd62728)).isZero();
    }

    private static int countColour(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
