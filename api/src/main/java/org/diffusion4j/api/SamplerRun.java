package org.diffusion4j.api;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apiguardian.api.API;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The per-run state every sampler needs, kept out of the (immutable, shared) sampler: the plan, the
 * run's noise stream, the cancellation flag and the listener. Sampler plugins use it too:
 * <pre>{@code
 * SamplerRun run = SamplerRun.start(request, plan, "my-sampler", false, listener);
 * Tensor x = run.initialState();
 * for (Step step : plan) {
 *     Prediction p = run.guide(x, step).prediction();
 *     x = ...update...;
 *     run.completed(step, x, p.x0());
 * }
 * }</pre>
 * Not thread-safe: one run belongs to one call of {@link Sampler#sample}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class SamplerRun {
    private final SampleRequest request;
    private final StepPlan plan;
    private final String samplerName;
    private final StepListener listener;
    private final NoiseStream noise;
    private final AtomicBoolean cancelled = new AtomicBoolean();

    private SamplerRun(SampleRequest request, StepPlan plan, String samplerName, StepListener listener) {
        this.request = request;
        this.plan = plan;
        this.samplerName = samplerName;
        this.listener = listener;
        this.noise = request.openNoise();
    }

    /**
     * Starts a run, checking that the request's guidance fits the sampler.
     *
     * @param canShiftMean whether the sampler applies {@link Guided#meanShift()} (DDPM-style samplers)
     * @throws IllegalArgumentException when the guidance needs a mean shift the sampler cannot apply
     */
    public static SamplerRun start(
            SampleRequest request, StepPlan plan, String samplerName, boolean canShiftMean, StepListener listener) {
        if (request.guidance().usesMeanShift() && !canShiftMean) {
            throw new IllegalArgumentException("guidance '" + request.guidance().describe()
                    + "' shifts the DDPM posterior mean"
                    + " (Dhariwal & Nichol Algorithm 1), which sampler '" + samplerName + "' has no mean to apply to;"
                    + " use the epsilon-correction placement of classifier guidance, or the ddpm sampler");
        }
        return new SamplerRun(request, plan, samplerName, listener);
    }

    public SampleRequest request() {
        return request;
    }

    public StepPlan plan() {
        return plan;
    }

    /** x_T: the request's initial state, or a standard normal draw from the run's noise stream. */
    public Tensor initialState() {
        return request.initialState().map(x -> request.tensors().adopt(x)).orElseGet(this::noise);
    }

    /** The next standard normal draw of shape {@code [B, ...sampleShape]}. */
    public Tensor noise() {
        return noise.next(request.sampleShape(), request.tensors());
    }

    /** The listener of this run ({@link StepListener#NONE} when the caller gave none). */
    public StepListener listener() {
        return listener;
    }

    /** Asks the guidance (and through it the model) for this step's prediction. */
    public Guided guide(Tensor x, Step step) {
        Guided g = request.guidance().guide(new GuidanceContext(x, step, request.conditions(), request.predictor()));
        if (g.meanShift().isPresent() && !request.guidance().usesMeanShift()) {
            throw new IllegalStateException("guidance '" + request.guidance().describe()
                    + "' returned a mean shift but does not declare usesMeanShift()");
        }
        return g;
    }

    /** The error for a state with NaN or infinite values after {@code step}. */
    public IllegalStateException nonFinite(Step step) {
        return new IllegalStateException("sampler '" + samplerName + "', step " + step.index() + " (model time "
                + step.current().modelTime() + "): the state contains NaN or infinite values; the model's prediction"
                + " there was not finite, or the update overflowed");
    }

    /** The error for a final sample with NaN or infinite values, when the steps were not checked one by one. */
    public IllegalStateException nonFiniteResult() {
        return new IllegalStateException(
                "sampler '" + samplerName + "': the sample contains NaN or infinite values; the"
                        + " model's predictions became non-finite at some step (sample with a StepListener to have every step"
                        + " checked and the first bad one named)");
    }

    /**
     * Checks the new state for NaN/∞, reports the finished step to the listener, then honours a
     * cancellation.
     */
    public void completed(Step step, Tensor state, Tensor predictedSample) {
        completed(step, state, () -> predictedSample);
    }

    /** {@link #completed(Step, Tensor, Tensor)} with x̂0 computed only if the listener asks for it. */
    public void completed(Step step, Tensor state, java.util.function.Supplier<Tensor> predictedSample) {
        if (!state.allFinite()) {
            throw nonFinite(step);
        }
        completedChecked(step, state, predictedSample);
    }

    /** Like {@link #completed(Step, Tensor, java.util.function.Supplier)} for a state the sampler already checked. */
    public void completedChecked(Step step, Tensor state, java.util.function.Supplier<Tensor> predictedSample) {
        if (listener == StepListener.NONE) {
            return;
        }
        listener.onStep(new StepEvent(step, state, predictedSample, cancelled));
        if (cancelled.get()) {
            throw new SamplingCancelledException(step.index() + 1, step.count());
        }
    }
}
