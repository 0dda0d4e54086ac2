package org.diffusion4j.schedules;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import org.apiguardian.api.API;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepPlan;
import org.diffusion4j.api.Timestep;

/**
 * A continuous variance-preserving schedule given by its log-SNR λ(u) on u ∈ [0, 1], decreasing from
 * λ(0) = λ_max (clean end) to λ(1) = λ_min (noise), with α² = sigmoid(λ), σ² = sigmoid(−λ) (Ho &amp; Salimans 2022,
 * arXiv 2207.12598, §2).
 *
 * <ul>
 *   <li>{@link Shape#COSINE}: λ(u) = −2 log tan(a·u + b), b = arctan(e^{−λ_max/2}),
 *   a = arctan(e^{−λ_min/2}) − b (Ho &amp; Salimans 2022, §2), the truncated cosine schedule (Nichol &amp; Dhariwal
 *   2021, arXiv 2102.09672, eq. 17) in λ.</li>
 *   <li>{@link Shape#LINEAR}: λ(u) = λ_max + u·(λ_min − λ_max).</li>
 * </ul>
 * The network sees {@link ModelTime#LAMBDA} (λ itself) or {@link ModelTime#U} as its time input.
 * Training draws λ through the schedule's own map from u ~ U(0, 1) ({@link TrainingDraw#SCHEDULE}) or
 * uniformly on [λ_min, λ_max] ({@link TrainingDraw#UNIFORM_LAMBDA}). Inference runs n steps on the
 * uniform u grid 1, 1 − 1/n, ..., 0.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class LogSnrSchedule implements Schedule {

    /** The shape of λ(u). */
    public enum Shape {
        COSINE,
        LINEAR;

        public static Shape parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "cosine" -> COSINE;
                case "linear" -> LINEAR;
                default ->
                    throw new IllegalArgumentException("unknown log-SNR shape '" + s + "'; known: cosine, linear");
            };
        }
    }

    /** What the network gets as its time input. */
    public enum ModelTime {
        LAMBDA,
        U;

        public static ModelTime parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "lambda" -> LAMBDA;
                case "u" -> U;
                default -> throw new IllegalArgumentException("unknown model time '" + s + "'; known: lambda, u");
            };
        }
    }

    /** How training draws λ. */
    public enum TrainingDraw {
        SCHEDULE,
        UNIFORM_LAMBDA;

        public static TrainingDraw parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "schedule" -> SCHEDULE;
                case "uniform_lambda", "uniform" -> UNIFORM_LAMBDA;
                default ->
                    throw new IllegalArgumentException(
                            "unknown training draw '" + s + "'; known: schedule, uniform_lambda");
            };
        }
    }

    private final Shape shape;
    private final double lambdaMin;
    private final double lambdaMax;
    private final ModelTime modelTime;
    private final TrainingDraw trainingDraw;
    private final double a;
    private final double b;

    /**
     * @param shape        cosine or linear
     * @param lambdaMin    λ at u = 1 (e.g. −20)
     * @param lambdaMax    λ at u = 0 (e.g. 20)
     * @param modelTime    what the network sees
     * @param trainingDraw how training draws λ
     */
    public LogSnrSchedule(
            Shape shape, double lambdaMin, double lambdaMax, ModelTime modelTime, TrainingDraw trainingDraw) {
        if (!(lambdaMin < lambdaMax) || !Double.isFinite(lambdaMin) || !Double.isFinite(lambdaMax)) {
            throw new IllegalArgumentException(
                    "need finite lambdaMin < lambdaMax, got [" + lambdaMin + ", " + lambdaMax + "]");
        }
        this.shape = shape;
        this.lambdaMin = lambdaMin;
        this.lambdaMax = lambdaMax;
        this.modelTime = modelTime;
        this.trainingDraw = trainingDraw;
        this.b = Math.atan(Math.exp(-lambdaMax / 2)); // Ho & Salimans 2022 (arXiv 2207.12598), §2
        this.a = Math.atan(Math.exp(-lambdaMin / 2)) - b;
    }

    /** λ(u). */
    public double lambda(double u) {
        if (!(u >= 0 && u <= 1)) {
            throw new IllegalArgumentException("u must be in [0, 1], got " + u);
        }
        return switch (shape) {
            case COSINE -> -2 * Math.log(Math.tan(a * u + b)); // Ho & Salimans 2022, §2: λ = −2 log tan(a u + b)
            case LINEAR -> lambdaMax + u * (lambdaMin - lambdaMax);
        };
    }

    /** The inverse map u(λ) for λ in [λ_min, λ_max]. */
    public double u(double lambda) {
        return switch (shape) {
            case COSINE -> (Math.atan(Math.exp(-lambda / 2)) - b) / a;
            case LINEAR -> (lambda - lambdaMax) / (lambdaMin - lambdaMax);
        };
    }

    /** The level at u, with this schedule's model time. */
    public Timestep levelAtU(double u) {
        double l = lambda(u);
        return Timestep.ofLambda(modelTime == ModelTime.LAMBDA ? l : u, l);
    }

    @Override
    public Timestep at(double t) {
        return modelTime == ModelTime.LAMBDA ? Timestep.ofLambda(t, t) : levelAtU(t);
    }

    @Override
    public StepPlan plan(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("inference steps must be >= 1, got " + steps);
        }
        List<Timestep> levels = new ArrayList<>(steps + 1);
        for (int i = 0; i <= steps; i++) {
            levels.add(levelAtU(1 - (double) i / steps));
        }
        return StepPlan.through(levels);
    }

    @Override
    public Timestep trainingTime(double u) {
        if (!(u >= 0 && u < 1)) {
            throw new IllegalArgumentException("u must be in [0, 1), got " + u);
        }
        if (trainingDraw == TrainingDraw.SCHEDULE) {
            return levelAtU(u);
        }
        double l = lambdaMin + u * (lambdaMax - lambdaMin); // λ ~ U(λ_min, λ_max)
        return Timestep.ofLambda(modelTime == ModelTime.LAMBDA ? l : u(l), l);
    }

    @Override
    public OptionalInt trainSteps() {
        return OptionalInt.empty();
    }

    public Shape shape() {
        return shape;
    }

    public double lambdaMin() {
        return lambdaMin;
    }

    public double lambdaMax() {
        return lambdaMax;
    }

    public ModelTime modelTime() {
        return modelTime;
    }

    public TrainingDraw trainingDraw() {
        return trainingDraw;
    }

    @Override
    public String toString() {
        return "LogSnrSchedule[" + shape + ", lambda in [" + lambdaMin + ", " + lambdaMax + "], modelTime=" + modelTime
                + ", training=" + trainingDraw + "]";
    }
}
