package org.diffusion4j.api.tensor;

import org.apiguardian.api.API;

/**
 * A lifetime for the tensors a factory makes, modelled on DJL's {@code NDManager} hierarchy: a run
 * opens a scope, everything the factory makes on the opening thread while the scope is open belongs to
 * it, and {@link #close()} frees all of it at once, except the tensors {@link #keep kept}, which move to
 * the enclosing scope (the one open on the thread before this one, or none). Scopes can nest: a
 * sampling run opens one, and a sampler may open one per step inside it.
 * <pre>{@code
 * try (TensorScope run = tensors.openScope()) {
 *     Tensor x = sampler.sample(request);
 *     return x.toFloatArray();          // or run.keep(x) to hand the tensor out
 * }
 * }</pre>
 * A tensor used after its scope closed fails with an exception from its factory. Pure-Java tensors
 * live on the Java heap and need no scope: their factory's scope is {@link #NONE}. Not thread-safe:
 * a scope belongs to the thread that opened it.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface TensorScope extends AutoCloseable {

    /** The scope of factories whose tensors the garbage collector frees: keeps everything, frees nothing. */
    TensorScope NONE = new TensorScope() {
        @Override
        public <T extends Tensor> T keep(T t) {
            return t;
        }

        @Override
        public void close() {
            // nothing to free
        }

        @Override
        public String toString() {
            return "TensorScope.NONE";
        }
    };

    /**
     * Moves {@code t} to the enclosing scope, so that it survives {@link #close()}; a tensor of another
     * scope or factory is left as it is.
     *
     * @return {@code t}
     */
    <T extends Tensor> T keep(T t);

    /** Frees every tensor of this scope not kept. Idempotent. */
    @Override
    void close();
}
