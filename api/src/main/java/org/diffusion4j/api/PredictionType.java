package org.diffusion4j.api;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * What a network predicts from {@code x_t = α x0 + σ ε}: the noise ε, the clean sample x0, or the
 * velocity {@code v = α ε − σ x0} (Salimans &amp; Ho 2022, arXiv 2202.00512, §4). The conversions use α² + σ² = 1.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public enum PredictionType {
    /** ε-prediction (DDPM). */
    EPSILON,
    /** x0-prediction (diffusers calls it {@code "sample"}). */
    SAMPLE,
    /** v-prediction. */
    V;

    /**
     * The coefficients (c_x, c_out) with ε = c_x·x + c_out·out for an output {@code out} of this type:
     * conversions are affine in the output, so samplers can fuse them into their update.
     */
    public double[] epsilonCoefficients(Timestep t) {
        double a = t.alpha();
        double s = t.sigma();
        return switch (this) {
            case EPSILON -> new double[] {0, 1};
            case SAMPLE -> new double[] {1 / nonZero(s, "sigma", "x0 to epsilon", t), -a / s}; // ε = (x − α x0)/σ
            case V -> new double[] {s, a}; // ε = σ x + α v
        };
    }

    /** The coefficients (c_x, c_out) with x0 = c_x·x + c_out·out for an output {@code out} of this type. */
    public double[] sampleCoefficients(Timestep t) {
        double a = t.alpha();
        double s = t.sigma();
        return switch (this) {
            case EPSILON -> new double[] {1 / nonZero(a, "alpha", "epsilon to x0", t), -s / a}; // x0 = (x − σ ε)/α
            case SAMPLE -> new double[] {0, 1};
            case V -> new double[] {a, -s}; // x0 = α x − σ v
        };
    }

    /** Converts a model output of this type to ε. */
    public Tensor toEpsilon(Tensor out, Tensor x, Timestep t) {
        if (this == EPSILON) {
            return out;
        }
        double[] c = epsilonCoefficients(t);
        return x.linear(c[0], out, c[1]);
    }

    /** Converts a model output of this type to x0. */
    public Tensor toSample(Tensor out, Tensor x, Timestep t) {
        if (this == SAMPLE) {
            return out;
        }
        double[] c = sampleCoefficients(t);
        return x.linear(c[0], out, c[1]);
    }

    /** Converts a model output of this type to v. */
    public Tensor toV(Tensor out, Tensor x, Timestep t) {
        double a = t.alpha();
        double s = t.sigma();
        return switch (this) {
            case EPSILON -> out.linear(1 / nonZero(a, "alpha", "epsilon to v", t), x, -s / a); // v = (ε − σ x)/α
            case SAMPLE -> x.linear(a / nonZero(s, "sigma", "x0 to v", t), out, -1 / s); // v = (α x − x0)/σ
            case V -> out;
        };
    }

    /** Converts {@code out} of this type to {@code target}. */
    public Tensor convert(Tensor out, Tensor x, Timestep t, PredictionType target) {
        return switch (target) {
            case EPSILON -> toEpsilon(out, x, t);
            case SAMPLE -> toSample(out, x, t);
            case V -> toV(out, x, t);
        };
    }

    /**
     * Parses {@code epsilon}, {@code sample} (or {@code x0}) and {@code v_prediction} (or {@code v}), in
     * any case, and the constant names; JSON binds through this.
     */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static PredictionType parse(String name) {
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "epsilon", "eps" -> EPSILON;
            case "sample", "x0", "x_0" -> SAMPLE;
            case "v_prediction", "v" -> V;
            default ->
                throw new IllegalArgumentException(
                        "unknown prediction type '" + name + "'; known: epsilon, sample (x0), v_prediction (v)");
        };
    }

    private static double nonZero(double v, String what, String conversion, Timestep t) {
        if (v == 0) {
            throw new ArithmeticException("cannot convert " + conversion + " at model time " + t.modelTime()
                    + ": " + what + " is 0 there"
                    + ("alpha".equals(what) ? " (zero terminal SNR needs a v- or x0-predicting model)" : ""));
        }
        return v;
    }
}
