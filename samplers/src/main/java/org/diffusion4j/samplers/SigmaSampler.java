package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.tensor.Tensor;

/**
 * What the σ-space samplers share: a step count, a {@link SigmaSpacing}, and one loop over their model calls, which
 * {@link #stepper} exposes call by call. Immutable.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public abstract class SigmaSampler implements Sampler {
    private final String name;
    private final int steps;
    private final SigmaSpacing spacing;

    SigmaSampler(String name, int steps, SigmaSpacing spacing) {
        if (steps < 1) {
            throw new IllegalArgumentException(name + ": steps must be >= 1, got " + steps);
        }
        this.name = name;
        this.steps = steps;
        this.spacing = spacing;
    }

    public int steps() {
        return steps;
    }

    public SigmaSpacing spacing() {
        return spacing;
    }

    String fields() {
        return "steps=" + steps + ", spacing=" + spacing;
    }

    /** A fresh run's model calls on the trajectory (the schedule for stage levels inside a step). */
    abstract SigmaMachine machine(SigmaTrajectory trajectory, Schedule schedule);

    /**
     * A single-step driver of this sampler on a schedule, for a model of the given prediction type (see
     * {@link SigmaStepper}).
     */
    public SigmaStepper stepper(Schedule schedule, PredictionType type) {
        return new SigmaStepper(machine(SigmaTrajectory.of(schedule, steps, spacing), schedule), type, name);
    }

    @Override
    public final Tensor sample(SampleRequest request, StepListener listener) {
        SigmaRun r = SigmaRun.start(request, steps, spacing, name, listener);
        SigmaMachine m = machine(r.trajectory, request.schedule());
        Tensor x = r.initial();
        for (int k = 0; k < m.calls(); k++) {
            Prediction p = r.run.guide(x.times(m.inputScale(k)), m.modelStep(k)).prediction();
            x = m.step(p, k, x, m.needsNoise(k) ? r.noise() : null);
            if (m.completes(k)) {
                r.completed(m.stepIndex(k), x, m.completedDenoised());
            }
        }
        return r.result(x);
    }
}
