package org.diffusion4j.djl.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.diffusion4j.djl.nn.AttentionBlock;
import org.diffusion4j.djl.nn.GroupNorm;
import org.diffusion4j.djl.nn.Layers;
import org.diffusion4j.djl.nn.Ops;
import org.diffusion4j.djl.nn.ResBlock;
import org.jspecify.annotations.Nullable;

/**
 * The DDPM UNet (Ho et al. 2020; Nichol &amp; Dhariwal 2021) as a DJL block, sized by a {@link UNetConfig}.
 *
 * <pre>
 * e  = Linear(SiLU(Linear(sinusoidal(t)))) + E_class[y]          (y = K for the null class ∅)
 * h  = conv_in(x)
 * down:  per level, resBlocksPerLevel × [ResBlock(h, e), Attention if the size is listed], then a
 *        stride-2 convolution (not after the last level); every output is kept for a skip connection
 * mid:   ResBlock, Attention, ResBlock
 * up:    per level (reversed), resBlocksPerLevel + 1 × [ResBlock(concat(h, skip), e), Attention],
 *        then nearest ×2 upsampling + conv (not after the first level)
 * out = conv_out(SiLU(GN(h)))
 * </pre>
 *
 * Forward inputs: x {@code [B, C, H, W]}, the sinusoidal time features {@code [B, baseChannels]} and,
 * for a conditional network, one-hot class rows {@code [B, K + 1]}. Output: {@code [B, C, H, W]}.
 */
public final class UNet extends AbstractBlock {

    private final UNetConfig config;
    private final int embDim;
    private final Linear time1;
    private final Linear time2;
    private final @Nullable Parameter classTable;
    private final Conv2d convIn;
    private final List<List<ResBlock>> downRes = new ArrayList<>();
    private final List<List<@Nullable AttentionBlock>> downAttn = new ArrayList<>();
    private final List<@Nullable Conv2d> downSample = new ArrayList<>();
    private final ResBlock midRes1;
    private final AttentionBlock midAttn;
    private final ResBlock midRes2;
    private final List<List<ResBlock>> upRes = new ArrayList<>();
    private final List<List<@Nullable AttentionBlock>> upAttn = new ArrayList<>();
    private final List<@Nullable Conv2d> upSample = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Conv2d convOut;

    /** Builds the (uninitialised) block; see {@link UNetModel} for a ready, initialised network. */
    public UNet(UNetConfig config) {
        this.config = config;
        int base = config.baseChannels();
        int groups = config.groups();
        float dropout = config.dropout().floatValue();
        int heads = config.attentionHeads();
        List<Integer> mult = config.channelMultipliers();
        int levels = mult.size();
        this.embDim = config.embeddingDim();
        this.time1 = addChildBlock("time1", Layers.linear(embDim));
        this.time2 = addChildBlock("time2", Layers.linear(embDim));
        this.classTable = config.conditional()
                ? addParameter(Parameter.builder()
                        .setName("classTable")
                        .setType(Parameter.Type.WEIGHT)
                        .optShape(new Shape(config.numClasses() + 1, embDim))
                        .optInitializer(Initializer.ZEROS)
                        .build())
                : null;
        this.convIn = addChildBlock("convIn", Layers.conv3(base));
        Deque<Integer> skips = new ArrayDeque<>();
        int ch = base;
        skips.push(ch);
        for (int i = 0; i < levels; i++) {
            int res = config.imageSize() >> i;
            int out = base * mult.get(i);
            List<ResBlock> rs = new ArrayList<>();
            List<@Nullable AttentionBlock> as = new ArrayList<>();
            for (int r = 0; r < config.resBlocksPerLevel(); r++) {
                rs.add(addChildBlock("down" + i + "_res" + r, new ResBlock(ch, out, embDim, groups, dropout)));
                ch = out;
                as.add(
                        config.attentionResolutions().contains(res)
                                ? addChildBlock("down" + i + "_attn" + r, new AttentionBlock(ch, heads, groups))
                                : null);
                skips.push(ch);
            }
            downRes.add(rs);
            downAttn.add(as);
            if (i < levels - 1) {
                downSample.add(addChildBlock("down" + i + "_sample", Layers.conv3Stride2(ch)));
                skips.push(ch);
            } else {
                downSample.add(null);
            }
        }
        this.midRes1 = addChildBlock("mid_res1", new ResBlock(ch, ch, embDim, groups, dropout));
        this.midAttn = addChildBlock("mid_attn", new AttentionBlock(ch, heads, groups));
        this.midRes2 = addChildBlock("mid_res2", new ResBlock(ch, ch, embDim, groups, dropout));
        for (int i = levels - 1; i >= 0; i--) {
            int res = config.imageSize() >> i;
            int out = base * mult.get(i);
            List<ResBlock> rs = new ArrayList<>();
            List<@Nullable AttentionBlock> as = new ArrayList<>();
            for (int r = 0; r <= config.resBlocksPerLevel(); r++) {
                int skip = skips.pop();
                rs.add(addChildBlock("up" + i + "_res" + r, new ResBlock(ch + skip, out, embDim, groups, dropout)));
                ch = out;
                as.add(
                        config.attentionResolutions().contains(res)
                                ? addChildBlock("up" + i + "_attn" + r, new AttentionBlock(ch, heads, groups))
                                : null);
            }
            upRes.add(rs);
            upAttn.add(as);
            upSample.add(i > 0 ? addChildBlock("up" + i + "_sample", Layers.conv3(ch)) : null);
        }
        this.outNorm = addChildBlock("outNorm", new GroupNorm(ch, Math.min(groups, ch)));
        this.convOut = addChildBlock("convOut", Layers.conv3(config.imageChannels()));
    }

