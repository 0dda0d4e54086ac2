package org.diffusion4j.djl.bench;

import ai.djl.Device;
import java.util.List;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.schedules.Schedules;

public class Smoke {
    public static void main(String[] a) {
        int base = Integer.parseInt(a[0]);
        int res = Integer.parseInt(a[1]);
        int steps = Integer.parseInt(a[2]);
        int batch = Integer.parseInt(a[3]);
        UNetConfig c = UNetConfig.defaults().withClasses(4).withSize(base, List.of(1, 2, 2), res, List.of(7));
        try (Trainer t = Trainer.create(c, TrainerConfig.builder().batchSize(batch).warmupSteps(10).learningRate(1e-3).build(),
                Schedules.linear(1000), Shapes.generate(512, 28, 1), Device.cpu(), 1)) {
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                long s0 = System.nanoTime();
                double l = t.trainStep();
                System.out.printf("step %d loss %.4f %.0f ms%n", i, l, (System.nanoTime() - s0) / 1e6);
            }
            System.out.printf("%.3f steps/s%n", steps / ((System.nanoTime() - t0) / 1e9));
        }
    }
}
