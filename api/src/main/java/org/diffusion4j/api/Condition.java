package org.diffusion4j.api;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * What one sample is conditioned on: a class label, an embedding tensor, or nothing (the null
 * condition ∅ of classifier-free guidance).
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public sealed interface Condition permits Condition.Label, Condition.Embedding, Condition.Unconditional {

    /** The class label {@code k}. */
    static Condition label(int k) {
        return new Label(k);
    }

    /** An embedding, for example text-encoder hidden states of shape [L, D] (no batch axis). */
    static Condition embedding(Tensor e) {
        return new Embedding(e);
    }

    /** The null condition ∅. */
    static Condition none() {
        return Unconditional.INSTANCE;
    }

    /** True for the null condition. */
    default boolean isUnconditional() {
        return this instanceof Unconditional;
    }

    /** A class label. */
    record Label(int value) implements Condition {
        public Label {
            if (value < 0) {
                throw new IllegalArgumentException("class label must be >= 0, got " + value);
            }
        }
    }

    /** An embedding tensor for one sample. */
    record Embedding(Tensor value) implements Condition {}

    /** The null condition. */
    final class Unconditional implements Condition {
        static final Unconditional INSTANCE = new Unconditional();

        private Unconditional() {}

        @Override
        public String toString() {
            return "∅";
        }
    }
}
