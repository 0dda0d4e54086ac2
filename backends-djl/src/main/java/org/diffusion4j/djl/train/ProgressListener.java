package org.diffusion4j.djl.train;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Told after every training step; for progress bars and logs. Called on the training thread. */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that does nothing. */
    ProgressListener NONE = p -> {};

    void onStep(TrainingProgress progress);

    /**
     * A listener that logs one line at INFO every {@code every} steps and at the last one, through SLF4J
     * (logger {@code org.diffusion4j.djl.train.progress}): library code never prints; a command line
     * that wants the lines on its console configures its SLF4J binding, or passes its own listener.
     */
    static ProgressListener logEvery(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("logEvery: every must be >= 1, got " + every);
        }
        Logger log = LoggerFactory.getLogger("org.diffusion4j.djl.train.progress");
        return p -> {
            if (p.step() % every == 0 || p.step() == p.targetStep()) {
                log.info("{}", p);
            }
        };
    }

    /**
     * Formerly printed to standard error; now {@link #logEvery}.
     *
     * @deprecated library code logs through SLF4J: use {@link #logEvery}
     */
    @Deprecated
    static ProgressListener printEvery(int every) {
        return logEvery(every);
    }
}
