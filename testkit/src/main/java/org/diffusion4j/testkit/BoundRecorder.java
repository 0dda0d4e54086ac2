package org.diffusion4j.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.testkit.FixtureBounds.MixtureOutput;

/**
 * Wraps a fixture model during a sampling run and records, per sampler step (model time), the
 * model's float32 error bound at the inputs the run actually met — from the inputs, never from an
 * observed error — so that a test can bound the run's result with {@link FixtureBounds#trajectory}.
 * Not thread-safe: one recorder per run.
 */
public final class BoundRecorder implements NoisePredictor {
    private final NoisePredictor inner;
    private final String model;
    private final Map<Double, Double> perStep = new LinkedHashMap<>();

    /**
     * @param inner the model
     * @param model the fixture's name: {@code tiny_unet*}, {@code linear*} or {@code gmm_eps}
     */
    public BoundRecorder(NoisePredictor inner, String model) {
        if (!model.startsWith("tiny_unet") && !model.startsWith("linear") && !model.equals("gmm_eps")) {
            throw new IllegalArgumentException("no error bound for fixture " + model);
        }
        this.inner = inner;
        this.model = model;
    }

    @Override
    public Tensor predict(Tensor x, Timestep time, Conditions conditions) {
        Tensor eps = inner.predict(x, time, conditions);
        double bound;
        if (model.equals("gmm_eps")) {
            double[] b = FixtureBounds.mixture(MixtureOutput.EPSILON, x, conditions, time);
            float[] e = eps.toFloatArray();
            bound = 0;
            for (int i = 0; i < b.length; i++) {
                bound = Math.max(bound, b[i] / Math.max(1, Math.abs(e[i])));
            }
        } else {
            bound = FixtureBounds.oneEvaluation(model, x);
        }
        perStep.merge(time.modelTime(), bound, Math::max);
        return eps;
    }

    @Override
    public PredictionType predictionType() {
        return inner.predictionType();
    }

    @Override
    public OptionalInt fixedBatchSize() {
        return inner.fixedBatchSize();
    }

    /**
     * The bound, relative to max(1, |x|), between this run's result and a run of the same request
     * whose model calls each satisfy {@code evaluations} times the recorded bound (2 for another
     * float32 backend, 1 for an exact reference): {@link FixtureBounds#trajectory} summed over the
     * recorded steps. The guidance amplification covers ε_c and ε_u each within the model bound,
     * whether they came from one call or two.
     */
    public double trajectory(double evaluations, double guidanceAmplification) {
        double sum = 0;
        for (double b : perStep.values()) {
            sum += FixtureBounds.trajectory(evaluations * b, 1, guidanceAmplification);
        }
        return sum;
    }

    /** The model calls' largest bound per step, in step order. */
    public double[] perStep() {
        return perStep.values().stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Wraps a mixture classifier ({@code gmm_grad}, or autograd through {@code gmm_logits}) and
     * records σ_t · max_i bound_i per call: what the gradient's error adds to ε̂ = ε − s σ ∇log p,
     * per unit of the guidance scale s.
     */
    public static final class Classifier implements ClassifierGradient {
        private final ClassifierGradient inner;
        private final MixtureOutput route;
        private double sigmaWeightedSum;

        public Classifier(ClassifierGradient inner, MixtureOutput route) {
            if (route == MixtureOutput.EPSILON) {
                throw new IllegalArgumentException("a classifier returns a gradient, not ε");
            }
            this.inner = inner;
            this.route = route;
        }

        @Override
        public Tensor gradLogProb(Tensor x, Timestep time, Conditions labels) {
            double worst = 0;
            for (double v : FixtureBounds.mixture(route, x, labels, time)) {
                worst = Math.max(worst, v);
            }
            sigmaWeightedSum += worst * time.sigma();
            return inner.gradLogProb(x, time, labels);
        }

        /** Σ over calls of σ_t · max bound. */
        public double sigmaWeightedSum() {
            return sigmaWeightedSum;
        }
    }
}
