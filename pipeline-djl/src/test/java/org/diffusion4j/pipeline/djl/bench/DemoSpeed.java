package org.diffusion4j.pipeline.djl.bench;

import ai.djl.Device;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.diffusion4j.schedules.Schedules;

/**
 * How long the demo's work takes on this machine (a benchmark program, not a test): one training step
 * of the demo network (28×28, widths 16/32, one block per level, no attention, 10 classes, batch 32)
 * and one forward pass of the batch a CFG sampling step of the demo sends (its chunks of 40 samples, doubled
 * for the conditional and unconditional halves: 80 images).
 * Median of the timed repetitions after warm-up.
 * <pre>
 * mvn -q -pl pipeline-djl exec:java -Dexec.args="[threads] [train steps] [forward repetitions]"
 * </pre>
 */
public final class DemoSpeed {

    private DemoSpeed() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        DjlRuntime.setThreads(threads);
        UNetConfig net = new UNetConfig(1, 28, 16, List.of(1, 2), 1, List.of(), 2, 8, 0.0, 10, null, null);
        Schedule schedule = Schedules.linear(1000);
        TrainerConfig tc = TrainerConfig.builder()
                .batchSize(32)
                .learningRate(2e-3)
                .warmupSteps(50)
                .emaDecay(0.995)
                .threads(threads)
                .seed(1)
                .build();
        // 10 classes of 28×28 images: the shapes stand in for Fashion-MNIST (same tensor sizes, same cost)
        var data = new TenClasses(Shapes.generate(1000, 28, 1));
        try (Trainer t = Trainer.create(net, tc, schedule, data, Device.cpu(), 1)) {
            for (int i = 0; i < 3; i++) {
                t.trainStep();
            }
            double[] ms = new double[steps];
            for (int i = 0; i < steps; i++) {
                long s0 = System.nanoTime();
                t.trainStep();
                ms[i] = (System.nanoTime() - s0) / 1e6;
            }
            double train = median(ms);
            try (DjlTensorFactory f = DjlTensorFactory.cpu()) {
                UNetPredictor p = new UNetPredictor(t.model(), f);
                Tensor x = f.of(new float[80 * 784], Shape.of(80, 1, 28, 28));
                Conditions c = Conditions.labels(new int[80]);
                for (int i = 0; i < 2; i++) {
                    p.predict(x, schedule.trainingTime(0.5), c);
                }
                double[] fm = new double[reps];
                for (int i = 0; i < reps; i++) {
                    long s0 = System.nanoTime();
                    p.predict(x, schedule.trainingTime(0.5), c);
                    fm[i] = (System.nanoTime() - s0) / 1e6;
                }
                double forward = median(fm);
                System.out.printf(
                        Locale.ROOT,
                        "demo network: %,d parameters, threads %s%n",
                        t.model().parameterCount(),
                        threads == 0 ? "PyTorch's default" : threads);
                System.out.printf(Locale.ROOT, "train step (batch 32): %.1f ms (median of %d)%n", train, steps);
                System.out.printf(Locale.ROOT, "forward (batch 80):    %.1f ms (median of %d)%n", forward, reps);
                System.out.printf(
                        Locale.ROOT,
                        "demo estimate: 600 steps %.0f s + 4 scales x 2 chunks x 20 DDIM steps %.0f s%n",
                        600 * train / 1e3,
                        160 * forward / 1e3);
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** A data set relabelled into 10 classes (cost of the 10-class network on 28×28 images). */
    private record TenClasses(org.diffusion4j.djl.data.ImageDataset d)
            implements org.diffusion4j.djl.data.ImageDataset {
        @Override
        public int size() {
            return d.size();
        }

        @Override
        public Shape imageShape() {
            return d.imageShape();
        }

        @Override
        public int numClasses() {
            return 10;
        }

        @Override
        public void copyImage(int i, float[] dst, int offset) {
            d.copyImage(i, dst, offset);
        }

        @Override
        public int label(int i) {
            return i % 10;
        }
    }
}
