package org.diffusion4j.djl.bench;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.TestNets;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.train.ProgressListener;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;

/**
 * Benchmarks of the DJL backend on the CPU (not a test):
 * <ul>
 *   <li>{@code train}: training steps/s of the default UNet ({@link UNetConfig#defaults()}, 10 classes) at
 *   batch 64 on 28×28 images;</li>
 *   <li>{@code sample}: DDIM-50 images/s with that UNet, without guidance and with CFG;</li>
 *   <li>{@code memory}: a 10 000-step DDIM loop (batch 64, T = 10 000) and a 2 000-step training run with a small UNet, printing
 *   live tensors, native arrays and the process RSS along the way.</li>
 * </ul>
 * <pre>java -cp ... org.diffusion4j.djl.bench.DjlBenchmark [train|sample|memory|all] [threads]</pre>
 */
public final class DjlBenchmark {

    private DjlBenchmark() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        DjlRuntime.setThreads(threads);
        System.out.printf(
                Locale.ROOT,
                "PyTorch %s, %d CPU(s) visible, intra-op threads %d%n",
                DjlRuntime.engine().getVersion(),
                Runtime.getRuntime().availableProcessors(),
                ai.djl.pytorch.jni.JniUtils.getNumThreads());
        if (what.equals("train") || what.equals("all")) {
            train();
        }
        if (what.equals("sample") || what.equals("all")) {
            sample();
        }
        if (what.equals("memory") || what.equals("all")) {
            memory();
        }
    }

    private static UNetConfig defaultUNet() {
        return UNetConfig.defaults().withClasses(10);
    }

    private static void train() {
        int warm = 3;
        int n = 20;
        try (Trainer t = Trainer.create(
                defaultUNet(),
                TrainerConfig.builder().batchSize(64).build(),
                Schedules.linear(1000),
                Shapes.generate(1024, 28, 1),
                Device.cpu(),
                1)) {
            t.train(warm, ProgressListener.NONE);
            long t0 = System.nanoTime();
            t.train(n, ProgressListener.NONE);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "train: default UNet (%,d parameters), batch 64: %.3f steps/s (%.1f images/s), "
                            + "%d steps in %.1f s after %d warm-up steps%n",
                    t.model().parameterCount(),
                    n / s,
                    64 * n / s,
                    n,
                    s,
                    warm);
        }
    }

    private static void sample() {
        int batch = 64;
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % 10;
        }
        try (DjlTensorFactory f = DjlTensorFactory.cpu();
                UNetModel m = UNetModel.create(defaultUNet(), Device.cpu(), 1)) {
            UNetPredictor p = new UNetPredictor(m, f);
            for (Guidance g : new Guidance[] {Guidance.NONE, Guidances.cfg(3)}) {
                SampleRequest.Builder r = SampleRequest.builder()
                        .predictor(p)
                        .schedule(Schedules.linear(1000))
                        .guidance(g)
                        .conditions(Conditions.labels(labels))
                        .sampleShape(1, 28, 28)
                        .seed(1)
                        .tensors(f);
                Samplers.ddim(2).sample(r.build()); // warm-up
                Sampler ddim = Samplers.ddim(50);
                long t0 = System.nanoTime();
                Tensor x = ddim.sample(r.build());
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "sample: DDIM 50 steps, batch %d, guidance %s: %.2f images/s (%.1f s, finite=%b)%n",
                        batch,
                        g.describe(),
                        batch / s,
                        s,
                        x.allFinite());
            }
        }
    }

    private static long rssKiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    private static void memory() throws InterruptedException {
        int steps = 10_000;
        try (DjlTensorFactory f = DjlTensorFactory.cpu();
                UNetModel m = UNetModel.create(TestNets.tinyUNet(0), Device.cpu(), 1)) {
            UNetPredictor p = new UNetPredictor(m, f);
            AtomicLong peakTensors = new AtomicLong();
            System.out.printf(
                    Locale.ROOT,
                    "memory/sampling start: live tensors %d, native arrays %d (+%d model), RSS %d MiB%n",
                    f.liveTensors(),
                    f.managedArrays(),
                    m.managedArrays(),
                    rssKiB() / 1024);
            long t0 = System.nanoTime();
            Tensor x = Samplers.ddim(steps)
                    .sample(
                            SampleRequest.builder()
                                    .predictor(p)
                                    .schedule(Schedules.linear(steps, 1e-5, 2e-3))
                                    .batchSize(64)
                                    .sampleShape(1, 16, 16)
                                    .seed(3)
                                    .tensors(f)
                                    .build(),
                            e -> {
                                peakTensors.accumulateAndGet(f.liveTensors(), Math::max);
                                int i = e.step().index() + 1;
                                if (i % 2000 == 0) {
                                    System.out.printf(
                                            Locale.ROOT,
                                            "  step %5d: live tensors %d (%.1f MiB), native arrays %d, "
                                                    + "RSS %d MiB%n",
                                            i,
                                            f.liveTensors(),
                                            f.liveBytes() / 1048576.0,
                                            f.managedArrays(),
                                            rssKiB() / 1024);
                                }
                            });
            double s = (System.nanoTime() - t0) / 1e9;
            long live = f.liveTensors();
            System.gc();
            Thread.sleep(200);
            System.out.printf(
                    Locale.ROOT,
                    "memory/sampling end after %d DDIM steps (%.1f s, finite=%b): live tensors %d "
                            + "(peak %d; %d after a final GC), native arrays %d (+%d model), RSS %d MiB%n",
                    steps,
                    s,
                    x.allFinite(),
                    live,
                    peakTensors.get(),
                    f.liveTensors(),
                    f.managedArrays(),
                    m.managedArrays(),
                    rssKiB() / 1024);
        }
        int trainSteps = 2000;
        try (Trainer t = Trainer.create(
                TestNets.tinyUNet(4),
                TrainerConfig.builder().batchSize(16).build(),
                Schedules.linear(1000),
                Shapes.generate(256, 16, 1),
                Device.cpu(),
                1)) {
            t.train(10, ProgressListener.NONE);
            System.out.printf(
                    Locale.ROOT,
                    "memory/training start (after 10 steps): native arrays %d, RSS %d MiB%n",
                    t.managedArrays(),
                    rssKiB() / 1024);
            t.train(trainSteps, p -> {
                if (p.step() % 500 == 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "  step %5d: native arrays %d, RSS %d MiB, loss %.4f%n",
                            p.step(),
                            t.managedArrays(),
                            rssKiB() / 1024,
                            p.smoothedLoss());
                }
            });
            System.out.printf(
                    Locale.ROOT,
                    "memory/training end after %d more steps: native arrays %d, RSS %d MiB%n",
                    trainSteps,
                    t.managedArrays(),
                    rssKiB() / 1024);
        }
    }
}
