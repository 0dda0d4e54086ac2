package org.diffusion4j.pipeline.spi;

import java.util.List;
import java.util.Optional;
import org.diffusion4j.api.spi.PluginDescriptor;
import org.diffusion4j.api.spi.PluginKind;

/**
 * What runs a training document's {@code trainer}: {@code {"type": "unet", ...}} for a backend's
 * network trainer, {@code {"type": "mixture-fit"}} for the built-in exact-score model fit. List
 * implementations in {@code META-INF/services/org.diffusion4j.pipeline.spi.TrainerProvider};
 * construction must be cheap.
 *
 * @param <C> the configuration type, bound strictly from the trainer object minus its {@code type}
 */
public interface TrainerProvider<C> extends PluginDescriptor<C> {

    /** The kind of plugin: {@code trainer}, found in the one {@link org.diffusion4j.api.spi.PluginRegistry}. */
    PluginKind<TrainerProvider<?>> KIND = PluginKind.of("trainer", TrainerProvider.class);

    @Override
    default PluginKind<?> kind() {
        return KIND;
    }

    /**
     * Cheap checks of a bound configuration.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    default void check(C config) {}

    /** Makes the trainer of one run. */
    Trainer create(C config);

    /** One training run. */
    interface Trainer {
        /**
         * Trains for {@code request.steps()} steps, saving checkpoints into the request's folder.
         *
         * @throws java.util.concurrent.CancellationException when the listener cancelled
         */
        TrainResult train(TrainRequest request, TrainListener listener);
    }

    /**
     * @param schedule        the noise schedule (a {@link org.diffusion4j.api.Schedule})
     * @param steps           optimisation steps
     * @param seed            the run seed
     * @param outputDir       where checkpoints go (exists)
     * @param checkpointEvery save a checkpoint every this many steps (0: only at the end)
     */
    record TrainRequest(
            org.diffusion4j.api.Schedule schedule,
            long steps,
            long seed,
            java.nio.file.Path outputDir,
            long checkpointEvery) {}

    /**
     * @param checkpoint the final checkpoint file
     * @param losses     the loss of every step
     * @param model      a {@code model} object of a sampling document that loads the trained model
     * @param backend    the backend that samples it, when one is needed
     * @param details    facts for the run's report, free-form; by convention {@code dataset} (what was
     *                   trained on, one line) and {@code classNames} (an array of names by label, used
     *                   to describe the grid rows of the sampling document)
     */
    record TrainResult(
            java.nio.file.Path checkpoint,
            List<Double> losses,
            com.fasterxml.jackson.databind.node.ObjectNode model,
            Optional<String> backend,
            com.fasterxml.jackson.databind.node.ObjectNode details) {
        public TrainResult {
            losses = List.copyOf(losses);
            model = model.deepCopy();
            details = details.deepCopy();
        }

        /** A result without details. */
        public TrainResult(
                java.nio.file.Path checkpoint,
                List<Double> losses,
                com.fasterxml.jackson.databind.node.ObjectNode model,
                Optional<String> backend) {
            this(
                    checkpoint,
                    losses,
                    model,
                    backend,
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        }

        /** A copy of the model object. */
        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode model() {
            return model.deepCopy();
        }

        /** A copy of the details. */
        @Override
        public com.fasterxml.jackson.databind.node.ObjectNode details() {
            return details.deepCopy();
        }
    }

    /** Told after every step; may cancel. */
    interface TrainListener {
        TrainListener NONE = (step, steps, loss) -> {};

        void onStep(long step, long steps, double loss);

        default boolean cancelled() {
            return false;
        }
    }
}
