package org.diffusion4j.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.GuidanceContext;
import org.diffusion4j.api.Guided;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.guidance.ClassifierFreeGuidance;
import org.diffusion4j.guidance.ClassifierFreeGuidance.Batching;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.onnx.OnnxBackend;
import org.diffusion4j.schedules.Schedules;

/**
 * Benchmark program (not a test): the same network (the tiny UNet fixture, {@code tiny_unet.onnx} and
 * its TorchScript twin {@code tiny_unet.pt}) through ONNX Runtime and through DJL + PyTorch, both
 * loaded through the plugin registry.
 *
 * <ol>
 *   <li>Forward time per call for each batch size, three ways: {@code onnx} (pure-Java tensors in and
 *   out, as every ONNX call is), {@code djl} (the same pure-Java tensors, copied to and from
 *   PyTorch on each call), {@code djl-nd} (the state already in DJL tensors: no copies).</li>
 *   <li>One CFG step (guidance scale 3) as one call of 2B ({@link Batching#CONCAT}) versus two calls
 *   of B ({@link Batching#SEQUENTIAL}) on each of the three.</li>
 * </ol>
 * Each round times {@code max(10, 500/B)} forward calls (CFG steps: {@code max(10, 250/B)}) of every variant back to back (variants interleaved,
 * so a load spike on a shared machine hits all of them), after one warm-up round; reported are the
 * median over rounds of the mean time per call, the spread (min–max over rounds), and the median over
 * rounds of the per-round ratio.
 *
 * <pre>
 * mvn -q -o -pl integration-tests test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.diffusion4j.it.CrossBackendBenchmark -Dexec.args="rounds=9 threads=1"
 * </pre>
 * Arguments (key=value): {@code rounds} (default 9), {@code threads} (intra-op threads of each
 * runtime, default 1; 0 = the runtime's default), {@code batches} (default {@code 1,4,16,64}),
 * {@code model} (another fixture name with the tiny UNet's inputs), {@code cfg} (false to skip the CFG
 * part).
 */
public final class CrossBackendBenchmark {

