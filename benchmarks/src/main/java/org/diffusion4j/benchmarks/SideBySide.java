package org.diffusion4j.benchmarks;

import ai.djl.engine.Engine;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlBackend;
import org.diffusion4j.djl.DjlConfig;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.onnx.OnnxBackend;
import org.diffusion4j.onnx.OnnxConfig;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.jspecify.annotations.Nullable;

/**
 * The side-by-side benchmark of issue 12: one same-architecture UNet (made by
 * {@code tools/bench/bench_unet.py}, random weights) run in one invocation by
 * <ul>
 *   <li>the ONNX backend and the DJL TorchScript backend through the SDK's public API: DDIM-50 with
 *       classifier-free guidance as one 2B call, B = 16, and the bare engine forward at batch 2B = 32
 *       (the same call without the SDK: tensors made once, no sampler), from which
 *       loop overhead = (loop time − 50 bare forwards) / 50 bare forwards, paired by round; and the loop's own
 *       work counted directly, as the loop's time outside its model calls (see {@link TimedPredictor});</li>
 *   <li>the Python baseline ({@code bench_unet.py baseline}, TorchScript under torch) as a subprocess;</li>
 *   <li>the DJL trainer at batch 64 on the Java UNet configured to match, against Python's training step.</li>
 * </ul>
 * It prints a table and writes it into {@code docs/benchmarks.md} between the side-by-side markers.
 *
 * <p>Options: {@code --threads N} (2), {@code --rounds N} (10: sampling runs per backend, each model call
 * paired with a bare forward; medians over runs with bootstrap intervals are reported), {@code --python PATH} ({@code /usr/bin/python3}),
 * {@code --model-dir DIR} ({@code benchmarks/target/bench-model}), {@code --doc FILE}
 * ({@code docs/benchmarks.md}; {@code -} = do not write), {@code --skip python,djl,onnx,train,python-sampling}
 * ({@code python-sampling} skips only the Python sampling baseline: {@code --skip python-sampling,djl,onnx}
 * compares training alone, in interleaved rounds).
 */
public final class SideBySide {

    static final String START = "<!-- side-by-side:start -->";
    static final String END = "<!-- side-by-side:end -->";
    static final int B = 16;
    static final int STEPS = 50;
    static final double GAMMA = 3.0;

    private SideBySide() {}

