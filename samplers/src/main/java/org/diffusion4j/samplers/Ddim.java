package org.diffusion4j.samplers;

import org.apiguardian.api.API;
import org.diffusion4j.api.Guided;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.SamplerRun;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.InPlace;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;
import org.diffusion4j.api.tensor.TensorScope;
import org.jspecify.annotations.Nullable;

/**
 * DDIM (Song et al. 2021, arXiv 2010.02502, eqs. 12 and 16) on any sub-trajectory of the schedule:
 * <pre>
 *   x_prev = √ᾱ_prev · x̂0 + √(1 − ᾱ_prev − σ_η²) · ε̂ + σ_η · z
 *   σ_η    = η · √((1 − ᾱ_prev)/(1 − ᾱ_t)) · √(1 − ᾱ_t/ᾱ_prev)
 * </pre>
 * η = 0 is deterministic; η = 1 has DDPM's posterior variance. Immutable and thread-safe.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Ddim implements Sampler {
    private final int steps;
    private final double eta;
    private final SampleProcessing processing;
    private final boolean useClippedModelOutput;

    /**
     * DDIM that recomputes ε̂ from the processed x̂0 ({@code useClippedModelOutput = true}, the SDK's default).
     *
     * @param steps      inference steps (1..T for discrete schedules)
     * @param eta        η ∈ [0, 1]
     * @param processing x̂0 clipping or thresholding
     */
    public Ddim(int steps, double eta, SampleProcessing processing) {
        this(steps, eta, processing, true);
    }

    /**
     * @param steps                 inference steps (1..T for discrete schedules)
     * @param eta                   η ∈ [0, 1]
     * @param processing            x̂0 clipping or thresholding
     * @param useClippedModelOutput with processing: true recomputes ε̂ = (x_t − α x̂0)/σ from the processed x̂0 (the
     *                              SDK's default: x_prev then stays on the line through x_t and the processed x̂0, a
     *                              consistent DDIM step); false keeps the model's raw ε̂ beside the processed x̂0, as
     *                              diffusers' {@code DDIMScheduler.step(use_clipped_model_output=False)}, its default
     */
    public Ddim(int steps, double eta, SampleProcessing processing, boolean useClippedModelOutput) {
        if (steps < 1) {
            throw new IllegalArgumentException("ddim: steps must be >= 1, got " + steps);
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("ddim: eta must be in [0, 1], got " + eta);
        }
        this.steps = steps;
        this.eta = eta;
        this.processing = processing;
        this.useClippedModelOutput = useClippedModelOutput;
    }

    /** Whether ε̂ is recomputed from the processed x̂0 (diffusers' {@code use_clipped_model_output}). */
    public boolean useClippedModelOutput() {
        return useClippedModelOutput;
    }

    public int steps() {
        return steps;
    }

    public double eta() {
        return eta;
    }

    public SampleProcessing processing() {
        return processing;
    }

    /** σ_η of a step (Song et al. 2021, eq. 16). */
    public static double sigmaEta(Step step, double eta) {
        Timestep t = step.current();
        Timestep p = step.previous();
        if (eta == 0) {
            return 0;
        }
        return eta * Math.sqrt(p.sigmaSquared() / t.sigmaSquared() * step.stepBeta());
    }

    /**
     * One deterministic-part update: √ᾱ_prev x̂0 + √(1 − ᾱ_prev − σ_η²) ε̂ (Song et al. 2021 eq. 12, the
     * first two terms), as one fused pass.
     */
    public static Tensor update(Tensor x0, Tensor eps, Step step, double sigmaEta) {
        Timestep p = step.previous();
        double dir = Math.sqrt(Math.max(0, p.sigmaSquared() - sigmaEta * sigmaEta));
        return x0.linear(p.alpha(), eps, dir);
    }

    @Override
    public Tensor sample(SampleRequest request, StepListener listener) {
        StepPlan plan = request.schedule().plan(steps);
        SamplerRun run = SamplerRun.start(request, plan, "ddim", false, listener);
        Tensor x = run.initialState();
        // Without a listener nobody but this loop holds a past state: the predictor and guidance only borrow
        // it for their call (the lending rule of Tensor and NoisePredictor). So a state is released as soon as
        // the next one exists: pure-Java states by one run-owned buffer, written in place from the second step
        // on (each step one fused pass; element i of the new state is formed from element i of x and of the
        // prediction only, so writing over x is safe once the predictor has returned), device states by a
        // tensor scope per step, closed one step later (it owns that step's state and temporaries). With a
        // listener, which may keep what it is shown, each step's scope still frees the step's temporaries at
        // once but hands the state and any x̂0 shown to the enclosing (run) scope.
        // The caller's initial state and the returned result are never written or freed here.
        // A NaN/∞ check costs about 3 fused passes on JDK 17 (C2 reduces each vector inside the loop; see
        // docs/benchmarks.md), so the pure-Java path checks the first step and the result; with a listener
        // every step is checked.
        boolean unobserved = run.listener() == StepListener.NONE;
        boolean recycle = unobserved && processing.isNone();
        TensorFactory tensors = request.tensors();
        float[] buffer = null; // the run-owned state of the fast path, allocated by its first step
        TensorScope held = TensorScope.NONE; // the scope owning x, when an unobserved step of this loop made it
        try {
            for (Step step : plan) {
                TensorScope stepScope = tensors.openScope();
                try {
                    Guided g = run.guide(x, step);
                    Prediction p = g.prediction();
                    Tensor noise = sigmaEta(step, eta) > 0 ? run.noise() : null;
                    if (recycle
                            && x instanceof ArrayTensor ax
                            && p.value() instanceof ArrayTensor
                            && (noise == null || noise instanceof ArrayTensor)) {
                        if (buffer == null || buffer.length != ax.size()) {
                            buffer = new float[Math.toIntExact(ax.size())]; // never the caller's initial state
                        }
                        stepInPlace(buffer, p, step, eta, (ArrayTensor) noise);
                        x = ArrayTensor.wrap(buffer, ax.shape());
                        if ((step.index() == 0 || step.isLast()) && !x.allFinite()) {
                            throw step.index() == 0 ? run.nonFinite(step) : run.nonFiniteResult();
                        }
                        run.completedChecked(step, x, p::sample);
                    } else if (processing.isNone()) {
                        x = fusedStep(p, step, eta, noise);
                        if (!unobserved) {
                            x = stepScope.keep(x);
                        }
                        run.completed(step, x, () -> stepScope.keep(p.x0()));
                    } else {
                        SampleProcessing.Estimates e = processing.apply(p);
                        if (!useClippedModelOutput) {
                            e = new SampleProcessing.Estimates(
                                    e.x0(), p.epsilon()); // the raw ε̂ beside the processed x̂0
                        }
                        x = step(e, step, eta, noise);
                        if (!unobserved) {
                            x = stepScope.keep(x);
                            stepScope.keep(e.x0());
                        }
                        run.completed(step, x, e.x0());
                    }
                } catch (RuntimeException | Error e) {
                    stepScope.close();
                    throw e;
                }
                if (unobserved) {
                    held.close(); // the previous state and the previous step's temporaries
                    held = stepScope;
                } else {
                    stepScope.close(); // the step's temporaries; its state and x̂0 went to the run's scope
                }
            }
            return held.keep(x);
        } finally {
            held.close();
        }
    }

    /**
     * One step from a raw model output, for porting a diffusers loop ({@code scheduler.step(model_output, t, x)}):
     * Song et al. 2021 eq. 12 with this sampler's η, x̂0 processing and {@code useClippedModelOutput}.
     *
     * @param x           x_t
     * @param modelOutput the model's output at (x_t, t)
     * @param type        what the model predicts
     * @param t           x_t's level
     * @param tPrev       the level to step to (ᾱ ≥ ᾱ_t)
     * @param noise       z, required when η &gt; 0 and σ_η &gt; 0
     */
    public Tensor step(
            Tensor x,
            Tensor modelOutput,
            org.diffusion4j.api.PredictionType type,
            Timestep t,
            Timestep tPrev,
            @Nullable Tensor noise) {
        Step s = new Step(0, 1, t, tPrev);
        Prediction p = new Prediction(type, modelOutput, x, t);
        if (processing.isNone()) {
            return fusedStep(p, s, eta, sigmaEta(s, eta) > 0 ? noise : null);
        }
        SampleProcessing.Estimates e = processing.apply(p);
        if (!useClippedModelOutput) {
            e = new SampleProcessing.Estimates(e.x0(), p.epsilon());
        }
        return step(e, s, eta, noise);
    }

    /**
     * The whole update of one step straight from a prediction, with x̂0 and ε̂ folded into one pass:
     * x̂0 = a_x x + a_o out and ε̂ = e_x x + e_o out are affine in the model output, so
     * x_prev = (√ᾱ_prev a_x + d e_x) x + (√ᾱ_prev a_o + d e_o) out + σ_η z with d = √(1 − ᾱ_prev − σ_η²).
     *
     * @param noise z, required when σ_η &gt; 0
     */
    public static Tensor fusedStep(Prediction p, Step step, double eta, @Nullable Tensor noise) {
        double[] c = fusedCoefficients(p, step, eta);
        if (c[2] > 0) {
            if (noise == null) {
                throw new IllegalArgumentException("ddim step with eta > 0 needs noise");
            }
            return p.x().linear(c[0], p.value(), c[1], noise, c[2]);
        }
        return p.x().linear(c[0], p.value(), c[1]);
    }

    /**
     * {@link #fusedStep} written into a caller-owned array in one pass, for pure-Java tensors.
     *
     * @param dest  receives x_prev; must not be held by anyone else. It may be the array of {@code p.x()} or of
     *              the prediction (an in-place step): element i of x_prev is formed from element i of each input only
     * @param noise z, required when σ_η &gt; 0
     */
    public static void stepInPlace(float[] dest, Prediction p, Step step, double eta, @Nullable ArrayTensor noise) {
        if (!(p.x() instanceof ArrayTensor x) || !(p.value() instanceof ArrayTensor out)) {
            throw new IllegalArgumentException("stepInPlace needs pure-Java tensors, got "
                    + p.x().factory().name());
        }
        double[] c = fusedCoefficients(p, step, eta);
        if (c[2] > 0) {
            if (noise == null) {
                throw new IllegalArgumentException("ddim step with eta > 0 needs noise");
            }
            InPlace.linear(dest, c[0], x, c[1], out, c[2], noise);
        } else {
            InPlace.linear(dest, c[0], x, c[1], out);
        }
    }

    /** The coefficients (of x, of the model output, of z) of {@link #fusedStep}. */
    static double[] fusedCoefficients(Prediction p, Step step, double eta) {
        double sEta = sigmaEta(step, eta);
        Timestep prev = step.previous();
        double d = Math.sqrt(Math.max(0, prev.sigmaSquared() - sEta * sEta));
        double[] a = p.type().sampleCoefficients(p.time());
        double[] e = p.type().epsilonCoefficients(p.time());
        return new double[] {prev.alpha() * a[0] + d * e[0], prev.alpha() * a[1] + d * e[1], sEta};
    }

    /**
     * The whole update of one step from the (processed) estimates: Song et al. 2021 eq. 12,
     * x_prev = √ᾱ_prev x̂0 + √(1 − ᾱ_prev − σ_η²) ε̂ + σ_η z.
     *
     * @param noise z, required when σ_η &gt; 0
     */
    public static Tensor step(SampleProcessing.Estimates e, Step step, double eta, @Nullable Tensor noise) {
        double sEta = sigmaEta(step, eta);
        Tensor x = update(e.x0(), e.eps(), step, sEta);
        if (sEta > 0) {
            if (noise == null) {
                throw new IllegalArgumentException("ddim step with eta > 0 needs noise");
            }
            x = x.linear(1, noise, sEta); // + σ_η z
        }
        return x;
    }

    @Override
    public String toString() {
        return "Ddim[steps=" + steps + ", eta=" + eta + ", processing=" + processing
                + (useClippedModelOutput || processing.isNone() ? "" : ", useClippedModelOutput=false") + "]";
    }
}
