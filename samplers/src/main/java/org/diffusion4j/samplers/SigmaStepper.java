package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;
import org.jspecify.annotations.Nullable;

/**
 * A σ-space sampler one model call at a time, for porting a diffusers loop:
 * <pre>{@code
 * SigmaStepper s = Samplers.dpmpp2mKarras(20).stepper(schedule, PredictionType.EPSILON);
 * Tensor x = z.times(s.initNoiseSigma());                        // latents * scheduler.init_noise_sigma
 * for (int i = 0; i < s.calls(); i++) {                          // for t in scheduler.timesteps
 *     Tensor out = model(s.scaleModelInput(x, i), s.timesteps()[i]);
 *     x = s.step(out, i, x);                                     // scheduler.step(out, t, x).prev_sample
 * }
 * Tensor sample = s.result(x);
 * }</pre>
 * The calls are the sampler's own, in the same order, with the same arithmetic: a loop of single steps gives what
 * {@link SigmaSampler#sample} gives for the same model, noise and unguided conditions. The state x is
 * variance-exploding (x_vp·√(1 + σ²)), as diffusers' for these schedulers; {@link #result} returns the
 * variance-preserving sample at the last level (at σ = 0 the two agree). Heun and PNDM ask the model more than once
 * per step ({@link #calls()} &gt; steps, their {@link #timesteps()} repeat, as diffusers'); Euler a and DPM++ 2M SDE
 * need a standard normal z at the calls where {@link #needsNoise} is true. Stateful (the multistep history): one
 * stepper per sampling run, calls in order. Not thread-safe.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1.0")
public final class SigmaStepper {
    private final SigmaMachine machine;
    private final PredictionType type;
    private final String name;
    private int next;

    SigmaStepper(SigmaMachine machine, PredictionType type, String name) {
        this.machine = machine;
        this.type = type;
        this.name = name;
    }

    /** The number of model calls. */
    public int calls() {
        return machine.calls();
    }

    /** The model time of every call (diffusers' {@code scheduler.timesteps}); repeats where a step asks twice. */
    public double[] timesteps() {
        double[] t = new double[calls()];
        for (int k = 0; k < t.length; k++) {
            t[k] = machine.modelLevel(k).modelTime();
        }
        return t;
    }

    /** The model's level (model time, ᾱ) at a call. */
    public Timestep level(int call) {
        check(call);
        return machine.modelLevel(call);
    }

    /** The plan step a call belongs to. */
    public int stepIndex(int call) {
        check(call);
        return machine.stepIndex(call);
    }

    /** diffusers' {@code init_noise_sigma}: √(σ_0² + 1); x_T = z·initNoiseSigma(). */
    public double initNoiseSigma() {
        return machine.tr.initNoiseSigma();
    }

    /** diffusers' {@code scale_model_input}: the model's input at a call, from the VE state. */
    public Tensor scaleModelInput(Tensor x, int call) {
        check(call);
        return x.times(machine.inputScale(call));
    }

    /** Whether a call's update needs a standard normal z (Euler a, DPM++ 2M SDE). */
    public boolean needsNoise(int call) {
        check(call);
        return machine.needsNoise(call);
    }

    /** {@link #step(Tensor, int, Tensor, Tensor)} without noise. */
    public Tensor step(Tensor modelOutput, int call, Tensor x) {
        return step(modelOutput, call, x, null);
    }

    /**
     * The state after a call.
     *
     * @param modelOutput the model's output at {@code scaleModelInput(x, call)} and {@code timesteps()[call]}, of the
     *                    stepper's prediction type and x's shape
     * @param call        the call, 0, 1, 2, … in order
     * @param x           the VE state of this call (the previous call's result, or x_T)
     * @param noise       z of x's shape where {@link #needsNoise} is true (ignored elsewhere)
     * @throws IllegalStateException    for a call out of order
     * @throws IllegalArgumentException for a missing noise tensor or a model output of the wrong shape
     */
    public Tensor step(Tensor modelOutput, int call, Tensor x, @Nullable Tensor noise) {
        check(call);
        if (call != next) {
            throw new IllegalStateException(name + " stepper: call " + call + " out of order; the next call is " + next
                    + " (a multistep sampler keeps its history: use one stepper per run)");
        }
        boolean needs = machine.needsNoise(call);
        if (needs && noise == null) {
            throw new IllegalArgumentException(
                    name + " stepper: call " + call + " needs a standard normal noise tensor");
        }
        Prediction p = new Prediction(type, modelOutput, scaleModelInput(x, call), machine.modelLevel(call));
        Tensor out = machine.step(p, call, x, needs ? noise : null);
        next++;
        return out;
    }

    /** The variance-preserving sample at the last level from the final VE state. */
    public Tensor result(Tensor x) {
        return machine.tr.scaleModelInput(x, machine.n);
    }

    /** The σ levels. */
    public SigmaTrajectory trajectory() {
        return machine.tr;
    }

    private void check(int call) {
        if (call < 0 || call >= machine.calls()) {
            throw new IndexOutOfBoundsException(
                    name + " stepper: call " + call + " outside [0, " + machine.calls() + ")");
        }
    }
}