    /** Runs the benchmark; see the class comment for the options. */
    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parse(args);
        int threads = Integer.parseInt(opt.getOrDefault("threads", "2"));
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "10"));
        String python = opt.getOrDefault("python", "/usr/bin/python3");
        Path dir = Path.of(opt.getOrDefault("model-dir", "benchmarks/target/bench-model"));
        Path script = Path.of(opt.getOrDefault("script", "tools/bench/bench_unet.py"));
        String doc = opt.getOrDefault("doc", "docs/benchmarks.md");
        List<String> skip = Arrays.asList(opt.getOrDefault("skip", "").split(","));
        Path onnxFile = dir.resolve("bench_unet.onnx");
        Path ptFile = dir.resolve("bench_unet.pt");
        if (!Files.exists(onnxFile) || !Files.exists(ptFile)) {
            System.out.println("making the benchmark model: " + python + " " + script + " export " + dir);
            run(List.of(python, script.toString(), "export", dir.toString()));
        }

        List<Row> rows = new ArrayList<>();
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("Java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));

        Map<String, Double> py = Map.of();
        if (!skip.contains("python") && !skip.contains("python-sampling")) {
            System.out.println("python baseline ...");
            String out = run(List.of(
                    python, script.toString(), "baseline", dir.toString(), "--threads", Integer.toString(threads)));
            py = numbers(out.lines()
                    .filter(l -> l.startsWith("{"))
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalStateException("the Python baseline printed no JSON:\n" + out)));
            versions.put("Python", "torch " + string(out, "torch") + ", Python " + string(out, "python"));
            rows.add(new Row(
                    "Python, torch " + string(out, "torch") + ", TorchScript",
                    number(py, "forward_b32_s"),
                    number(py, "ddim50_cfg_b16_s")));
        }
        if (!skip.contains("onnx")) {
            System.out.println("onnx ...");
            for (boolean spinning : new boolean[] {false, true}) { // the backend's default (sleeping threads) first
                OnnxConfig cfg = new OnnxConfig("cpu", threads, 1, "all", null, spinning);
                try (OnnxBackend onnx = OnnxBackend.open(cfg)) {
                    versions.put("ONNX Runtime", onnx.runtimeVersion());
                    NoisePredictor p = onnx.loadPredictor(
                            new ModelSpec(onnxFile, PredictionType.EPSILON, Map.of("numClasses", 10)));
                    Callable<Double> bare = onnxBare(onnxFile, threads, spinning);
                    rows.add(measure(
                            "diffusion4j, ONNX Runtime " + onnx.runtimeVersion()
                                    + (spinning ? ", spinning threads" : ""),
                            p,
                            null,
                            bare,
                            rounds));
                }
            }
        }
        if (!skip.contains("djl")) {
            System.out.println("djl ...");
            try (DjlBackend djl = new DjlBackend(new DjlConfig("cpu", true, threads, null, null))) {
                String v = Engine.getDjlVersion() + " / PyTorch "
                        + Engine.getEngine("PyTorch").getVersion();
                versions.put("DJL", v);
                v = "DJL " + v;
                System.out.println("  " + v);
                NoisePredictor p = djl.loadPredictor(new ModelSpec(
                        ptFile, PredictionType.EPSILON, Map.of("numClasses", 10, "sampleShape", List.of(1, 28, 28))));
                rows.add(measure("diffusion4j, " + v + " TorchScript", p, djl, djlBare(p, djl), rounds));
            }
        }
        String training = "";
        if (!skip.contains("train")) {
            System.out.println("training ...");
            training = training(threads, rounds, skip.contains("python") ? null : python, script, dir);
        }

        String table = table(rows, py.get("ddim50_cfg_b16_s"));
        String report = report(table, training, versions, threads, rounds, args);
        System.out.println(report);
        if (!doc.equals("-")) {
            write(Path.of(doc), report);
            System.out.println("wrote " + doc);
        }
    }

    /**
     * One backend: a warm-up run, then {@code rounds} DDIM-50 + CFG runs whose predictor, a {@link TimedPredictor},
     * times every model call and runs one bare forward beside it (before and after the call in turn, starting
     * with before in even rounds and after in odd ones). Each call is thus paired with a bare forward made within a second of it, so a change of the machine's
     * load hits both alike; the bare forwards' time is taken out of the run's time. Per round: the loop's time
     * {@code T} (without the bare forwards), the time inside the model calls {@code M} and the 50 bare forwards
     * {@code F}; loop overhead = T / F − 1, of it outside the model calls = (T − M) / M (the loop's own work,
     * counted directly), model call over bare forward = M / F − 1.
     */
    static Row measure(String name, NoisePredictor p, @Nullable DjlBackend djl, Callable<Double> bare, int rounds)
            throws Exception {
        TimedPredictor timed = new TimedPredictor(p, bare, STEPS);
        SampleRequest.Builder req = SampleRequest.builder()
                .predictor(timed)
                .schedule(Schedules.linear(1000))
                .guidance(Guidances.cfg(GAMMA))
                .conditions(Conditions.labels(labels()))
                .sampleShape(1, 28, 28)
                .seed(42);
        if (djl != null) {
            req.tensors(djl.tensors());
        }
        SampleRequest request = req.build();
        System.out.println("  warm-up run");
        timed.start(true);
        checkFinite(Samplers.ddim(STEPS).sample(request)); // warm-up (and JIT), bare forwards included
        double[] loops = new double[rounds];
        double[] inModel = new double[rounds];
        double[] fwdSums = new double[rounds];
        double[] fwds = new double[rounds * STEPS];
        double[] perCall = new double[rounds * STEPS];
        double[] cpuOutside = new double[rounds];
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int r = 0; r < rounds; r++) {
            timed.start(r % 2 == 0);
            long c0 = cpu.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            Tensor x = Samplers.ddim(STEPS).sample(request);
            long total = System.nanoTime() - t0;
            cpuOutside[r] = (cpu.getCurrentThreadCpuTime() - c0 - timed.cpuInCalls()) * 1e-9;
            if (timed.calls() != STEPS) {
                throw new IllegalStateException("expected " + STEPS + " model calls, counted " + timed.calls());
            }
            checkFinite(x);
            loops[r] = (total - timed.bareNanos()) * 1e-9;
            inModel[r] = timed.modelNanos() * 1e-9;
            fwdSums[r] = timed.bareNanos() * 1e-9;
            for (int i = 0; i < STEPS; i++) {
                fwds[r * STEPS + i] = timed.bare(i);
                perCall[r * STEPS + i] = timed.model(i) / timed.bare(i) - 1;
            }
            System.out.printf(
                    Locale.ROOT,
                    "  round %d: loop %.3f s, in the model calls %.3f s, %d bare forwards beside them %.3f s;"
                            + " outside the calls %.1f ms wall, %.1f ms CPU%n",
                    r,
                    loops[r],
                    inModel[r],
                    STEPS,
                    fwdSums[r],
                    1e3 * (loops[r] - inModel[r]),
                    1e3 * cpuOutside[r]);
        }
        double[] paired = new double[rounds];
        double[] outside = new double[rounds];
        double[] call = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            paired[r] = loops[r] / fwdSums[r] - 1;
            outside[r] = (loops[r] - inModel[r]) / inModel[r];
            call[r] = inModel[r] / fwdSums[r] - 1;
        }
        Estimate cpuEstimate = Estimate.of(cpuOutside);
        Row row = new Row(
                name,
                median(fwds),
                median(loops),
                Estimate.of(paired),
                Estimate.of(outside),
                cpuEstimate,
                Estimate.of(call));
        System.out.println("  loop overhead " + row.paired() + "; outside the model calls " + row.outside()
                + ", its CPU time " + cpuEstimate.millis()
                + "; model call over bare forward " + row.call() + " (per call, " + perCall.length + " pairs: "
                + Estimate.of(perCall) + ")");
        return row;
    }

    /**
     * A predictor that times the wrapped predictor's calls and runs one bare forward beside each (before and after
     * it in turn), so that the sampling loop's own work is counted directly (loop time − time in the model) and every
     * model call has a bare forward made next to it. Not thread-safe (one loop at a time).
     */
    static final class TimedPredictor implements NoisePredictor {
        private final NoisePredictor inner;
        private final Callable<Double> bare;
        private final long[] model;
        private final double[] bareSeconds;
        private final java.lang.management.ThreadMXBean threads =
                java.lang.management.ManagementFactory.getThreadMXBean();
        private boolean bareFirst;
        private int calls;
        private long cpuInCalls;

        TimedPredictor(NoisePredictor inner, Callable<Double> bare, int steps) {
            this.inner = inner;
            this.bare = bare;
            this.model = new long[steps];
            this.bareSeconds = new double[steps];
        }

        @Override
        public Tensor predict(Tensor x, org.diffusion4j.api.Timestep time, Conditions conditions) {
            if (calls >= model.length) {
                throw new IllegalStateException("more than " + model.length + " model calls in one run");
            }
            boolean before = bareFirst == (calls % 2 == 0); // ABBA: the order alternates call by call
            long c0 = threads.getCurrentThreadCpuTime();
            if (before) {
                bareSeconds[calls] = bareForward();
            }
            long t0 = System.nanoTime();
            Tensor out = inner.predict(x, time, conditions);
            model[calls] = System.nanoTime() - t0;
            if (!before) {
                bareSeconds[calls] = bareForward();
            }
            cpuInCalls += threads.getCurrentThreadCpuTime() - c0;
            calls++;
            return out;
        }

        private double bareForward() {
            try {
                return bare.call();
            } catch (Exception e) {
                throw new IllegalStateException("bare forward failed", e);
            }
        }

        @Override
        public PredictionType predictionType() {
            return inner.predictionType();
        }

        @Override
        public java.util.OptionalInt fixedBatchSize() {
            return inner.fixedBatchSize();
        }

        /**
         * Starts a run: counters cleared; the first call's bare forward runs before it ({@code true}) or after it,
         * and the order alternates from call to call (the second of two back-to-back forwards measured a few per
         * cent faster, so each run holds both orders equally).
         */
        void start(boolean bareBefore) {
            calls = 0;
            cpuInCalls = 0;
            bareFirst = bareBefore;
        }

        /** The calling thread's CPU time spent in this run's model calls and bare forwards, nanoseconds. */
        long cpuInCalls() {
            return cpuInCalls;
        }

        int calls() {
            return calls;
        }

        double model(int i) {
            return model[i] * 1e-9;
        }

        double bare(int i) {
            return bareSeconds[i];
        }

        long modelNanos() {
            long s = 0;
            for (int i = 0; i < calls; i++) {
                s += model[i];
            }
            return s;
        }

        /** The bare forwards' time, as measured inside them (their callable's own timer). */
        long bareNanos() {
            double s = 0;
            for (int i = 0; i < calls; i++) {
                s += bareSeconds[i];
            }
            return Math.round(s * 1e9);
        }
    }

    /**
     * A median over rounds with a 95 % percentile-bootstrap interval (2000 resamples of the rounds, fixed seed):
     * the spread of the median the rounds would give on a machine under the same load.
     */
    record Estimate(double median, double low, double high, int n) {
        static Estimate of(double[] v) {
            Random rnd = new Random(12);
            double[] meds = new double[2000];
            double[] s = new double[v.length];
            for (int k = 0; k < meds.length; k++) {
                for (int i = 0; i < s.length; i++) {
                    s[i] = v[rnd.nextInt(v.length)];
                }
                meds[k] = SideBySide.median(s);
            }
            Arrays.sort(meds);
            return new Estimate(
                    SideBySide.median(v),
                    meds[(int) (0.025 * meds.length)],
                    meds[(int) (0.975 * meds.length) - 1],
                    v.length);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1f %% [%.1f, %.1f]", 100 * median, 100 * low, 100 * high);
        }

        /** The estimate of a time in seconds, written in milliseconds. */
        String millis() {
            return String.format(Locale.ROOT, "%.1f ms [%.1f, %.1f]", 1e3 * median, 1e3 * low, 1e3 * high);
        }
    }

    private static void checkFinite(Tensor x) {
        if (!x.allFinite()) {
            throw new IllegalStateException("the sample is not finite");
        }
    }

    static int[] labels() {
        int[] l = new int[B];
        for (int i = 0; i < B; i++) {
            l[i] = i % 10;
        }
        return l;
    }

    /** ONNX Runtime alone: a session with the backend's settings, input tensors made once. */
    static Callable<Double> onnxBare(Path file, int threads, boolean spinning) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(threads);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (!spinning) {
            so.addConfigEntry("session.intra_op.allow_spinning", "0");
        }
        OrtSession s = env.createSession(file.toString(), so);
        int n = 2 * B;
        Map<String, OnnxTensor> in = SideBySide.benchInputs(env, n);
        return () -> {
            long t0 = System.nanoTime();
            try (OrtSession.Result r = s.run(in)) {
                return (System.nanoTime() - t0) * 1e-9;
            }
        };
    }

    /**
     * DJL: the loaded TorchScript predictor's call on a 2B batch made once on the engine. (The raw
     * {@code PtSymbolBlock.forward} of a second copy of the module crashes inside oneDNN with DJL 0.36 /
     * PyTorch 2.7.1 after the predictor has run, so the bare figure includes the predictor's own timestep
     * and label conversion: a few hundred bytes per call.)
     */
    static Callable<Double> djlBare(NoisePredictor p, DjlBackend djl) {
        int n = 2 * B;
        float[] x = new float[n * 28 * 28];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        Tensor xs = djl.tensors().of(x, Shape.of(n, 1, 28, 28));
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
        }
        Conditions c = Conditions.labels(labels);
        org.diffusion4j.api.Timestep t =
                Schedules.linear(1000).plan(STEPS).get(STEPS / 2).current();
        return () -> {
            long t0 = System.nanoTime();
            Tensor out = p.predict(xs, t, c);
            out.toFloatArray(); // PyTorch runs eagerly; reading the result waits for it as the sampler would
            double dt = (System.nanoTime() - t0) * 1e-9;
            if (out instanceof AutoCloseable a) {
                a.close();
            }
            return dt;
        };
    }

    /**
     * The Java UNet configured as {@code bench_unet.py}'s network: base 32, multipliers [1, 2, 2], one
     * residual block per level on the way down (two up), self-attention only in the middle block at 7×7
     * with one head, 8 groups, no dropout, 10 classes (1.06 M parameters, as the Python module).
     */
    static UNetConfig benchUNet() {
        return new UNetConfig(1, 28, 32, List.of(1, 2, 2), 1, List.of(), 1, 8, 0.0, 10, 1.0, PredictionType.EPSILON);
    }

    /**
     * The configuration the training benchmark used before 2026-11-29: as {@link #benchUNet()} but with
     * four-head attention also after every 7×7 residual block (three more attention blocks, 1.11 M
     * parameters), kept to compare figures measured with it.
     */
    static UNetConfig previousBenchUNet() {
        return UNetConfig.defaults()
                .withClasses(10)
                .withSize(32, List.of(1, 2, 2), 1, List.of(7))
                .withDropout(0);
    }

    /** The trainer settings of the training benchmark: batch 64, no warm-up, seed 7. */
    static TrainerConfig benchTrainer(int threads) {
        return TrainerConfig.builder()
                .batchSize(64)
                .warmupSteps(0)
                .threads(threads)
                .seed(7)
                .build();
    }

    /**
     * The training comparison: {@code rounds} rounds, each timing Python's training step
     * ({@code bench_unet.py train}, its own process) and then the DJL trainer, so that both see the same
     * minutes of a shared machine; medians of the rounds, with the load average around each round.
     */
    static String training(int threads, int rounds, @Nullable String python, Path script, Path dir)
            throws IOException, InterruptedException {
        List<Double> javaRates = new ArrayList<>();
        List<Double> pyRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<String> loads = new ArrayList<>();
        java.lang.management.OperatingSystemMXBean os =
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int r = 0; r < rounds; r++) {
            double load0 = os.getSystemLoadAverage();
            Double p = null;
            if (python != null) {
                p = number(
                        numbers(run(List.of(
                                        python,
                                        script.toString(),
                                        "train",
                                        dir.toString(),
                                        "--threads",
                                        Integer.toString(threads)))
                                .lines()
                                .filter(l -> l.startsWith("{"))
                                .reduce((x, y) -> y)
                                .orElseThrow(() -> new IllegalStateException("bench_unet.py train printed no JSON"))),
                        "train_b64_steps_per_s");
                pyRates.add(p);
            }
            double j = djlTraining(threads);
            javaRates.add(j);
            if (p != null) {
                ratios.add(j / p);
            }
            loads.add(String.format(Locale.ROOT, "%.1f–%.1f", load0, os.getSystemLoadAverage()));
            System.out.printf(
                    Locale.ROOT,
                    "  round %d: Python %s steps/s, DJL %.3f steps/s, load %s%n",
                    r,
                    p == null ? "–" : String.format(Locale.ROOT, "%.3f", p),
                    j,
                    loads.get(r));
        }
        double javaSteps = median(javaRates);
        return String.format(
                Locale.ROOT,
                "Training, batch 64, steady state, median of %d interleaved rounds (load average %s): %s; diffusion4j"
                        + " (DJL trainer, Java UNet base 32, multipliers [1, 2, 2], one res block per level, one-head"
                        + " attention in the 7×7 middle block only, no dropout, 1.06 M parameters as Python's)"
                        + " %.2f steps/s (%.0f images/s)%s.",
                rounds,
                String.join(", ", loads),
                pyRates.isEmpty()
                        ? "Python not run"
                        : String.format(
                                Locale.ROOT,
                                "Python %.2f steps/s (%.0f images/s)",
                                median(pyRates),
                                64 * median(pyRates)),
                javaSteps,
                64 * javaSteps,
                ratios.isEmpty()
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", **%.2f×** Python's images/s (median of the rounds' ratios)",
                                median(ratios)));
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** DJL trainer, batch 64, on random images: steps per second after 3 warm-up steps. */
    static double djlTraining(int threads) {
        UNetConfig unet = benchUNet();
        TrainerConfig tc = benchTrainer(threads);
        try (Trainer t =
                Trainer.create(unet, tc, Schedules.linear(1000), new RandomImages(1024), ai.djl.Device.cpu(), 1)) {
            for (int i = 0; i < 3; i++) {
                t.trainStep();
            }
            int n = 10;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                t.trainStep();
            }
            return n / ((System.nanoTime() - t0) * 1e-9);
        }
    }

    /** Uniform random images in [−1, 1] with random labels: the data do not matter for the time of a step. */
    record RandomImages(int size, float[] pixels, int[] labels) implements ImageDataset {
        RandomImages(int size) {
            this(size, randomPixels(size), randomLabels(size));
        }

        private static float[] randomPixels(int n) {
            Random r = new Random(3);
            float[] p = new float[n * 28 * 28];
            for (int i = 0; i < p.length; i++) {
                p[i] = 2 * r.nextFloat() - 1;
            }
            return p;
        }

        private static int[] randomLabels(int n) {
            Random r = new Random(4);
            int[] l = new int[n];
            for (int i = 0; i < n; i++) {
                l[i] = r.nextInt(10);
            }
            return l;
        }

        @Override
        public Shape imageShape() {
            return Shape.of(1, 28, 28);
        }

        @Override
        public int numClasses() {
            return 10;
        }

        @Override
        public void copyImage(int i, float[] dst, int offset) {
            System.arraycopy(pixels, i * 784, dst, offset, 784);
        }

        @Override
        public int label(int i) {
            return labels[i];
        }
    }

    /**
     * One row of the table: the bare forward at batch 32 (median call) and the DDIM-50 + CFG run at B = 16
     * (median run), seconds; for the SDK's backends the per-round estimates (null for Python, whose overhead is
     * its loop over 50 of its forwards).
     */
    record Row(
            String name,
            Double forward,
            Double loop,
            @Nullable Estimate paired,
            @Nullable Estimate outside,
            @Nullable Estimate outsideCpu,
            @Nullable Estimate call) {
        Row(String name, Double forward, Double loop) {
            this(name, forward, loop, null, null, null, null);
        }

        double overhead() {
            return loop / (STEPS * forward) - 1;
        }
    }

    static String table(List<Row> rows, @Nullable Double pythonLoop) {
        StringBuilder sb = new StringBuilder();
        sb.append("| run | forward, batch 32 | DDIM-50 + CFG, B = 16 | loop overhead over 50 bare forwards"
                + " | of it outside the model calls | CPU time outside the model calls, per run | model call over bare"
                + " forward | vs Python |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.4f s | %.3f s | %s | %s | %s | %s | %s |%n",
                    r.name(),
                    r.forward(),
                    r.loop(),
                    r.paired() == null
                            ? String.format(Locale.ROOT, "%.1f %%", 100 * r.overhead())
                            : r.paired().toString(),
                    r.outside() == null ? "–" : r.outside().toString(),
                    r.outsideCpu() == null ? "–" : r.outsideCpu().millis(),
                    r.call() == null ? "–" : r.call().toString(),
                    pythonLoop == null ? "–" : String.format(Locale.ROOT, "**%.2f**", r.loop() / pythonLoop)));
        }
        return sb.toString();
    }

    static String report(
            String table, String training, Map<String, String> versions, int threads, int rounds, String[] args) {
        StringBuilder sb = new StringBuilder();
        sb.append(START)
                .append("\n## Side by side: ONNX Runtime, DJL TorchScript and PyTorch on one UNet (issue 12)\n\n");
        sb.append("Command (from the repository root):\n\n```\n");
        sb.append("tools/bench/side-by-side.sh")
                .append(args.length == 0 ? "" : " " + String.join(" ", args))
                .append("\n```\n\n");
        sb.append(String.format(
                Locale.ROOT,
                "Machine: %d cores (%s), %s threads for every engine; %s; %s; load average"
                        + " before the run %s. %d sampling runs per backend, each model call paired with a bare forward"
                        + " made beside it; medians over runs with 95 %% bootstrap intervals in brackets.%n%n",
                Runtime.getRuntime().availableProcessors(),
                cpuModel(),
                threads,
                String.join(
                        ", ",
                        versions.entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue())
                                .toList()),
                Instant.now().truncatedTo(ChronoUnit.MINUTES),
                loadAverage(),
                rounds));
        sb.append(
                "Model: `tools/bench/bench_unet.py` (diffusers-`UNet2DModel`-like, 1.06 M parameters, random weights),"
                        + " DDIM-50 (η = 0) with classifier-free guidance γ = 3 as one 2B call, B = 16. The bare forward is the"
                        + " engine alone on inputs made once (ONNX Runtime session; TorchScript module in Python; for DJL the"
                        + " predictor's call on an engine tensor, see SideBySide.djlBare);"
                        + " loop overhead = (loop − 50 bare forwards) / (50 bare forwards) of the same round: sampler,"
                        + " guidance and tensor traffic. Of it outside the model calls = (loop − time inside the"
                        + " predictor's calls) / time inside them, counted in the same run (a wrapping predictor adds up"
                        + " its calls' time), so machine load moves both alike; CPU time outside the model calls = the"
                        + " sampling thread's CPU time in the run less that in the calls (load stretches wall time, far"
                        + " less CPU time: divide it by an idle machine's 50 forwards); model call over bare forward = time"
                        + " inside the predictor / 50 bare forwards − 1: the backend's own conversions and copies.\n\n");
        sb.append(table).append('\n');
        if (!training.isEmpty()) {
            sb.append(training).append("\n\n");
        }
        sb.append(END).append('\n');
        return sb.toString();
    }

    /** Replaces the text between the markers in {@code doc}, or appends it; written atomically. */
    static void write(Path doc, String section) throws IOException {
        String old = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n";
        int a = old.indexOf(START);
        int b = old.indexOf(END);
        String text;
        if (a >= 0 && b > a) {
            text = old.substring(0, a)
                    + section
                    + old.substring(b + END.length()).replaceFirst("^\\n", "");
        } else {
            text = old + (old.endsWith("\n\n") ? "" : old.endsWith("\n") ? "\n" : "\n\n") + section;
        }
        Path tmp = doc.resolveSibling(doc.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(
                tmp,
                doc,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + rc + ":\n" + out);
        }
        return out;
    }

    private static final Pattern NUMBER = Pattern.compile("\"(\\w+)\":\\s*(-?[0-9.eE+-]+)");

    static Map<String, Double> numbers(String json) {
        Map<String, Double> m = new LinkedHashMap<>();
        Matcher k = NUMBER.matcher(json);
        while (k.find()) {
            m.put(k.group(1), Double.parseDouble(k.group(2)));
        }
        return m;
    }

    /**
     * The benchmark UNet's inputs for a batch of {@code n}: fixed-seed Gaussian samples [n, 1, 28, 28], timestep
     * 500 and labels cycling through the 11 classes (10 = ∅); shared by this program and {@link OrtSettings}.
     */
    static Map<String, OnnxTensor> benchInputs(OrtEnvironment env, int n) throws OrtException {
        float[] x = new float[n * 28 * 28];
        Random rnd = new Random(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        long[] t = new long[n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = 500;
            y[i] = i % 11;
        }
        return Map.of(
                "sample", OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {n, 1, 28, 28}),
                "timestep", OnnxTensor.createTensor(env, LongBuffer.wrap(t), new long[] {n}),
                "class_labels", OnnxTensor.createTensor(env, LongBuffer.wrap(y), new long[] {n}));
    }

    /** A figure the Python baseline must have printed. */
    static double number(Map<String, Double> figures, String key) {
        Double v = figures.get(key);
        if (v == null) {
            throw new IllegalStateException("the Python baseline's JSON has no '" + key + "': " + figures);
        }
        return v;
    }

    static String string(String json, String key) {
        Matcher k = Pattern.compile("\"" + key + "\":\\s*\"([^\"]*)\"").matcher(json);
        return k.find() ? k.group(1) : "?";
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("options are --name value pairs; got '" + args[i] + "'");
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
