package org.diffusion4j.samplers;

import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.SamplerRun;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.tensor.Tensor;

/**
 * One run of a σ-space sampler: the state is the variance-exploding x = x_vp·√(1 + σ²); the model is asked
 * at x_vp ({@code scale_model_input}) and returns the denoised D(x; σ) = x̂0; listeners see x_vp.
 */
final class SigmaRun {
    final SamplerRun run;
    final SigmaTrajectory trajectory;
    final int n;

    private SigmaRun(SamplerRun run, SigmaTrajectory trajectory) {
        this.run = run;
        this.trajectory = trajectory;
        this.n = trajectory.steps();
    }

    static SigmaRun start(SampleRequest request, int steps, SigmaSpacing spacing, String name, StepListener listener) {
        SigmaTrajectory t = SigmaTrajectory.of(request.schedule(), steps, spacing);
        return new SigmaRun(SamplerRun.start(request, t.plan(), name, false, listener), t);
    }

    /** x_T = z·init_noise_sigma. */
    Tensor initial() {
        return run.initialState().times(trajectory.initNoiseSigma());
    }

    /** Reports step i finished with state x at level i + 1. */
    void completed(int i, Tensor x, Tensor denoised) {
        run.completed(trajectory.plan().get(i), trajectory.scaleModelInput(x, i + 1), denoised);
    }

    /** The variance-preserving result at the last level. */
    Tensor result(Tensor x) {
        return trajectory.scaleModelInput(x, n);
    }

    Tensor noise() {
        return run.noise();
    }
}
