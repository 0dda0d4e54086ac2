package org.diffusion4j.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The explicit, immutable list of reverse steps a sampler runs, made by a {@link Schedule}. Samplers
 * take each step's previous level from here and never recompute it themselves.
 */
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
