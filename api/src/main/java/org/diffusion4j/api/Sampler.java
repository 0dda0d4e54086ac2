package org.diffusion4j.api;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * A reverse-process update rule (DDPM, DDIM, ...). A sampler is an immutable configuration; every call
 * of {@link #sample} keeps its state in a run of its own, so one sampler serves many threads at once.
 */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1.0")
public interface Sampler {

    /**
     * Runs the reverse process and returns x_0, shape {@code [B, ...sampleShape]}.
     *
     * @param request  what to sample
     * @param listener called after every step; may cancel
     * @throws SamplingCancelledException when the listener cancelled
     */
    Tensor sample(SampleRequest request, StepListener listener);

    /** {@link #sample(SampleRequest, StepListener)} without a listener. */
    default Tensor sample(SampleRequest request) {
        return sample(request, StepListener.NONE);
    }
}
