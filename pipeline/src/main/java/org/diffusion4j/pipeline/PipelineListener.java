package org.diffusion4j.pipeline;

/** Watches a pipeline run on the sampling thread: progress after every step, and cancellation. */
public interface PipelineListener {

    /** A listener that does nothing. */
    PipelineListener NONE = p -> {};

    /** Called after every sampler step. */
    void onProgress(Progress progress);

    /** Called when a variant (one sweep value) starts. */
    default void onVariant(int index, int count, String label) {}

    /** Polled after every step; true cancels the run with {@link org.diffusion4j.api.SamplingCancelledException}. */
    default boolean cancelled() {
        return false;
    }
}
