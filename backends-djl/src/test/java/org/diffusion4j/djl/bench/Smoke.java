package org.diffusion4j.djl.bench;

import ai.djl.Device;
import java.util.List;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;

public class Smoke {
    public static void main(String[] a) {
        int base = Integer.parseInt(a[0]);
        int res = Integer.parseInt(a[1]);
        UNetConfig c = UNetConfig.defaults().withClasses(10).withSize(base, List.of(1, 2, 2), res, List.of(7));
        try (DjlTensorFactory f = DjlTensorFactory.cpu(); UNetModel m = UNetModel.create(c, Device.cpu(), 1)) {
            UNetPredictor p = new UNetPredictor(m, f);
            Tensor x = f.full(Shape.of(64, 1, 28, 28), 0.5f);
            int[] l = new int[64];
            for (int it = 0; it < 6; it++) {
                long t0 = System.nanoTime();
                Tensor y = p.predict(x, Timestep.ofAlphaBar(500, 0.5), Conditions.labels(l));
                System.out.println(y.shape() + " " + (System.nanoTime() - t0) / 1e6 + " ms, live " + f.liveTensors());
            }
        }
    }
}
