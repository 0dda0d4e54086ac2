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
        UNetConfig c = UNetConfig.defaults().withClasses(10).withSize(base, List.of(1, 2, 2), res, List.of(7));
        try (Trainer t = Trainer.create(c, TrainerConfig.builder().batchSize(64).build(),
                Schedules.linear(1000), Shapes.generate(512, 28, 1), Device.cpu(), 1)) {
            for (int i = 0; i < 8; i++) {
                long s0 = System.nanoTime();
                double l = t.trainStep();
                System.out.printf("step %d %.4f %.0f ms%n", i, l, (System.nanoTime() - s0) / 1e6);
            }
        }
    }
}
