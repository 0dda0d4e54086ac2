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
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, Algorithm 2), in place on a block's
 * parameters, with state on the parameters' device:
 * <pre>
 *   m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
 *   m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
 *   θ ← θ − η (m̂ / (√v̂ + ε) + λ θ)
 * </pre>
 * Its state (m, v per parameter and t) can be exported and restored for checkpoints. Not thread-safe.
 */
public final class AdamW implements AutoCloseable {

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final NDManager manager;
    private final List<Pair<String, Parameter>> params = new ArrayList<>();
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private long t;

    public AdamW(Block block, NDManager parent, double beta1, double beta2, double epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.manager = parent.newSubManager();
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            params.add(p);
            m.add(manager.zeros(a.getShape(), a.getDataType(), a.getDevice()));
            v.add(manager.zeros(a.getShape(), a.getDataType(), a.getDevice()));
        }
    }

    /** Number of updates made (t). */
    public long updates() {
        return t;
    }

    /**
     * One update with the given gradients (same order as the block's parameters) and learning rate η.
     */
    public void update(List<NDArray> grads, double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < params.size(); i++) {
                NDArray theta = params.get(i).getValue().getArray();
                NDArray g = grads.get(i);
                NDArray mi = m.get(i);
                NDArray vi = v.get(i);
                mi.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
                vi.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
                NDArray step = mi.div((float) c1).divi(vi.div((float) c2).sqrt().addi((float) epsilon));
                if (weightDecay > 0) {
                    step.addi(theta.mul((float) weightDecay));
                }
                theta.subi(step.muli((float) lr));
            }
        }
    }

    /** Host copies of the state: {@code m} and {@code v} by parameter name. */
    public Map<String, Map<String, float[]>> state() {
        Map<String, float[]> ms = new LinkedHashMap<>();
        Map<String, float[]> vs = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            ms.put(params.get(i).getKey(), m.get(i).toFloatArray());
            vs.put(params.get(i).getKey(), v.get(i).toFloatArray());
        }
        Map<String, Map<String, float[]>> out = new LinkedHashMap<>();
        out.put("adam.m", ms);
        out.put("adam.v", vs);
        return out;
    }

    /** Restores the state written by {@link #state()} and the update count. */
    public void restore(Map<String, float[]> ms, Map<String, float[]> vs, long updates, String source) {
        for (int i = 0; i < params.size(); i++) {
            String name = params.get(i).getKey();
            set(m.get(i), ms.get(name), "adam.m/" + name, source);
            set(v.get(i), vs.get(name), "adam.v/" + name, source);
        }
        this.t = updates;
    }

    private static void set(NDArray a, float @org.jspecify.annotations.Nullable [] values, String what, String source) {
        if (values == null || values.length != a.size()) {
            throw new IllegalArgumentException(source + ": optimizer state " + what
                    + (values == null ? " is missing" : " has " + values.length + " values, expected " + a.size()));
        }
        org.diffusion4j.djl.nn.Weights.assign(a, values);
    }

    @Override
    public void close() {
        manager.close();
    }
}
