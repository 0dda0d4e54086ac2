package org.diffusion4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An exponential moving average of a block's weights (Polyak averaging, as in DDPM):
 * θ̄ ← d θ̄ + (1 − d) θ with d = min(decay, (1 + t)/(10 + t)) at update t, so early averages are not
 * dominated by the random initial weights. Kept on the parameters' device. Not thread-safe.
 */
final class Ema implements AutoCloseable {

    private final double decay;
    private final NDManager manager;
    private final List<Pair<String, Parameter>> params = new ArrayList<>();
    private final List<NDArray> shadow = new ArrayList<>();
    private long updates;

    public Ema(Block block, NDManager parent, double decay) {
        this.decay = decay;
        this.manager = parent.newSubManager();
        for (Pair<String, Parameter> p : block.getParameters()) {
            params.add(p);
            shadow.add(p.getValue().getArray().duplicate());
            shadow.get(shadow.size() - 1).attach(manager);
        }
    }

    /** The decay used at update {@code t} (0-based). */
    public double decayAt(long t) {
        return Math.min(decay, (1.0 + t) / (10.0 + t));
    }

    /** Folds the current weights into the average. */
    public void update() {
        double d = decayAt(updates);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < params.size(); i++) {
                NDArray theta = params.get(i).getValue().getArray();
                shadow.get(i).muli((float) d).addi(theta.mul((float) (1 - d)));
            }
        }
        updates++;
    }

    /** Host copies of the averaged weights by parameter name. */
    public Map<String, float[]> weights() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            out.put(params.get(i).getKey(), shadow.get(i).toFloatArray());
        }
        return out;
    }

    /** Restores averaged weights and the update count. */
    public void restore(Map<String, float[]> weights, long count, String source) {
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).getKey();
            float[] w = weights.get(name);
            if (w == null || w.length != shadow.get(i).size()) {
                throw new IllegalArgumentException(source + ": EMA weights for '" + name + "' "
                        + (w == null
                                ? "are missing"
                                : "have " + w.length + " values, expected "
                                        + shadow.get(i).size()));
            }
            org.diffusion4j.djl.nn.Weights.assign(shadow.get(i), w);
        }
        this.updates = count;
    }

    /** Number of updates made. */
    public long updates() {
        return updates;
    }

    @Override
    public void close() {
        manager.close();
    }
}
