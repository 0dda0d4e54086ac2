package org.diffusion4j.pipeline.diffusers;

import java.util.OptionalInt;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;

/**
 * The schedule made by schedule plugin {@code diffusers}: the native schedule equivalent to an imported
 * {@code scheduler_config.json} (wrapped in {@link DiffusersCompatibleSchedule} when asked), together
 * with what the import found, so the pipeline can take the sampler settings and prediction type from it.
 */
public final class DiffusersSchedule implements Schedule {
    private final Schedule schedule;
    private final DiffusersImport imported;
    private final boolean diffusersCompatible;

    DiffusersSchedule(Schedule schedule, DiffusersImport imported, boolean diffusersCompatible) {
        this.schedule = diffusersCompatible ? new DiffusersCompatibleSchedule(schedule) : schedule;
        this.imported = imported;
        this.diffusersCompatible = diffusersCompatible;
    }

    /** What the import found. */
    public DiffusersImport imported() {
        return imported;
    }

    /** True when trajectories follow diffusers' DDIM previous-timestep rule. */
    public boolean diffusersCompatible() {
        return diffusersCompatible;
    }

    /** The schedule sampled with (the compatible wrapper when asked). */
    public Schedule schedule() {
        return schedule;
    }

    @Override
    public Timestep at(double modelTime) {
        return schedule.at(modelTime);
    }

    @Override
    public StepPlan plan(int steps) {
        return schedule.plan(steps);
    }

    @Override
    public Timestep trainingTime(double u) {
        return schedule.trainingTime(u);
    }

    @Override
    public OptionalInt trainSteps() {
        return schedule.trainSteps();
    }

    @Override
    public String toString() {
        return "Diffusers[" + imported.className() + ", " + schedule + "]";
    }
}
