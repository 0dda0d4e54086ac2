package org.diffusion4j.api;

import java.util.concurrent.CancellationException;
import org.apiguardian.api.API;

/** Thrown by a sampler when a {@link StepListener} cancelled the run. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class SamplingCancelledException extends CancellationException {
    private final int completedSteps;

    public SamplingCancelledException(int completedSteps, int totalSteps) {
        super("sampling cancelled after " + completedSteps + " of " + totalSteps + " steps");
        this.completedSteps = completedSteps;
    }

    /** Steps finished before the cancellation. */
    public int completedSteps() {
        return completedSteps;
    }
}
