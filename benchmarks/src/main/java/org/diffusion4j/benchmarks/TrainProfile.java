package org.diffusion4j.benchmarks;

import ai.djl.pytorch.jni.JniUtils;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.djl.train.DataOrder;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.schedules.Schedules;
import org.jspecify.annotations.Nullable;

/**
 * Times the DJL trainer's steady-state step on the side-by-side benchmark's architecture (batch 64), and
 * optionally records PyTorch's profiler trace of some steps (DJL's {@code JniUtils.startProfile}), to see
 * where the time of a step goes. Prints steps/s, process and training-thread CPU seconds per step, and the
 * time of the step's host-side batch preparation.
 *
 * <p>Options: {@code --threads N} (2), {@code --steps N} (10), {@code --rounds N} (1: each round's figures
 * and their medians), {@code --previous-config} (the benchmark's UNet before 2026-11-29: three more
 * attention blocks), {@code --trace FILE} (a Chrome trace of 2 more steps; {@code tools/bench/op_profile.py}
 * sums it by operator).
 */
public final class TrainProfile {

    private TrainProfile() {}

    public static void main(String[] args) {
        List<String> a = Arrays.asList(args);
        int threads = intOpt(a, "--threads", 2);
        int steps = intOpt(a, "--steps", 10);
        int rounds = intOpt(a, "--rounds", 1);
        int i = a.indexOf("--trace");
        @Nullable String trace = i >= 0 ? a.get(i + 1) : null;
        UNetConfig unet = a.contains("--previous-config") ? SideBySide.previousBenchUNet() : SideBySide.benchUNet();
        TrainerConfig tc = SideBySide.benchTrainer(threads);
        try (Trainer t = Trainer.create(
                unet, tc, Schedules.linear(1000), new SideBySide.RandomImages(1024), ai.djl.Device.cpu(), 1)) {
            System.out.printf(Locale.ROOT, "%d parameters%n", t.model().parameterCount());
            for (int w = 0; w < 3; w++) {
                t.trainStep();
            }
            com.sun.management.OperatingSystemMXBean os =
                    (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            double[] rates = new double[rounds];
            double[] cpu = new double[rounds];
            double[] threadCpu = new double[rounds];
            java.lang.management.ThreadMXBean threadsBean = ManagementFactory.getThreadMXBean();
            for (int r = 0; r < rounds; r++) {
                long c0 = os.getProcessCpuTime();
                long tc0 = threadsBean.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    t.trainStep();
                }
                rates[r] = steps / ((System.nanoTime() - t0) * 1e-9);
                cpu[r] = (os.getProcessCpuTime() - c0) * 1e-9 / steps;
                threadCpu[r] = (threadsBean.getCurrentThreadCpuTime() - tc0) * 1e-9 / steps;
                System.out.printf(
                        Locale.ROOT,
                        "round %d: %.3f steps/s (%.1f images/s), process CPU %.3f s/step, training thread CPU %.3f"
                                + " s/step, load %.2f%n",
                        r,
                        rates[r],
                        64 * rates[r],
                        cpu[r],
                        threadCpu[r],
                        os.getSystemLoadAverage());
            }
            Arrays.sort(rates);
            Arrays.sort(cpu);
            Arrays.sort(threadCpu);
            System.out.printf(
                    Locale.ROOT,
                    "median: %.3f steps/s (%.1f images/s), process CPU %.3f s/step, training thread CPU %.3f s/step%n",
                    rates[rounds / 2],
                    64 * rates[rounds / 2],
                    cpu[rounds / 2],
                    threadCpu[rounds / 2]);
            System.out.printf(Locale.ROOT, "host-side batch preparation: %.2f ms/step%n", 1e3 * hostPrep(tc));
            if (trace != null) {
                JniUtils.startProfile(false, true, false); // CPU, with input shapes, without memory
                t.trainStep();
                t.trainStep();
                JniUtils.stopProfile(trace);
                System.out.println("trace written to " + trace);
            }
        }
    }

    /**
     * Seconds per step of what {@code Trainer.trainStep} does on the host before the engine runs: the
     * batch's images and labels in data order, the times from the step's generator and 64·784 normal
     * draws of the noise (the most a data-prefetching thread could take off the training thread).
     */
    static double hostPrep(TrainerConfig tc) {
        SideBySide.RandomImages data = new SideBySide.RandomImages(1024);
        DataOrder order = new DataOrder(data.size(), tc.seed());
        org.diffusion4j.api.Schedule schedule = Schedules.linear(1000);
        int b = tc.batchSize();
        int per = 784;
        double sink = 0;
        int n = 60;
        long t0 = 0;
        for (int step = 0; step < n; step++) {
            if (step == 10) {
                t0 = System.nanoTime(); // after JIT warm-up
            }
            float[] x0 = new float[b * per];
            int[] classes = new int[b];
            for (int i = 0; i < b; i++) {
                int idx = order.index((long) step * b + i);
                data.copyImage(idx, x0, i * per);
                classes[i] = data.label(idx);
            }
            SdkNoise.Normal rng = DataOrder.stepRng(tc.seed(), step);
            for (int i = 0; i < b; i++) {
                sink += schedule.trainingTime(rng.nextUniform()).alpha();
            }
            float[] eps = new float[b * per];
            rng.fill(eps, 0, eps.length);
            sink += eps[step] + x0[step] + classes[0];
        }
        double dt = (System.nanoTime() - t0) * 1e-9 / (n - 10);
        return Double.isNaN(sink) ? Double.NaN : dt;
    }

    private static int intOpt(List<String> a, String name, int dflt) {
        int i = a.indexOf(name);
        return i >= 0 ? Integer.parseInt(a.get(i + 1)) : dflt;
    }
}
