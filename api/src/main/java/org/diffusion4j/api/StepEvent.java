package org.diffusion4j.api;

import java.util.concurrent.atomic.AtomicBoolean;
import org.diffusion4j.api.tensor.Tensor;

/** What a {@link StepListener} sees after one step. */
public final class StepEvent {
    private final Step step;
    private final Tensor state;
    private final Tensor predictedSample;
    private final AtomicBoolean cancelled;

    /**
     * @param step            the step just taken
     * @param state           x_{t_prev} after the step
     * @param predictedSample the x̂0 the step used
     * @param cancelled       the run's cancellation flag
     */
    public StepEvent(Step step, Tensor state, Tensor predictedSample, AtomicBoolean cancelled) {
        this.step = step;
        this.state = state;
        this.predictedSample = predictedSample;
        this.cancelled = cancelled;
    }

    public Step step() {
        return step;
    }

    /** 0-based index of the step just taken. */
    public int index() {
        return step.index();
    }

    /** Number of steps in the run. */
    public int count() {
        return step.count();
    }

    /** The state after the step. */
    public Tensor state() {
        return state;
    }

    /** The x̂0 the step used. */
    public Tensor predictedSample() {
        return predictedSample;
    }

    /** Asks the sampler to stop; it throws {@link SamplingCancelledException} before the next step. */
    public void cancel() {
        cancelled.set(true);
    }
}
