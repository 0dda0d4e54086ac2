package org.diffusion4j.pipeline.diffusers;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;

/**
 * A {@link StepPlan} of explicit (current, previous) pairs that need not be contiguous, as diffusers'
 * own previous-timestep rule produces. Every {@link Step} is validated by its own constructor (no step
 * adds noise).
 */
final class PlanOfPairs {

    private PlanOfPairs() {}

    static StepPlan of(List<Timestep> current, List<Timestep> previous) {
        int n = current.size();
        List<Step> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            steps.add(new Step(i, n, current.get(i), previous.get(i)));
        }
        return StepPlan.of(steps);
    }
}
