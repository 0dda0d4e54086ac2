package org.diffusion4j.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * The residual block of the DDPM UNet (Ho et al. 2020, after Wide ResNet):
 * h = conv₁(SiLU(GN₁(x))) + W_e·SiLU(e), out = skip(x) + conv₂(dropout(SiLU(GN₂(h)))), where e is the
 * time (and class) embedding and skip is the identity or a 1×1 convolution when the width changes.
 * Inputs: x {@code [B, C_in, H, W]} and e {@code [B, E]}; output {@code [B, C_out, H, W]}.
 */
public final class ResBlock extends AbstractBlock {

    private final int in;
    private final int out;
    private final int embDim;
    private final float dropout;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear embProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final @Nullable Conv2d skip;

    public ResBlock(int in, int out, int embDim, int groups, float dropout) {
        this.in = in;
        this.out = out;
        this.embDim = embDim;
        this.dropout = dropout;
        this.norm1 = addChildBlock("norm1", new GroupNorm(in, Math.min(groups, in)));
        this.conv1 = addChildBlock("conv1", Layers.conv3(out));
        this.embProj = addChildBlock("emb", Layers.linear(out));
        this.norm2 = addChildBlock("norm2", new GroupNorm(out, Math.min(groups, out)));
        this.conv2 = addChildBlock("conv2", Layers.conv3(out));
        this.skip = in == out ? null : addChildBlock("skip", Layers.conv1(out));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray e = inputs.get(1);
        long b = x.getShape().get(0);
        NDArray h = Layers.call(conv1, ps, Ops.silu(norm1.apply(ps, x)), training);
        NDArray eOut = Layers.call(embProj, ps, Ops.silu(e), training).reshape(b, out, 1, 1);
        h = h.add(eOut);
        h = Ops.silu(norm2.apply(ps, h));
        if (training && dropout > 0) {
            h = Dropout.dropout(h, dropout, true).singletonOrThrow();
        }
        h = Layers.call(conv2, ps, h, training);
        NDArray s = skip == null ? x : Layers.call(skip, ps, x, training);
        return new NDList(s.add(h));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), out, x.get(2), x.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape x = inputShapes[0];
        Shape h = new Shape(x.get(0), out, x.get(2), x.get(3));
        norm1.initialize(manager, dataType, x);
        conv1.initialize(manager, dataType, x);
        embProj.initialize(manager, dataType, new Shape(x.get(0), embDim));
        norm2.initialize(manager, dataType, h);
        conv2.initialize(manager, dataType, h);
        if (skip != null) {
            skip.initialize(manager, dataType, x);
        }
    }

    /** Input width. */
    public int inChannels() {
        return in;
    }
}
