package org.diffusion4j.benchmarks;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorScope;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;

/**
 * Native memory of the DJL backend over many steps, without the JVM being asked to collect: run it with
 * {@code -XX:+DisableExplicitGC}. Prints the process RSS ({@code VmRSS} of {@code /proc/self/status}),
 * the factory's live tensors and the native arrays its {@code NDManager} holds every {@code every}
 * steps, for
 * <ul>
 *   <li>{@code runs}: DDIM-50 runs (batch 16, a small UNet on 16×16 images), each inside a tensor scope
 *   as the sampling pipeline opens one, until {@code steps} steps are done;</li>
 *   <li>{@code long}: one DDIM run of {@code steps} steps (DDIM's per-step scopes alone);</li>
 *   <li>{@code train}: {@code steps} training steps of the same UNet (batch 16).</li>
 * </ul>
 * <pre>
 * mvn -B -ntp -q -pl benchmarks -am package -DskipTests
 * java -XX:+DisableExplicitGC -Xmx512m -cp benchmarks/target/benchmarks.jar \
 *      org.diffusion4j.benchmarks.NativeMemoryBenchmark [runs|long|train|all] [steps] [every]
 * </pre>
 */
public final class NativeMemoryBenchmark {

    private NativeMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int every = args.length > 2 ? Integer.parseInt(args[2]) : 1_000;
        System.out.printf(
                Locale.ROOT,
                "%d CPU(s), JVM args %s%n",
                Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        UNetConfig net = new UNetConfig(1, 16, 8, List.of(1, 2), 1, List.of(8), 2, 4, 0.0, 0, null, null);
        if (what.equals("runs") || what.equals("all")) {
            sampling(net, steps, every, false);
        }
        if (what.equals("long") || what.equals("all")) {
            sampling(net, steps, every, true);
        }
        if (what.equals("train") || what.equals("all")) {
            training(net, steps, every);
        }
    }

    private static void sampling(UNetConfig net, int steps, int every, boolean oneRun) {
        String name = oneRun ? "long" : "runs";
        try (DjlTensorFactory f = DjlTensorFactory.cpu();
                UNetModel m = UNetModel.create(net, Device.cpu(), 1)) {
            long[] calls = new long[1];
            UNetPredictor unet = new UNetPredictor(m, f);
            // the figures are printed by the model (a listener would be a holder of past states: DDIM then keeps
            // every state until the run ends, as it must)
            NoisePredictor p = (x, t, c) -> {
                Tensor out = unet.predict(x, t, c);
                if (++calls[0] % every == 0) {
                    report(name, calls[0], f);
                }
                return out;
            };
            report(name, 0, f);
            int perRun = oneRun ? steps : 50;
            // DDPM's β range over T = 1000; a single long run spreads a 10× smaller range over T = steps, so that
            // ᾱ_T stays as far from 0 as usual (an untrained model's x̂0 = (x − σ ε̂)/α overflows as α → 0)
            var schedule = oneRun ? Schedules.linear(Math.max(steps, 1000), 1e-5, 2e-3) : Schedules.linear(1000);
            long t0 = System.nanoTime();
            for (int done = 0; done < steps; done += perRun) {
                SampleRequest r = SampleRequest.builder()
                        .predictor(p)
                        .schedule(schedule)
                        .batchSize(16)
                        .sampleShape(1, 16, 16)
                        .seed(done)
                        .tensors(f)
                        .build();
                try (TensorScope run = f.openScope()) {
                    Tensor x = Samplers.ddim(perRun).sample(r, StepListener.NONE);
                    if (!x.allFinite()) {
                        throw new IllegalStateException("non-finite sample");
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%s: %d steps in %.1f s%n", name, steps, (System.nanoTime() - t0) / 1e9);
            report(name + " end", calls[0], f);
        }
    }

    private static void training(UNetConfig net, int steps, int every) {
        try (Trainer t = Trainer.create(
                net,
                TrainerConfig.builder().batchSize(16).build(),
                Schedules.linear(1000),
                Shapes.generate(256, 16, 1),
                Device.cpu(),
                1)) {
            System.out.printf(Locale.ROOT, "train %6d: native arrays %d, RSS %d MiB%n", 0, t.managedArrays(), rssMiB());
            long t0 = System.nanoTime();
            t.train(steps, pr -> {
                if (pr.step() % every == 0) {
                    System.out.printf(
                            Locale.ROOT,
                            "train %6d: native arrays %d, RSS %d MiB (Java heap %d MiB" + " committed), loss %.4f%n",
                            pr.step(),
                            t.managedArrays(),
                            rssMiB(),
                            heapMiB(),
                            pr.smoothedLoss());
                }
            });
            System.out.printf(Locale.ROOT, "train: %d steps in %.1f s%n", steps, (System.nanoTime() - t0) / 1e9);
        }
    }

    private static void report(String name, long step, DjlTensorFactory f) {
        System.out.printf(
                Locale.ROOT,
                "%s %6d: live tensors %d (%.1f MiB), native arrays %d, RSS %d MiB (Java heap %d MiB" + " committed)%n",
                name,
                step,
                f.liveTensors(),
                f.liveBytes() / 1048576.0,
                f.managedArrays(),
                rssMiB(),
                heapMiB());
    }

    private static long heapMiB() {
        return Runtime.getRuntime().totalMemory() >> 20;
    }

    /** The resident set size of this process, from {@code /proc/self/status} (Linux); -1 elsewhere. */
    static long rssMiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }
}
