package org.diffusion4j.djl;

import java.util.List;
import org.diffusion4j.djl.unet.UNetConfig;

/** Small network configurations that keep the tests fast on two CPU cores. */
public final class TestNets {

    private TestNets() {}

    /** A 16×16×1 UNet: widths 8/16, one block per level, attention at 8×8, 4 groups. */
    public static UNetConfig tinyUNet(int classes) {
        return new UNetConfig(1, 16, 8, List.of(1, 2), 1, List.of(8), 2, 4, 0.0, classes, null, null);
    }
}
