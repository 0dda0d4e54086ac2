package org.diffusion4j.api;

import java.util.concurrent.CancellationException;

/** Thrown by a sampler when a {@link StepListener} cancelled the run. */
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
