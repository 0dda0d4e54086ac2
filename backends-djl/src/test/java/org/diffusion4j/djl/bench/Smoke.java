package org.diffusion4j.djl.bench;

import ai.djl.Device;
import org.diffusion4j.djl.TestNets;
import org.diffusion4j.djl.data.Shapes;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.schedules.Schedules;

public class Smoke {
    public static void main(String[] a) {
        try (Trainer t = Trainer.create(TestNets.tinyUNet(4), TrainerConfig.builder().batchSize(16).gradClip(Double.parseDouble(System.getProperty("clip", "1"))).build(),
                Schedules.linear(1000), Shapes.generate(256, 16, 1), Device.cpu(), 1)) {
            for (int i = 0; i < 15; i++) {
                long s0 = System.nanoTime();
                double l = t.trainStep();
                System.out.printf("step %d %.5f %.0f ms%n", i, l, (System.nanoTime() - s0) / 1e6);
            }
        }
    }
}
