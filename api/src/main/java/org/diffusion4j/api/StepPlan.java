package org.diffusion4j.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apiguardian.api.API;

/**
 * The explicit, immutable list of reverse steps a sampler runs, made by a {@link Schedule}. Samplers
 * take each step's previous level from here and never recompute it themselves.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class StepPlan implements Iterable<Step> {
    private final List<Step> steps;

    private StepPlan(List<Step> steps) {
        this.steps = steps;
    }

    /**
     * The plan through the given levels, noisiest first; consecutive pairs become steps.
     *
     * @param levels n + 1 levels for n steps, of strictly increasing ᾱ
     */
    public static StepPlan through(List<Timestep> levels) {
        if (levels.size() < 2) {
            throw new IllegalArgumentException("a step plan needs at least two levels, got " + levels.size());
        }
        int n = levels.size() - 1;
        List<Step> s = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            s.add(new Step(i, n, levels.get(i), levels.get(i + 1)));
        }
        return new StepPlan(List.copyOf(s));
    }

    /**
     * A plan from explicit steps, for trajectories that are not a chain of consecutive levels (for
     * example diffusers' own previous-timestep rule). Steps must be indexed 0..n−1 with count n.
     */
    public static StepPlan of(List<Step> steps) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a step plan needs at least one step");
        }
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (s.index() != i || s.count() != steps.size()) {
                throw new IllegalArgumentException("step " + i + " is numbered " + s.index() + " of " + s.count()
                        + "; expected " + i + " of " + steps.size());
            }
        }
        return new StepPlan(List.copyOf(steps));
    }

    public int size() {
        return steps.size();
    }

    public Step get(int i) {
        return steps.get(i);
    }

    public List<Step> steps() {
        return steps;
    }

    /** The noisiest level, where sampling starts. */
    public Timestep start() {
        return steps.get(0).current();
    }

    /** The model times of the steps, noisiest first (diffusers' {@code scheduler.timesteps}). */
    public double[] modelTimes() {
        return steps.stream().mapToDouble(s -> s.current().modelTime()).toArray();
    }

    @Override
    public Iterator<Step> iterator() {
        return steps.iterator();
    }

    @Override
    public String toString() {
        return "StepPlan" + java.util.Arrays.toString(modelTimes());
    }
}
