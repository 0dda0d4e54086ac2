package org.diffusion4j.pipeline.djl;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.djl.DjlBackendProvider;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.pipeline.spi.TrainerProvider;

/**
 * One run of trainer {@code unet}: loads the data set, builds the UNet (weights seeded with the run
 * seed), runs {@code steps} steps of {@link Trainer#trainStep()} (DDPM training with classifier-free
 * label dropout), writes {@code checkpoint-<step>.ckpt} every {@code checkpointEvery} steps and
 * {@code model.ckpt} at the end (each a complete resumable checkpoint, written to a temporary file and
 * renamed), and returns the {@code file} model object that samples the EMA weights.
 */
final class UNetTrainingRun implements TrainerProvider.Trainer {

    /** The final checkpoint's file name. */
    static final String FINAL = "model.ckpt";

    private final UNetTrainerProvider.Config config;

    UNetTrainingRun(UNetTrainerProvider.Config config) {
        this.config = config;
    }

    @Override
    public TrainerProvider.TrainResult train(
            TrainerProvider.TrainRequest request, TrainerProvider.TrainListener listener) {
        TrainingData.Loaded loaded = TrainingData.load(
                config.datasetOrDefault(),
                config.dataDirOrDefault(),
                config.shapesCountOrDefault(),
                config.shapesSizeOrDefault(),
                config.limitOrDefault(),
                request.seed());
        ImageDataset data = loaded.data();
        Shape image = data.imageShape();
        UNetConfig unet;
        try {
            unet = config.networkOrDefault().unet(image.get(0), image.get(1), data.numClasses());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "network: " + e.getMessage() + " (for " + loaded.name() + " images " + image + ")", e);
        }
        TrainerConfig tc = config.trainerConfig(request.seed(), request.steps());
        Device device = DjlRuntime.device(config.deviceOrDefault(), true);
        Path dir = request.outputDir();
        List<Double> losses = new ArrayList<>();
        Path last = dir.resolve(FINAL);
        long parameters;
        long t0 = System.nanoTime();
        try (Trainer t = Trainer.create(unet, tc, request.schedule(), data, device, request.seed())) {
            parameters = t.model().parameterCount();
            for (long step = 1; step <= request.steps(); step++) {
                double loss = t.trainStep();
                losses.add(loss);
                listener.onStep(step, request.steps(), loss);
                if (listener.cancelled()) {
                    // before this step's checkpoint: every checkpoint written so far is complete (Checkpoint.write
                    // renames a finished temporary file into place, or deletes it)
                    throw new CancellationException(
                            "training cancelled after " + step + " of " + request.steps() + " steps");
                }
                if (step < request.steps() && request.checkpointEvery() > 0 && step % request.checkpointEvery() == 0) {
                    t.save(dir.resolve(String.format(Locale.ROOT, "checkpoint-%d.ckpt", step)));
                }
            }
            t.save(last);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint in " + dir + ": " + e.getMessage(), e);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;

        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode model = json.objectNode();
        model.put("type", "file");
        model.put("file", last.toAbsolutePath().toString());
        // UNetConfig's constructor fills a missing prediction type with EPSILON
        model.put(
                "predictionType",
                Objects.requireNonNull(unet.predictionType()).name().toLowerCase(Locale.ROOT));
        ArrayNode shape = model.putArray("sampleShape");
        for (int d : image.dims()) {
            shape.add(d);
        }
        model.put("numClasses", data.numClasses());
        model.putObject("options").put("weights", config.weightsOrDefault());

        ObjectNode details = json.objectNode();
        details.put("dataset", loaded.description());
        details.put("images", data.size());
        ArrayNode names = details.putArray("classNames");
        data.classNames().forEach(names::add);
        details.set("network", org.diffusion4j.djl.train.Checkpoint.json().valueToTree(unet));
        details.set("trainer", org.diffusion4j.djl.train.Checkpoint.json().valueToTree(tc));
        details.put("parameters", parameters);
        details.put("device", DjlRuntime.name(device));
        details.put("trainSeconds", seconds);
        details.put("stepsPerSecond", request.steps() / Math.max(seconds, 1e-9));
        return new TrainerProvider.TrainResult(last, losses, model, Optional.of(DjlBackendProvider.ID), details);
    }
}
