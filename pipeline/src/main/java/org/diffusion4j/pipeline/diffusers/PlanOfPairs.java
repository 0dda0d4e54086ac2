package org.diffusion4j.pipeline.diffusers;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;

/**
 * A {@link StepPlan} of explicit (current, previous) pairs that need not be contiguous. The api offers
 * only {@link StepPlan#through} (contiguous levels); until it has a public factory for explicit steps,
 * this calls the plan's private constructor. Every {@link Step} is still validated by its own
 * constructor (no step adds noise).
 */
final class PlanOfPairs {
    private static final Constructor<StepPlan> CTOR;

    static {
        try {
            CTOR = StepPlan.class.getDeclaredConstructor(List.class);
            CTOR.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExceptionInInitializerError("cannot build explicit step plans: " + e);
        }
    }

    private PlanOfPairs() {
    }

    static StepPlan of(List<Timestep> current, List<Timestep> previous) {
        int n = current.size();
        List<Step> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            steps.add(new Step(i, n, current.get(i), previous.get(i)));
        }
        try {
            return CTOR.newInstance(List.copyOf(steps));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build an explicit step plan: " + e, e);
        }
    }
}
