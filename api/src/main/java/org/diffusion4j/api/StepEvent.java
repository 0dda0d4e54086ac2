package org.diffusion4j.api;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/** What a {@link StepListener} sees after one step. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class StepEvent {
    private final Step step;
    private final Tensor state;
    private final Supplier<Tensor> predictedSample;
    private @org.jspecify.annotations.Nullable Tensor x0;
    private final AtomicBoolean cancelled;

    /**
     * @param step            the step just taken
     * @param state           x_{t_prev} after the step
     * @param predictedSample the x̂0 the step used, computed only if a listener asks for it (samplers
     *                        that fuse x̂0 into their update never form it otherwise)
     * @param cancelled       the run's cancellation flag
     */
    public StepEvent(Step step, Tensor state, Supplier<Tensor> predictedSample, AtomicBoolean cancelled) {
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

    /** The x̂0 the step used (computed on first call). */
    public Tensor predictedSample() {
        Tensor t = x0;
        if (t == null) {
            t = predictedSample.get();
            x0 = t;
        }
        return t;
    }

    /** Asks the sampler to stop; it throws {@link SamplingCancelledException} before the next step. */
    public void cancel() {
        cancelled.set(true);
    }
}
