package org.diffusion4j.djl.train;

/** Told after every training step; for progress bars and logs. Called on the training thread. */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that does nothing. */
    ProgressListener NONE = p -> { };

    void onStep(TrainingProgress progress);

    /** A listener that prints one line to standard error every {@code every} steps. */
    static ProgressListener printEvery(int every) {
        return p -> {
            if (p.step() % every == 0 || p.step() == p.targetStep()) {
                System.err.println(p);
            }
        };
    }
}