    /** The configuration this network was built from. */
    public UNetConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
        NDArray x = inputs.get(0);
        NDArray e = Layers.call(time2, ps, Ops.silu(Layers.call(time1, ps, inputs.get(1), training)), training);
        if (classTable != null) {
            if (inputs.size() < 3) {
                throw new IllegalArgumentException("a class-conditional UNet needs one-hot class rows as third input");
            }
            e = e.add(inputs.get(2).matMul(ps.getValue(classTable, x.getDevice(), training)));
        }
        NDArray h = Layers.call(convIn, ps, x, training);
        Deque<NDArray> skips = new ArrayDeque<>();
        skips.push(h);
        for (int i = 0; i < downRes.size(); i++) {
            for (int r = 0; r < downRes.get(i).size(); r++) {
                h = downRes.get(i)
                        .get(r)
                        .forward(ps, new NDList(h, e), training)
                        .singletonOrThrow();
                AttentionBlock a = downAttn.get(i).get(r);
                if (a != null) {
                    h = Layers.call(a, ps, h, training);
                }
                skips.push(h);
            }
            Conv2d ds = downSample.get(i);
            if (ds != null) {
                h = Layers.call(ds, ps, h, training);
                skips.push(h);
            }
        }
        h = midRes1.forward(ps, new NDList(h, e), training).singletonOrThrow();
        h = Layers.call(midAttn, ps, h, training);
        h = midRes2.forward(ps, new NDList(h, e), training).singletonOrThrow();
        for (int j = 0; j < upRes.size(); j++) {
            for (int r = 0; r < upRes.get(j).size(); r++) {
                NDArray cat = h.concat(skips.pop(), 1);
                h = upRes.get(j)
                        .get(r)
                        .forward(ps, new NDList(cat, e), training)
                        .singletonOrThrow();
                AttentionBlock a = upAttn.get(j).get(r);
                if (a != null) {
                    h = Layers.call(a, ps, h, training);
                }
            }
            Conv2d us = upSample.get(j);
            if (us != null) {
                h = Layers.call(us, ps, Ops.upsampleNearest2(h), training);
            }
        }
        h = Ops.silu(outNorm.apply(ps, h));
        return new NDList(Layers.call(convOut, ps, h, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long b = inputShapes[0].get(0);
        int size = config.imageSize();
        time1.initialize(manager, dataType, new Shape(b, config.baseChannels()));
        time2.initialize(manager, dataType, new Shape(b, embDim));
        convIn.initialize(manager, dataType, inputShapes[0]);
        Deque<Integer> skips = new ArrayDeque<>();
        int ch = config.baseChannels();
        skips.push(ch);
        for (int i = 0; i < downRes.size(); i++) {
            int res = size >> i;
            for (int r = 0; r < downRes.get(i).size(); r++) {
                ResBlock rb = downRes.get(i).get(r);
                rb.initialize(manager, dataType, new Shape(b, ch, res, res), new Shape(b, embDim));
                ch = (int) rb.getOutputShapes(new Shape[] {new Shape(b, ch, res, res)})[0].get(1);
                AttentionBlock a = downAttn.get(i).get(r);
                if (a != null) {
                    a.initialize(manager, dataType, new Shape(b, ch, res, res));
                }
                skips.push(ch);
            }
            Conv2d ds = downSample.get(i);
            if (ds != null) {
                ds.initialize(manager, dataType, new Shape(b, ch, res, res));
                skips.push(ch);
            }
        }
        int res = size >> (downRes.size() - 1);
        midRes1.initialize(manager, dataType, new Shape(b, ch, res, res), new Shape(b, embDim));
        midAttn.initialize(manager, dataType, new Shape(b, ch, res, res));
        midRes2.initialize(manager, dataType, new Shape(b, ch, res, res), new Shape(b, embDim));
        for (int j = 0; j < upRes.size(); j++) {
            int level = upRes.size() - 1 - j;
            res = size >> level;
            for (int r = 0; r < upRes.get(j).size(); r++) {
                int skip = skips.pop();
                ResBlock rb = upRes.get(j).get(r);
                Shape in = new Shape(b, ch + skip, res, res);
                rb.initialize(manager, dataType, in, new Shape(b, embDim));
                ch = (int) rb.getOutputShapes(new Shape[] {in})[0].get(1);
                AttentionBlock a = upAttn.get(j).get(r);
                if (a != null) {
                    a.initialize(manager, dataType, new Shape(b, ch, res, res));
                }
            }
            Conv2d us = upSample.get(j);
            if (us != null) {
                us.initialize(manager, dataType, new Shape(b, ch, 2L * res, 2L * res));
            }
        }
        outNorm.initialize(manager, dataType, new Shape(b, ch, size, size));
        convOut.initialize(manager, dataType, new Shape(b, ch, size, size));
    }
}
