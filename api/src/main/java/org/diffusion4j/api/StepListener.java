package org.diffusion4j.api;

import org.apiguardian.api.API;

/**
 * Called after every sampler step, on the sampling thread: to show progress, inspect the predicted
 * x̂0, or cancel the run with {@link StepEvent#cancel()}. Pass it as the last argument, so Kotlin can
 * use a trailing lambda.
 */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1.0")
public interface StepListener {

    /** A listener that does nothing. */
    StepListener NONE = e -> {};

    void onStep(StepEvent event);
}
