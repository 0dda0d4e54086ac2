package org.diffusion4j.djl.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;

/**
 * Helpers for ∇_{x_t} log p(y | x_t) = ∇_{x_t} log softmax(f(x_t))[y]: the scalar whose gradient is
 * taken is Σ_b log softmax(f(x_b))[y_b]; samples do not interact in the networks used here (no batch
 * normalisation), so its gradient with respect to x_b is sample b's own. Null conditions contribute
 * nothing (zero gradient).
 */
public final class LogProbGradient {

    private LogProbGradient() {}

    /** The label of each sample, −1 for the null condition; fails on embeddings. */
    public static int[] labelsOrNull(Conditions labels) {
        try {
            return labels.labelArray(-1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("classifier guidance needs class labels: " + e.getMessage(), e);
        }
    }

    /** Σ_b log softmax(logits_b)[y_b] over the samples with a label. */
    public static NDArray selectedLogProb(NDManager call, NDArray logits, int[] y) {
        int b = y.length;
        int k = Math.toIntExact(logits.getShape().get(1));
        float[] onehot = new float[b * k];
        for (int i = 0; i < b; i++) {
            if (y[i] >= k) {
                throw new IllegalArgumentException(
                        "label " + y[i] + " of sample " + i + " outside the classifier's " + k + " classes");
            }
            if (y[i] >= 0) {
                onehot[i * k + y[i]] = 1f;
            }
        }
        NDArray mask = call.create(onehot, new Shape(b, k));
        return logits.logSoftmax(1).mul(mask).sum();
    }

    /** 1 for samples with a label, 0 for null conditions, broadcastable over {@code shape}. */
    public static NDArray nonNullMask(NDManager call, int[] y, Shape shape) {
        float[] m = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            m[i] = y[i] >= 0 ? 1f : 0f;
        }
        long[] s = new long[shape.dimension()];
        java.util.Arrays.fill(s, 1);
        s[0] = y.length;
        return call.create(m, new Shape(s));
    }

    /** The conditions with every null condition replaced by label 0 (its result is masked out later). */
    public static Conditions nullAsLabelZero(Conditions labels) {
        List<Condition> l = new ArrayList<>();
        for (Condition c : labels.asList()) {
            l.add(c.isUnconditional() ? Condition.label(0) : c);
        }
        return Conditions.of(l);
    }
}
