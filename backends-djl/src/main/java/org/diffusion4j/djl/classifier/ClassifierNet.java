package org.diffusion4j.djl.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.djl.nn.GroupNorm;
import org.diffusion4j.djl.nn.Layers;
import org.diffusion4j.djl.nn.Ops;
import org.diffusion4j.djl.nn.ResBlock;
import org.jspecify.annotations.Nullable;

/**
 * A time-conditioned image classifier p(y | x_t, t) (the encoder half of the UNet, as in Dhariwal &amp;
 * Nichol 2021): per level a residual block with the time embedding, stride-2 convolutions between
 * levels, then GN, SiLU, global average pooling and a dense layer to K logits.
 * Inputs: x {@code [B, C, H, W]} and sinusoidal time features {@code [B, base]}; output {@code [B, K]}.
 */
final class ClassifierNet extends AbstractBlock {

    private final ClassifierConfig config;
    private final int embDim;
    private final Linear time1;
    private final Linear time2;
    private final Conv2d convIn;
    private final List<ResBlock> res = new ArrayList<>();
    private final List<@Nullable Conv2d> down = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Linear head;
    private final int outChannels;

    public ClassifierNet(ClassifierConfig config) {
        this.config = config;
        int base = config.baseChannels();
        this.embDim = 4 * base;
        this.time1 = addChildBlock("time1", Layers.linear(embDim));
        this.time2 = addChildBlock("time2", Layers.linear(embDim));
        this.convIn = addChildBlock("convIn", Layers.conv3(base));
        int ch = base;
        List<Integer> mult = config.channelMultipliers();
        for (int i = 0; i < mult.size(); i++) {
            int out = base * mult.get(i);
            res.add(addChildBlock("res" + i, new ResBlock(ch, out, embDim, config.groups(), 0f)));
            ch = out;
            down.add(i < mult.size() - 1 ? addChildBlock("down" + i, Layers.conv3Stride2(ch)) : null);
        }
        this.outChannels = ch;
        this.outNorm = addChildBlock("outNorm", new GroupNorm(ch, Math.min(config.groups(), ch)));
        this.head = addChildBlock("head", Layers.linear(config.numClasses()));
    }

    public ClassifierConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
        NDArray e = Layers.call(time2, ps, Ops.silu(Layers.call(time1, ps, inputs.get(1), training)), training);
        NDArray h = Layers.call(convIn, ps, inputs.get(0), training);
        for (int i = 0; i < res.size(); i++) {
            h = res.get(i).forward(ps, new NDList(h, e), training).singletonOrThrow();
            Conv2d d = down.get(i);
            if (d != null) {
                h = Layers.call(d, ps, h, training);
            }
        }
        h = Ops.silu(outNorm.apply(ps, h));
        NDArray pooled = h.mean(new int[] {3}).mean(new int[] {2}); // global average pool -> [B, C]
        return new NDList(Layers.call(head, ps, pooled, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), config.numClasses())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        int size = config.imageSize();
        time1.initialize(manager, dataType, new Shape(b, config.baseChannels()));
        time2.initialize(manager, dataType, new Shape(b, embDim));
        convIn.initialize(manager, dataType, inputShapes[0]);
        int ch = config.baseChannels();
        for (int i = 0; i < res.size(); i++) {
            int r = size >> i;
            res.get(i).initialize(manager, dataType, new Shape(b, ch, r, r), new Shape(b, embDim));
            ch = config.baseChannels() * config.channelMultipliers().get(i);
            Conv2d d = down.get(i);
            if (d != null) {
                d.initialize(manager, dataType, new Shape(b, ch, r, r));
            }
        }
        int r = size >> (res.size() - 1);
        outNorm.initialize(manager, dataType, new Shape(b, outChannels, r, r));
        head.initialize(manager, dataType, new Shape(b, outChannels));
    }
}
