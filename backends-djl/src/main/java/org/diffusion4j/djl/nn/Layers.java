package org.diffusion4j.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/** Factories of DJL layers and a one-array call helper. */
public final class Layers {

    private Layers() {}

    /** A 3×3 convolution with padding 1 (same size) and {@code out} filters. */
    public static Conv2d conv3(int out) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(out)
                .build();
    }

    /** A 3×3 convolution with stride 2 and padding 1 (halves height and width). */
    public static Conv2d conv3Stride2(int out) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .optStride(new Shape(2, 2))
                .setFilters(out)
                .build();
    }

    /** A 1×1 convolution. */
    public static Conv2d conv1(int out) {
        return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(out).build();
    }

    /** A dense layer with bias. */
    public static Linear linear(int out) {
        return Linear.builder().setUnits(out).build();
    }

    /** Calls a one-input, one-output block. */
    public static NDArray call(Block b, ParameterStore ps, NDArray x, boolean training) {
        return b.forward(ps, new NDList(x), training).singletonOrThrow();
    }
}
