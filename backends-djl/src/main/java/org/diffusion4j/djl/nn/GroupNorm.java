package org.diffusion4j.djl.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Group normalisation with a learned per-channel scale γ and shift β, on {@code [B, C, H, W]} input. */
public final class GroupNorm extends AbstractBlock {

    private static final float EPS = 1e-5f;

    private final int channels;
    private final int groups;
    private final Parameter gamma;
    private final Parameter beta;
    /**
     * The layer norm's unit scale and zero shift by {@code C/G·H·W} and device, made once on the
     * parameters' manager (closed with the network) instead of twice per call.
     */
    private final Map<String, NDArray[]> unitAffine = new ConcurrentHashMap<>();

    /**
     * @param channels C
     * @param groups   G; must divide C
     */
    public GroupNorm(int channels, int groups) {
        if (groups <= 0 || channels % groups != 0) {
            throw new IllegalArgumentException("group norm: " + groups + " groups do not divide " + channels
                    + " channels; choose a group count that divides every channel width of the network");
        }
        this.channels = channels;
        this.groups = groups;
        this.gamma = addParameter(Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels))
                .optInitializer(Initializer.ONES)
                .build());
        this.beta = addParameter(Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(channels))
                .optInitializer(Initializer.ZEROS)
                .build());
    }

    /** Normalises {@code x}. */
    public NDArray apply(ParameterStore ps, NDArray x) {
        if (x.getShape().dimension() != 4 || x.getShape().get(1) != channels) {
            throw new IllegalArgumentException(
                    "group norm over " + channels + " channels got input of shape " + x.getShape());
        }
        NDArray g = ps.getValue(gamma, x.getDevice(), false).reshape(1, channels, 1, 1);
        NDArray b = ps.getValue(beta, x.getDevice(), false).reshape(1, channels, 1, 1);
        NDArray[] unit = unitAffine(x);
        return Ops.groupNorm(x, groups, EPS, unit[0], unit[1]).mul(g).add(b);
    }

    private NDArray[] unitAffine(NDArray x) {
        long per = x.getShape().size() / (x.getShape().get(0) * groups);
        return unitAffine.computeIfAbsent(per + "@" + x.getDevice(), k -> {
            NDManager owner = gamma.getArray().getManager();
            NDArray ones = owner.ones(new Shape(per), DataType.FLOAT32, x.getDevice());
            NDArray zeros = owner.zeros(new Shape(per), DataType.FLOAT32, x.getDevice());
            NDScope.unregister(ones, zeros); // owned by the network's manager, not by the caller's scope
            return new NDArray[] {ones, zeros};
        });
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, @Nullable PairList<String, Object> params) {
        return new NDList(apply(ps, inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