    private CrossBackendBenchmark() {}

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            for (String part : s.trim().split("\\s+")) {
                if (part.isEmpty()) {
                    continue;
                }
                int eq = part.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException(
                            "arguments are key=value (rounds, threads, batches, model, cfg), got '" + part + "'");
                }
                a.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "9"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "1"));
        String model = a.getOrDefault("model", "tiny_unet");
        boolean cfg = Boolean.parseBoolean(a.getOrDefault("cfg", "true"));
        int[] batches = Arrays.stream(a.getOrDefault("batches", "1,4,16,64").split(","))
                .map(String::trim)
                .mapToInt(Integer::parseInt)
                .toArray();
        if (rounds < 1 || threads < 0 || batches.length == 0) {
            throw new IllegalArgumentException("need rounds >= 1, threads >= 0 and at least one batch size");
        }

        try (Twins twins = Twins.open(threads)) {
            NoisePredictor onnx = twins.predictor(Twins.ONNX, model);
            NoisePredictor djl = twins.predictor(Twins.DJL, model);
            TensorFactory nd = twins.djl().tensors();
            System.out.printf(
                    Locale.ROOT,
                    "model %s; onnxruntime %s; PyTorch %s via DJL; threads per runtime: %s; %d cores; "
                            + "java %s; load average at start: %s%n",
                    model,
                    twins.onnx() instanceof OnnxBackend ob ? ob.runtimeVersion() : "?",
                    DjlRuntime.engine().getVersion(),
                    threads == 0 ? "default" : threads,
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"),
                    loadAverage());
            System.out.printf(
                    Locale.ROOT,
                    "rounds %d (median reported, spread = min-max over rounds), one warm-up round%n%n",
                    rounds);

            Step step = Schedules.linear(1000).plan(50).get(25);
            System.out.println("forward time per call, ms (median [min-max]); ratio = djl/onnx per round, median");
            System.out.println(
                    "| B | onnx | djl (Java tensors) | djl-nd (DJL tensors) | djl/onnx | djl-nd/onnx | max abs diff of eps |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int b : batches) {
                Tensor x = Close.gaussian(Fixtures.SAMPLE.withBatch(b), b, 1.0);
                Tensor xNd = nd.adopt(x);
                Conditions c = labels(b);
                Map<String, Runnable> v = new LinkedHashMap<>();
                v.put("onnx", () -> onnx.predict(x, step.current(), c));
                v.put("djl", () -> djl.predict(x, step.current(), c));
                v.put("djl-nd", () -> release(djl.predict(xNd, step.current(), c)));
                double[][] t = measure(v, rounds, Math.max(10, 500 / b));
                double diff = maxAbsDiff(onnx.predict(x, step.current(), c), djl.predict(x, step.current(), c));
                System.out.printf(
                        Locale.ROOT,
                        "| %d | %s | %s | %s | %.2f | %.2f | %.1e |%n",
                        b,
                        cell(t[0]),
                        cell(t[1]),
                        cell(t[2]),
                        medianRatio(t[1], t[0]),
                        medianRatio(t[2], t[0]),
                        diff);
            }

            if (cfg) {
                ClassifierFreeGuidance one = Guidances.cfg(3).withBatching(Batching.CONCAT);
                ClassifierFreeGuidance two = Guidances.cfg(3).withBatching(Batching.SEQUENTIAL);
                System.out.println();
                System.out.println(
                        "one CFG step, ms (median [min-max]): one call of 2B vs two calls of B; ratio = two/one per round, median");
                System.out.println("| B | backend | one 2B call | two B calls | two/one |");
                System.out.println("|---|---|---|---|---|");
                for (int b : batches) {
                    Tensor x = Close.gaussian(Fixtures.SAMPLE.withBatch(b), 7L * b, 1.0);
                    Map<String, GuidanceContext> ctx = new LinkedHashMap<>();
                    ctx.put("onnx", new GuidanceContext(x, step, labels(b), onnx));
                    ctx.put("djl", new GuidanceContext(x, step, labels(b), djl));
                    ctx.put("djl-nd", new GuidanceContext(nd.adopt(x), step, labels(b), djl));
                    Map<String, Runnable> v = new LinkedHashMap<>();
                    for (Map.Entry<String, GuidanceContext> e : ctx.entrySet()) {
                        v.put(e.getKey() + "/one", () -> release(one.guide(e.getValue())));
                        v.put(e.getKey() + "/two", () -> release(two.guide(e.getValue())));
                    }
                    double[][] t = measure(v, rounds, Math.max(10, 250 / b));
                    int i = 0;
                    for (String backend : ctx.keySet()) {
                        System.out.printf(
                                Locale.ROOT,
                                "| %d | %s | %s | %s | %.2f |%n",
                                b,
                                backend,
                                cell(t[i]),
                                cell(t[i + 1]),
                                medianRatio(t[i + 1], t[i]));
                        i += 2;
                    }
                }
            }
            System.out.println();
            System.out.println("load average at end: " + loadAverage());
        }
    }

    private static Conditions labels(int b) {
        int[] y = new int[b];
        for (int i = 0; i < b; i++) {
            y[i] = i % 3;
        }
        return Conditions.labels(y);
    }

    /**
     * Times every variant: per round, {@code n} calls of each in turn; one untimed warm-up round first.
     *
     * @return [variant][round] mean ms per call
     */
    private static double[][] measure(Map<String, Runnable> variants, int rounds, int n) {
        List<Runnable> list = new ArrayList<>(variants.values());
        for (Runnable r : list) {
            for (int i = 0; i < n; i++) {
                r.run();
            }
        }
        double[][] t = new double[list.size()][rounds];
        for (int k = 0; k < rounds; k++) {
            for (int v = 0; v < list.size(); v++) {
                Runnable r = list.get(v);
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    r.run();
                }
                t[v][k] = (System.nanoTime() - t0) / 1e6 / n;
            }
        }
        return t;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double medianRatio(double[] num, double[] den) {
        double[] r = new double[num.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = num[i] / den[i];
        }
        return median(r);
    }

    private static String cell(double[] t) {
        return String.format(
                Locale.ROOT,
                "%.3f [%.3f-%.3f]",
                median(t),
                Arrays.stream(t).min().orElseThrow(),
                Arrays.stream(t).max().orElseThrow());
    }

    private static double maxAbsDiff(Tensor p, Tensor q) {
        float[] a = p.toFloatArray();
        float[] b = q.toFloatArray();
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** Frees DJL outputs at once (as a sampling loop that drops them would, later); no-op for Java tensors. */
    private static void release(Object result) {
        Tensor t = result instanceof Guided g ? g.prediction().value() : (Tensor) result;
        if (t instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
