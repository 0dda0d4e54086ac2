package org.diffusion4j.it;

import org.diffusion4j.testkit.FixtureBounds;

/**
 * The tolerances of the cross-backend tests, derived from {@link FixtureBounds}: one float32
 * evaluation of a fixture network is within the bound of the exact value, so ONNX Runtime and PyTorch
 * (whatever kernels they pick on a CPU) are within twice the bound of each other.
 */
final class Bounds {
    private Bounds() {}

    /** ε of the tiny UNet on two backends, relative to max(1, |ε|): 2 × {@link FixtureBounds#tinyUnet()}. */
    static final double TINY_UNET_TWO_BACKENDS = 2 * FixtureBounds.tinyUnet();
}
