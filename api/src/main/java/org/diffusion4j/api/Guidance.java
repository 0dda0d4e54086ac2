package org.diffusion4j.api;

import org.apiguardian.api.API;

/**
 * Turns one or more model evaluations into the prediction a sampler uses at one step. Without
 * guidance that is the conditional prediction; classifier-free guidance mixes conditional and
 * unconditional ones; classifier guidance adds a classifier's gradient. Guidance composes: one
 * implementation can wrap another.
 *
 * <p>Implementations are immutable and thread-safe; all per-step data arrives in the
 * {@link GuidanceContext}.
 */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1.0")
public interface Guidance {

    /** No guidance: the model's prediction for the requested conditions. */
    Guidance NONE = ctx -> Guided.of(ctx.predict(ctx.x(), ctx.conditions()));

    /**
     * The unconditional model: every sample is predicted under the null condition ∅, whatever was
     * requested. The base of classifier guidance, which steers p(x) with p(y|x)^s.
     */
    Guidance UNCONDITIONAL = ctx ->
            Guided.of(ctx.predict(ctx.x(), Conditions.unconditional(ctx.x().batchSize())));

    /** The guided prediction for the context's state and step. */
    Guided guide(GuidanceContext ctx);

    /**
     * True when {@link #guide} may return a mean shift, which only ancestral (DDPM) samplers can
     * apply; samplers refuse such guidance up front.
     */
    default boolean usesMeanShift() {
        return false;
    }

    /** A short description for logs and reports. */
    default String describe() {
        return this == NONE
                ? "none"
                : this == UNCONDITIONAL ? "unconditional" : getClass().getSimpleName();
    }
}
