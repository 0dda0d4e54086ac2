package org.diffusion4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.TrainingPipeline;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code train}: runs a training document; writes the trainer's checkpoints, {@code losses.csv}, a
 * {@code loss.png} plot, {@code sample.json} (a sampling document for the trained model) and
 * {@code train-report.json}.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train with a JSON training document: checkpoints, loss CSV and plot, a sampling document and a report.",
            "Ctrl-C stops the run at its next step, also with --quiet: exit code 130,",
            "one line 'cancelled: ...' on stderr; the checkpoints written before are complete,",
            "no temporary file is left, and no losses.csv, loss.png, sample.json or report is written."
        })
final class TrainCommand implements Callable<Integer> {
    private static final String CANCELLED_NOTE =
            "; the checkpoints written before are complete, no temporary file was left,"
                    + " and no losses.csv, loss.png, sample.json or train-report.json was written";

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "the training document (JSON)")
    @SuppressWarnings("NullAway.Init") // required = true: picocli sets it before call()
    Path config;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "DIR",
            description = "output folder (default: the document's output.dir)")
    @Nullable
    Path out;

    @Option(
            names = {"-q", "--quiet"},
            description = "no progress and no summary")
    boolean quiet;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (quiet) {
            Logging.quiet();
        }
        InputFiles.requireFile(spec.commandLine(), "--config", config, false);
        JsonNode doc = Json.read(config);
        PipelineOptions o = PipelineOptions.defaults()
                .withBaseDirectory(InputFiles.folderOf(spec.commandLine(), "--config", config))
                .withSource(config.toString());
        TrainingPipeline t = TrainingPipeline.fromJson(doc, o);
        Path dir = out != null ? out : Path.of(t.outputDir());
        java.util.Optional<String> badDir = OutputSet.problem(dir); // before training, not after
        if (badDir.isPresent()) {
            throw out != null
                    ? new CommandLine.ParameterException(spec.commandLine(), "--out " + dir + ": " + badDir.get())
                    : new org.diffusion4j.pipeline.PipelineConfigException(
                            config.toString(), "/output/dir", badDir.get());
        }
        PrintWriter log = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long t0 = System.nanoTime();
        boolean terminal = System.console() != null;
        TrainerProvider.TrainListener listener = new TrainerProvider.TrainListener() {
            long last = System.nanoTime();

            @Override
            public void onStep(long step, long steps, double loss) {
                Interrupts.atStep(step, err);
                if (quiet) {
                    return;
                }
                long now = System.nanoTime();
                double elapsed = (now - t0) / 1e9;
                double rate = step / Math.max(elapsed, 1e-9);
                String line = String.format(
                        Locale.ROOT,
                        "step %d/%d  loss %.4f  %.1f steps/s  ETA %s",
                        step,
                        steps,
                        loss,
                        rate,
                        ProgressReporter.time((steps - step) / Math.max(rate, 1e-9)));
                if (terminal) {
                    err.print("\r" + line + (step == steps ? "\n" : ""));
                    err.flush();
                } else if (now - last > 2_000_000_000L || step == steps) {
                    last = now;
                    err.println(line);
                }
            }

            @Override
            public boolean cancelled() {
                // Ctrl-C only flags the run (Interrupts): the trainer stops after its current step, with every
                // checkpoint it wrote complete and its temporary file renamed or deleted
                return Interrupts.requested();
            }
        };
        try {
            TrainerProvider.TrainResult r = t.train(dir, listener);
            if (Interrupts.requested()) {
                throw new CancellationException("training cancelled after its last step");
            }
            AtomicOutput files = new AtomicOutput();
            StringBuilder csv = new StringBuilder("step,loss\n");
            for (int i = 0; i < r.losses().size(); i++) {
                csv.append(i + 1)
                        .append(',')
                        .append(String.format(Locale.ROOT, "%.6g", r.losses().get(i)))
                        .append('\n');
            }
            files.writeString(dir.resolve("losses.csv"), csv.toString());
            files.write(
                    dir.resolve("loss.png"),
                    os -> Png.write(
                            Png.lossPlot(r.losses()),
                            Map.of("diffusion4j:config", Json.write(doc), "Software", "diffusion4j " + Main.version()),
                            os));
            ObjectNode sampling = t.samplingDocument(r);
            if (sampling.path("model").path("file").isTextual()) {
                ((ObjectNode) sampling.get("model"))
                        .put(
                                "file",
                                dir.toAbsolutePath()
                                        .relativize(Path.of(sampling.get("model")
                                                        .get("file")
                                                        .asText())
                                                .toAbsolutePath())
                                        .toString());
            }
            ObjectNode output =
                    sampling.has("output") ? (ObjectNode) sampling.get("output") : sampling.putObject("output");
            if (!output.has("dir")) {
                output.put("dir", dir.resolve("samples").toString());
            }
            if (!output.has("name")) {
                output.put("name", "samples");
            }
            files.writeString(dir.resolve("sample.json"), Json.write(sampling));
            ObjectNode report = Json.object();
            report.put("command", "train");
            report.put("status", "ok");
            report.put("finished", Instant.now().toString());
            report.set("config", t.toJson());
            report.put("seed", t.seed());
            report.put("trainer", t.trainer().id() + " " + t.trainer().version());
            report.put("steps", t.steps());
            report.put(
                    "finalLoss",
                    r.losses().isEmpty()
                            ? Double.NaN
                            : r.losses().get(r.losses().size() - 1));
            report.put("checkpoint", String.valueOf(r.checkpoint()));
            report.set("details", r.details());
            report.putObject("timings").put("totalSeconds", (System.nanoTime() - t0) / 1e9);
            ObjectNode versions = report.putObject("versions");
            versions.put("diffusion4j", Main.version());
            versions.put("java", System.getProperty("java.version"));
            ArrayNode outs = report.putArray("outputs");
            outs.add(String.valueOf(r.checkpoint()));
            files.written().forEach(p -> outs.add(p.toString()));
            Path rep = dir.resolve("train-report.json");
            outs.add(rep.toString());
            files.writeString(rep, Json.write(report));
            if (!quiet) {
                if (r.details().path("dataset").isTextual()) {
                    log.println("trained on " + r.details().get("dataset").asText());
                }
                log.println(String.format(
                        Locale.ROOT,
                        "loss %.4f (mean of the first %d steps) -> %.4f (mean of the last %d)",
                        mean(r.losses(), 0, tail(r.losses())),
                        tail(r.losses()),
                        mean(
                                r.losses(),
                                r.losses().size() - tail(r.losses()),
                                r.losses().size()),
                        tail(r.losses())));
                log.println("checkpoint " + r.checkpoint());
                files.written().forEach(p -> log.println("wrote " + p));
                log.println("sample it: diffusion4j sample --config " + dir.resolve("sample.json"));
            }
            return Main.OK;
        } catch (CancellationException e) {
            if (terminal && !quiet) {
                err.println(); // the message goes below the progress line, not after it
            }
            // printed by Main with the exit code of the signal
            throw new CancellationException(e.getMessage() + CANCELLED_NOTE);
        }
    }

    /** Steps averaged for the first/last loss figures: a tenth of the run, 1 to 50. */
    private static int tail(java.util.List<Double> l) {
        return Math.max(1, Math.min(50, l.size() / 10));
    }

    private static double mean(java.util.List<Double> l, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += l.get(i);
        }
        return to > from ? s / (to - from) : Double.NaN;
    }
}
