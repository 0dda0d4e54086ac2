package org.diffusion4j.samplers;

import org.diffusion4j.api.Sampler;

/** What the σ-space samplers share: a step count and a {@link SigmaSpacing}. Immutable. */
public abstract class SigmaSampler implements Sampler {
    private final int steps;
    private final SigmaSpacing spacing;

    SigmaSampler(String name, int steps, SigmaSpacing spacing) {
        if (steps < 1) {
            throw new IllegalArgumentException(name + ": steps must be >= 1, got " + steps);
        }
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
}
