package org.diffusion4j.djl.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
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
     *
     * <p>Runs as one native call per parameter (DJL's {@code JniUtils.adamUpdate}, PyTorch ops in C++
     * without autograd), which computes θ ← θ − η λ θ, the moments as above, then
     * θ ← θ − η' m / (√v + ε') with the bias corrections folded into η' = η √(1 − β₂ᵗ) / (1 − β₁ᵗ) and
     * ε' = ε √(1 − β₂ᵗ): η' m / (√v + ε') = η m̂ / (√v̂ + ε) exactly in real arithmetic, so the update is
     * Algorithm 2's above up to float32 rounding (AdamWTest bounds the difference).
     */
    public void update(List<NDArray> grads, double lr) {
        t++;
        double c1 = 1 - Math.pow(beta1, t);
        double c2 = 1 - Math.pow(beta2, t);
        float lrCorrected = (float) (lr * Math.sqrt(c2) / c1);
        float epsCorrected = (float) (epsilon * Math.sqrt(c2));
        for (int i = 0; i < params.size(); i++) {
            JniUtils.adamUpdate(
                    (PtNDArray) params.get(i).getValue().getArray(),
                    (PtNDArray) grads.get(i),
                    (PtNDArray) m.get(i),
                    (PtNDArray) v.get(i),
                    (float) lr,
                    lrCorrected,
                    (float) weightDecay,
                    1f, // no gradient rescaling
                    -1f, // no element-wise gradient clamp (the trainer clips by global norm)
                    (float) beta1,
                    (float) beta2,
                    epsCorrected,
                    true); // decoupled weight decay
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
