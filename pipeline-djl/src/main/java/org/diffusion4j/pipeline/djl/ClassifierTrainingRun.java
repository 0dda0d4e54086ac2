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
import java.util.concurrent.CancellationException;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.djl.DjlBackendProvider;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.classifier.ClassifierConfig;
import org.diffusion4j.djl.classifier.ClassifierModel;
import org.diffusion4j.djl.classifier.ClassifierTrainer;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.train.Checkpoint;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.pipeline.spi.TrainerProvider;

/**
 * One run of trainer {@code classifier}: loads the data set and its held-out split, builds the
 * classifier (weights seeded with the run seed), runs {@code steps} cross-entropy steps, writes
 * {@code classifier.ckpt} (and {@code checkpoint-<step>.ckpt} every {@code checkpointEvery} steps) with
 * {@link ClassifierModel#save}, and measures the accuracy on the held-out images at model time 0.
 */
final class ClassifierTrainingRun implements TrainerProvider.Trainer {

    /** The final checkpoint's file name. */
    static final String FINAL = "classifier.ckpt";

    /** Images per forward pass of the accuracy measurement. */
    private static final int EVAL_BATCH = 500;

    private final ClassifierTrainerProvider.Config config;

    ClassifierTrainingRun(ClassifierTrainerProvider.Config config) {
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
        ImageDataset test = TrainingData.loadTest(
                loaded.name(),
                config.dataDirOrDefault(),
                config.shapesCountOrDefault(),
                config.shapesSizeOrDefault(),
                config.testLimitOrDefault(),
                request.seed());
        Shape image = data.imageShape();
        ClassifierConfig cc;
        try {
            cc = config.networkOrDefault().classifier(image.get(0), image.get(1), data.numClasses());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "network: " + e.getMessage() + " (for " + loaded.name() + " images " + image + ")", e);
        }
        TrainerConfig tc = config.trainerConfig(request.seed());
        Device device = DjlRuntime.device(config.deviceOrDefault(), true);
        Path dir = request.outputDir();
        Path last = dir.resolve(FINAL);
        List<Double> losses = new ArrayList<>();
        long parameters;
        double accuracy;
        long t0 = System.nanoTime();
        double trainSeconds;
        try (ClassifierModel model = ClassifierModel.create(cc, device, request.seed());
                ClassifierTrainer t =
                        new ClassifierTrainer(model, tc, config.noisyOrDefault() ? request.schedule() : null, data)) {
            parameters =
                    model.weights().values().stream().mapToLong(w -> w.length).sum();
            for (long step = 1; step <= request.steps(); step++) {
                double loss = t.trainStep();
                losses.add(loss);
                listener.onStep(step, request.steps(), loss);
                if (listener.cancelled()) {
                    throw new CancellationException(
                            "training cancelled after " + step + " of " + request.steps() + " steps");
                }
                if (step < request.steps() && request.checkpointEvery() > 0 && step % request.checkpointEvery() == 0) {
                    model.save(dir.resolve(String.format(java.util.Locale.ROOT, "checkpoint-%d.ckpt", step)));
                }
            }
            trainSeconds = (System.nanoTime() - t0) / 1e9;
            model.save(last);
            accuracy = model.accuracy(test, 0.0, EVAL_BATCH);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint in " + dir + ": " + e.getMessage(), e);
        }

        JsonNodeFactory json = JsonNodeFactory.instance;
        // a classifier is no denoiser: the model object names the checkpoint for a sampling document's
        // "classifier" (or an evaluation); sampling it directly is refused by the djl backend
        ObjectNode model = json.objectNode();
        model.put("type", "file");
        model.put("file", last.toAbsolutePath().toString());
        ArrayNode shape = model.putArray("sampleShape");
        for (int d : image.dims()) {
            shape.add(d);
        }
        model.put("numClasses", data.numClasses());

        ObjectNode details = json.objectNode();
        details.put("dataset", loaded.description());
        details.put("images", data.size());
        ArrayNode names = details.putArray("classNames");
        data.classNames().forEach(names::add);
        details.set("network", Checkpoint.json().valueToTree(cc));
        details.set("trainer", Checkpoint.json().valueToTree(tc));
        details.put("noisy", config.noisyOrDefault());
        details.put("parameters", parameters);
        details.put("device", DjlRuntime.name(device));
        details.put("trainSeconds", trainSeconds);
        details.put("stepsPerSecond", request.steps() / Math.max(trainSeconds, 1e-9));
        ObjectNode acc = details.putObject("testAccuracy");
        acc.put("accuracy", accuracy);
        acc.put("images", test.size());
        acc.put("modelTime", 0.0);
        acc.put(
                "split",
                loaded.name().equals("fashion-mnist")
                        ? "Fashion-MNIST test split (t10k)"
                        : "built-in shapes drawn with another seed");
        return new TrainerProvider.TrainResult(
                last, losses, model, java.util.Optional.of(DjlBackendProvider.ID), details);
    }
}
