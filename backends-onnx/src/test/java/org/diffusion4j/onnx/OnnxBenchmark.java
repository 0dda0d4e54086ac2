package org.diffusion4j.onnx;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.GuidanceContext;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.guidance.ClassifierFreeGuidance;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.schedules.Schedules;

/**
 * Benchmark program (not a test): forward time of the tiny UNet fixture per batch size, and one CFG
 * step as one call of 2B versus two calls of B. Prints a table; see the module README for figures.
 *
 * <pre>
 * mvn -q -o -pl backends-onnx test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.diffusion4j.onnx.OnnxBenchmark [-Dexec.args="threads=1 rounds=7 model=path.onnx"]
 * </pre>
 * Arguments: {@code threads} (intra-op threads, 0 = ONNX Runtime's default), {@code rounds}
 * (repetitions of each measurement; the median is reported), {@code model} (another .onnx with
 * the tiny UNet's signature), {@code batches} (comma-separated batch sizes).
 */
public final class OnnxBenchmark {
    private OnnxBenchmark() {}

    public static void main(String[] args) {
        Map<String, String> a = new java.util.HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value, got '" + s + "'");
            }
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        int threads = Integer.parseInt(a.getOrDefault("threads", "0"));
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "7"));
        Path model = a.containsKey("model") ? Path.of(a.get("model")) : Fixtures.onnx("tiny_unet");
        int[] batches = Arrays.stream(
                        a.getOrDefault("batches", "1,2,4,8,16,32,64").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();

        try (OnnxBackend backend = OnnxBackend.open(OnnxConfig.DEFAULT.withIntraOpThreads(threads))) {
            OnnxNoisePredictor p =
                    backend.loadPredictor(new ModelSpec(model, PredictionType.EPSILON, Map.of("numClasses", 3)));
            System.out.printf(
                    Locale.ROOT,
                    "onnxruntime %s, %s, intraOpThreads %s, %d cores, java %s%n",
                    backend.runtimeVersion(),
                    model.getFileName(),
                    threads == 0 ? "default" : threads,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            System.out.println(p.describe());

            System.out.println();
            System.out.println("forward pass (one session run), median of " + rounds + " rounds");
            System.out.println("  batch    ms/call   us/sample");
            for (int b : batches) {
                Tensor x = Analytic.gaussian(b, b);
                Conditions c = labels(b);
                double ms = median(rounds, iterations(b), () -> p.predict(x, Analytic.level(500), c));
                System.out.printf(Locale.ROOT, "  %5d  %9.3f  %10.1f%n", b, ms, 1000 * ms / b);
            }

            System.out.println();
            System.out.println("one CFG step (guidance scale 3): cond + uncond as one call of 2B vs two calls of B");
            System.out.println("  B   2B-call ms   2xB-calls ms   ratio (two/one)");
            Step step = Schedules.linear(1000).plan(50).get(25);
            ClassifierFreeGuidance one = Guidances.cfg(3).withBatching(ClassifierFreeGuidance.Batching.CONCAT);
            ClassifierFreeGuidance two = Guidances.cfg(3).withBatching(ClassifierFreeGuidance.Batching.SEQUENTIAL);
            for (int b : batches) {
                GuidanceContext ctx = new GuidanceContext(Analytic.gaussian(b, 7 * b), step, labels(b), p);
                double msOne = median(rounds, iterations(2 * b), () -> one.guide(ctx));
                double msTwo = median(rounds, iterations(2 * b), () -> two.guide(ctx));
                System.out.printf(Locale.ROOT, "  %-3d %11.3f  %13.3f  %10.2f%n", b, msOne, msTwo, msTwo / msOne);
            }
        }
    }

    private static Conditions labels(int b) {
        int[] y = new int[b];
        for (int i = 0; i < b; i++) {
            y[i] = i % 3;
        }
        return Conditions.labels(y);
    }

    private static int iterations(int batch) {
        return Math.max(20, 2000 / batch);
    }

    /** Median over {@code rounds} of the mean time (ms) of {@code n} calls, after a warm-up round. */
    private static double median(int rounds, int n, Runnable r) {
        for (int i = 0; i < n; i++) {
            r.run();
        }
        double[] t = new double[rounds];
        for (int k = 0; k < rounds; k++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                r.run();
            }
            t[k] = (System.nanoTime() - t0) / 1e6 / n;
        }
        Arrays.sort(t);
        return t[rounds / 2];
    }
}
