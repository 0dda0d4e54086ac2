package org.diffusion4j.it;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.testkit.ErrorBound;
import org.diffusion4j.testkit.FixtureBounds;
import org.diffusion4j.testkit.FixtureBounds.MixtureOutput;

/**
 * The tolerances of the cross-backend tests, derived from {@link FixtureBounds}: one float32
 * evaluation of a fixture network is within the bound of the exact value, so ONNX Runtime and PyTorch
 * (whatever kernels they pick on a CPU) are within twice the bound of each other.
 */
final class Bounds {
    private Bounds() {
    }

    /** ε of the tiny UNet on two backends, relative to max(1, |ε|): 2 × {@link FixtureBounds#tinyUnet()}. */
    static final double TINY_UNET_TWO_BACKENDS = 2 * FixtureBounds.tinyUnet();

    /** The fixtures' labels: class k, or 3 for ∅. */
    static int[] labels(Conditions c) {
        int[] y = new int[c.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = c.get(i) instanceof Condition.Label l ? l.value() : FixtureBounds.K;
        }
        return y;
    }

    /** Per-element bound of one float32 evaluation of gmm_eps / gmm_grad at x, against the exact value. */
    static double[] mixture(MixtureOutput output, Tensor x, Conditions c, Timestep level) {
        return FixtureBounds.mixture(output, x.toFloatArray(), labels(c), level.alphaBar());
    }

    /** {@code bound} plus the float32 rounding u·|want| of a double-precision reference that was rounded once. */
    static double[] plusReferenceRounding(double[] bound, Tensor want) {
        float[] w = want.toFloatArray();
        double[] out = new double[bound.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = bound[i] + ErrorBound.U32 * Math.abs(w[i]);
        }
        return out;
    }

    /** Element-wise a·bound, e.g. 2 for two implementations that each satisfy the bound. */
    static double[] times(double a, double[] bound) {
        double[] out = new double[bound.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a * bound[i];
        }
        return out;
    }

    /**
     * The per-element bound between two float32 evaluations of fixture {@code name} (two backends, or
     * a backend and the recorded PyTorch output) at x, where {@code want} is one of them: twice the
     * bound of one evaluation — relative to max(1, |ε|) for the UNet and the linear model, per
     * element for the mixture.
     */
    static double[] twoEvaluations(String name, Tensor x, Timestep level, Conditions c, Tensor want) {
        if (name.equals("gmm_eps")) {
            return times(2, mixture(MixtureOutput.EPSILON, x, c, level));
        }
        double relative;
        if (name.startsWith("tiny_unet")) {
            relative = FixtureBounds.tinyUnet();
        } else if (name.startsWith("linear")) {
            relative = FixtureBounds.linear(x.abs().max());
        } else {
            throw new IllegalArgumentException("no error bound for fixture " + name);
        }
        return relative(2 * relative, want);
    }

    /** rel · max(1, |want_i|) per element. */
    static double[] relative(double rel, Tensor want) {
        float[] w = want.toFloatArray();
        double[] out = new double[w.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = rel * Math.max(1, Math.abs(w[i]));
        }
        return out;
    }

    /**
     * A classifier that passes every call through and records the largest per-element bound of the
     * mixture gradient (absolute) at the call's input, for the bound of a classifier-guided run.
     */
    static final class RecordingClassifier implements ClassifierGradient {
        private final ClassifierGradient inner;
        private final MixtureOutput route;
        private final List<Double> perCall = new ArrayList<>();

        RecordingClassifier(ClassifierGradient inner, MixtureOutput route) {
            this.inner = inner;
            this.route = route;
        }

        @Override
        public Tensor gradLogProb(Tensor x, Timestep time, Conditions labels) {
            double[] b = mixture(route, x, labels, time);
            double worst = 0;
            for (double v : b) {
                worst = Math.max(worst, v);
            }
            perCall.add(worst * time.sigma());
            return inner.gradLogProb(x, time, labels);
        }

        /** Σ over calls of σ_t · max bound: what the gradient adds to ε̂ = ε − s σ ∇log p, per unit of s. */
        double sigmaWeightedSum() {
            return perCall.stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    /**
     * A predictor that passes every call through and records the model's relative error bound at the
     * call's input (relative to max(1, |ε|)): constant for the tiny UNet, from the input x for the
     * mixture. {@link #trajectory} turns the record into the bound of a sampling run's result.
     */
    static final class Recording implements NoisePredictor {
        private final NoisePredictor inner;
        private final String model;
        /** The largest per-call bound at each model time (one entry per sampler step). */
        private final java.util.Map<Double, Double> perStep = new java.util.LinkedHashMap<>();

        Recording(NoisePredictor inner, String model) {
            if (!model.startsWith("tiny_unet") && !model.equals("gmm_eps")) {
                throw new IllegalArgumentException("no error bound for fixture " + model);
            }
            this.inner = inner;
            this.model = model;
        }

        @Override
        public Tensor predict(Tensor x, Timestep time, Conditions conditions) {
            Tensor eps = inner.predict(x, time, conditions);
            double bound;
            if (model.startsWith("tiny_unet")) {
                bound = FixtureBounds.tinyUnet();
            } else {
                double[] b = mixture(MixtureOutput.EPSILON, x, conditions, time);
                float[] e = eps.toFloatArray();
                double worst = 0;
                for (int i = 0; i < b.length; i++) {
                    worst = Math.max(worst, b[i] / Math.max(1, Math.abs(e[i])));
                }
                bound = worst;
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
         * The bound between this run's result and another backend's run of the same request, relative
         * to max(1, |x|): {@link FixtureBounds#trajectory} with twice each call's model bound (two
         * backends), summed over the steps; the guidance amplification covers ε_c and ε_u each within
         * the model bound, whether they came from one call or two.
         */
        double trajectory(double guidanceAmplification) {
            double sum = 0;
            for (double b : perStep.values()) {
                sum += FixtureBounds.trajectory(2 * b, 1, guidanceAmplification);
            }
            return sum;
        }
    }
}
