package org.diffusion4j.djl.train;

import java.time.Duration;

/**
 * What a {@link ProgressListener} sees after a training step.
 *
 * @param step           steps done so far (over all resumed runs)
 * @param targetStep     the step the current {@code train} call runs to
 * @param loss           this step's loss
 * @param smoothedLoss   exponential moving average of the loss (factor 0.98), for display
 * @param learningRate   the learning rate this step used
 * @param stepsPerSecond steps per second in the current call
 * @param eta            estimated time to {@code targetStep}
 */
public record TrainingProgress(
        long step,
        long targetStep,
        double loss,
        double smoothedLoss,
        double learningRate,
        double stepsPerSecond,
        Duration eta) {

    /** Fraction of the current call done, in [0, 1]. */
    public double fraction(long startStep) {
        long span = targetStep - startStep;
        return span <= 0 ? 1 : Math.min(1, (double) (step - startStep) / span);
    }

    @Override
    public String toString() {
        return String.format(
                java.util.Locale.ROOT,
                "step %d/%d loss %.4f (avg %.4f) lr %.2e %.2f steps/s ETA %s",
                step,
                targetStep,
                loss,
                smoothedLoss,
                learningRate,
                stepsPerSecond,
                format(eta));
    }

    private static String format(Duration d) {
        long s = d.getSeconds();
        return String.format(java.util.Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
