package org.diffusion4j.samplers;

import java.util.Objects;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * One run of a σ-space sampler as a sequence of model calls: call k asks the model at {@link #modelStep(int)} with
 * the variance-exploding state times {@link #inputScale(int)}, and {@link #step} turns its prediction into the next
 * state. {@link SigmaSampler#sample} and {@link SigmaStepper} both drive it, so a loop of single steps is the
 * sampler's own loop. Mutable (the multistep history); one instance per run.
 */
abstract class SigmaMachine {
    final SigmaTrajectory tr;
    final int n;
    /** D at the first call of the step last begun (what listeners see as x̂0). */
    @Nullable
    Tensor denoised;

    SigmaMachine(SigmaTrajectory tr) {
        this.tr = tr;
        this.n = tr.steps();
    }

    /**
     * {@link #denoised} once the step of the call just made is to be reported. Every {@link #step} sets it at its
     * step's first call, and a step completes at or after that call, so it is there.
     */
    final Tensor completedDenoised() {
        return Objects.requireNonNull(denoised, "denoised: no step has begun");
    }

    /**
     * A value an earlier call of the current step stored, read by the step's later calls (Heun's and PNDM's). Both
     * drivers make the calls in order ({@link SigmaSampler#sample}'s loop; {@link SigmaStepper#step} rejects any
     * other order), so the earlier call has run and the value is there.
     */
    static Tensor stored(@Nullable Tensor value, String what) {
        return Objects.requireNonNull(value, what + " is missing: a later call of a step ran before its first call");
    }

    /** The number of model calls. */
    int calls() {
        return n;
    }

    /** The plan step call k belongs to. */
    int stepIndex(int k) {
        return k;
    }

    /** Whether call k finishes its step. */
    boolean completes(int k) {
        return true;
    }

    /** Whether call k's update draws a standard normal z. */
    boolean needsNoise(int k) {
        return false;
    }

    /** The step the model (and guidance) sees at call k: the plan's own, by default. */
    Step modelStep(int k) {
        return tr.plan().get(stepIndex(k));
    }

    /** The model's level at call k. */
    final Timestep modelLevel(int k) {
        return modelStep(k).current();
    }

    /** The factor from the VE state to the model's VP input: 1/√(σ² + 1) of the state's level. */
    double inputScale(int k) {
        return scaleAt(stepIndex(k));
    }

    /** 1/√(σ_i² + 1). */
    final double scaleAt(int i) {
        return 1 / Math.sqrt(tr.sigma(i) * tr.sigma(i) + 1);
    }

    /** A step of index i seen at level j ≠ i inside it (Heun's and PNDM's extra calls). */
    final Step innerStep(int i, int j) {
        return new Step(i, n, tr.level(j), tr.level(Math.min(j + 1, n)));
    }

    /**
     * The state after call k.
     *
     * @param p     the model's prediction at call k
     * @param x     the VE state the model was asked at
     * @param noise z when {@link #needsNoise(int)}, else null
     */
    abstract Tensor step(Prediction p, int k, Tensor x, @Nullable Tensor noise);
}
