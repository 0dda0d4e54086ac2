package org.diffusion4j.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.jspecify.annotations.Nullable;

/**
 * Multi-head self-attention over the H·W positions of a feature map, with a residual connection:
 * out = x + W_o · softmax(QᵀK/√d) V, where Q, K, V come from a 1×1 convolution of GN(x).
 */
public final class AttentionBlock extends AbstractBlock {

    private final int channels;
    private final int heads;
    private final GroupNorm norm;
    private final Conv2d qkv;
    private final Conv2d proj;

    public AttentionBlock(int channels, int heads, int groups) {
        if (heads <= 0 || channels % heads != 0) {
            throw new IllegalArgumentException(
                    "attention: " + heads + " heads do not divide " + channels + " channels");
        }
        this.channels = channels;
        this.heads = heads;
        this.norm = addChildBlock("norm", new GroupNorm(channels, Math.min(groups, channels)));
        this.qkv = addChildBlock("qkv", Layers.conv1(3 * channels));
        this.proj = addChildBlock("proj", Layers.conv1(channels));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape s = x.getShape();
        long b = s.get(0);
        long n = s.get(2) * s.get(3);
        long d = channels / heads;
        NDArray t = Layers.call(qkv, ps, norm.apply(ps, x), training).reshape(b, 3, heads, d, n);
        NDArray q = t.get(":,0");
        NDArray k = t.get(":,1");
        NDArray v = t.get(":,2");
        NDArray w = Ops.scale(q.transpose(0, 1, 3, 2).matMul(k), (float) (1 / Math.sqrt(d)))
                .softmax(-1); // [B, h, n, n]
        NDArray o = v.matMul(w.transpose(0, 1, 3, 2)).reshape(s); // [B, h, d, n] -> [B, C, H, W]
        return new NDList(x.add(Layers.call(proj, ps, o, training)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm.initialize(manager, dataType, inputShapes[0]);
        qkv.initialize(manager, dataType, inputShapes[0]);
        proj.initialize(manager, dataType, inputShapes[0]);
    }
}
