package org.diffusion4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import org.diffusion4j.api.SamplingCancelledException;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.io.Safetensors;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.OutputSpec;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.diffusion4j.pipeline.PipelineListener;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.Progress;
import org.diffusion4j.pipeline.SampleSet;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.diffusion4j.pipeline.SamplingResult;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sample}: runs a sampling document and writes one PNG per variant (an image grid, rows =
 * labels, columns = samples; a scatter plot plus CSV for 2-D vectors), each carrying its provenance in
 * iTXt chunks, and a JSON report. {@code --from-image} reruns the document stored in such a PNG.
 */
@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        description = {
            "Sample with a JSON run document and write PNG grids and a JSON report.",
            "Every PNG carries the resolved document, seed, backend and model hash (iTXt chunks 'diffusion4j:*'),",
            "so '--from-image' regenerates it from the image alone.",
            "Ctrl-C stops the run at its next step, also with --quiet: exit code 130,",
            "one line 'cancelled: ...' on stderr, no output file."
        })
final class SampleCommand implements Callable<Integer> {
    static final String CONFIG_KEY = "diffusion4j:config";

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "the sampling document (JSON)")
    @Nullable
    Path config;

    @Option(
            names = "--from-image",
            paramLabel = "PNG",
            description = "rerun the document stored in a PNG written by sample")
    @Nullable
    Path image;

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
    public Integer call() throws IOException {
        Path config = this.config;
        if ((config == null) == (this.image == null)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "give exactly one of --config and --from-image");
        }
        if (quiet) {
            Logging.quiet();
        }
        JsonNode doc;
        PipelineOptions o = PipelineOptions.defaults();
        if (config != null) {
            InputFiles.requireFile(spec.commandLine(), "--config", config, false);
            doc = Json.read(config);
            o = o.withBaseDirectory(InputFiles.folderOf(spec.commandLine(), "--config", config))
                    .withSource(config.toString());
        } else {
            // exactly one of the two is given (checked above): the image, as there is no config
            Path image = Objects.requireNonNull(this.image);
            InputFiles.requirePng(spec.commandLine(), "--from-image", image);
            String text;
            try {
                text = Png.readText(image).get(CONFIG_KEY);
            } catch (IOException | RuntimeException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--from-image: cannot read the PNG " + image + " (" + e.getMessage() + ")");
            }
            if (text == null) {
                throw new PipelineConfigException(
                        image.toString(),
                        "",
                        "the image has no '" + CONFIG_KEY + "' text chunk;"
                                + " only PNGs written by 'diffusion4j sample' can be rerun");
            }
            doc = Json.parse(text, image + " (" + CONFIG_KEY + ")");
            o = o.withBaseDirectory(InputFiles.folderOf(spec.commandLine(), "--from-image", image))
                    .withSource(image.toString());
        }
        SamplingPipeline pipeline = SamplingPipeline.fromJson(doc, o);
        Path baseDirectory = o.baseDirectory();
        OutputSpec output = pipeline.spec().output();
        Path dir = out != null ? out : Path.of(output.dir());
        OutputSet files = openOutputs(dir, o.source());
        PrintWriter log = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        java.io.PrintStream progressStream = new java.io.PrintStream(
                new java.io.OutputStream() {
                    @Override
                    public void write(int b) {
                        err.write(b);
                    }

                    @Override
                    public void flush() {
                        err.flush();
                    }
                },
                true,
                StandardCharsets.UTF_8);
        ProgressReporter progress = new ProgressReporter(progressStream, System.console() != null, 2000);
        // Ctrl-C: the signal handler (Interrupts) only flags it; the run stops at its next step, so no file is
        // ever left half-written, and the cancellation is reported with or without --quiet
        PipelineListener listener = new PipelineListener() {
            long steps;

            @Override
            public void onVariant(int index, int count, String label) {
                if (!quiet) {
                    progress.onVariant(index, count, label);
                }
            }

            @Override
            public void onProgress(Progress p) {
                if (!quiet) {
                    progress.onProgress(p);
                }
                Interrupts.atStep(++steps, err);
            }

            @Override
            public boolean cancelled() {
                return Interrupts.requested() || progress.cancelled();
            }
        };
        long t0 = System.nanoTime();
        try {
            ArrayNode setsReport = Json.array();
            int variants = pipeline.variantLabels().size();
            // each grid is written (staged) as soon as it is sampled, and not kept
            SamplingResult r = pipeline.sample(listener, (s, run) -> {
                String base = output.name() + (variants > 1 ? "-" + s.label().replaceAll("[^A-Za-z0-9._=-]", "_") : "");
                ObjectNode resolved = absolutePaths(s.resolvedConfig(), baseDirectory);
                Map<String, String> text = new LinkedHashMap<>();
                text.put(CONFIG_KEY, Json.write(resolved));
                text.put(
                        "diffusion4j:seed", String.valueOf(resolved.path("seed").asLong(0)));
                text.put("diffusion4j:backend", run.backend() + " " + run.backendVersion() + " on " + run.device());
                run.provenance().forEach((k, v) -> text.put("diffusion4j:" + k, v));
                text.put("Software", "diffusion4j " + Main.version());
                Tensor x = s.samples();
                Shape sample = x.shape().sampleShape();
                Path png;
                if (Png.isImage(sample)) {
                    png = files.write(
                            base + ".png", os -> Png.write(Png.grid(x, s.rows(), s.columns(), output), text, os));
                } else {
                    png = files.write(base + ".png", os -> Png.write(Png.scatter(x, s.rows(), s.columns()), text, os));
                    files.write(base + ".csv", os -> csv(s, os));
                }
                String tensors = pipeline.spec()
                        .value("/output/tensors")
                        .map(JsonNode::asText)
                        .orElse("none");
                Path raw = null;
                if (tensors.equals("npy")) {
                    raw = files.write(base + ".npy", os -> Npy.write(os, NdArray.of(x)));
                } else if (tensors.equals("safetensors")) {
                    raw = files.write(
                            base + ".safetensors",
                            os -> os.write(Safetensors.toBytes(
                                    Map.of("samples", NdArray.of(x)),
                                    Map.of("diffusion4j:config", Json.write(resolved)))));
                }
                ObjectNode sr = setsReport.addObject();
                if (raw != null) {
                    sr.put("tensors", raw.toString());
                }
                sr.put("label", s.label());
                s.sweepValue().ifPresent(v -> sr.set("sweepValue", v));
                sr.put("image", png.toString());
                sr.put("seconds", s.time().toNanos() / 1e9);
                sr.set("resolvedConfig", resolved);
            });
            if (listener.cancelled()) {
                throw new CancellationException(
                        "sampling cancelled after its last step, before the outputs were put in place;"
                                + " no output file was written");
            }
            ObjectNode report = Json.object();
            report.put("command", "sample");
            report.put("status", "ok");
            report.put("finished", Instant.now().toString());
            report.set("config", pipeline.toJson());
            report.put("seed", pipeline.spec().seed());
            ObjectNode be = report.putObject("backend");
            be.put("id", r.backend());
            be.put("version", r.backendVersion());
            be.put("device", r.device());
            report.set("model", Json.tree(r.provenance()));
            ObjectNode versions = report.putObject("versions");
            versions.put("diffusion4j", Main.version());
            versions.put("java", System.getProperty("java.version"));
            versions.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
            r.versions().forEach(versions::put);
            ObjectNode timings = report.putObject("timings");
            timings.put("loadSeconds", r.loadTime().toNanos() / 1e9);
            timings.put("totalSeconds", (System.nanoTime() - t0) / 1e9);
            report.set("sets", setsReport);
            ArrayNode outs = report.putArray("outputs");
            files.files().forEach(p -> outs.add(p.toString()));
            String reportName = output.name() + "-report.json";
            outs.add(files.target(reportName).toString());
            files.writeString(reportName, Json.write(report));
            files.commit(); // all of the run's files appear together, or none
            if (!quiet) {
                for (Path p : files.files()) {
                    log.println("wrote " + p);
                }
            }
            return Main.OK;
        } catch (SamplingCancelledException e) {
            if (!quiet) {
                progress.finishLine(); // the message goes below the progress bar of a terminal, not after it
            }
            throw new CancellationException(e.getMessage() + "; no output file was written");
        } finally {
            files.abort(); // nothing when committed; else the staged files go
        }
    }

    /**
     * The output folder, checked before the run: a file, a path under a file or a folder that cannot be
     * written in is an argument error (--out) or a document error at /output/dir (exit 2).
     */
    private OutputSet openOutputs(Path dir, String source) {
        try {
            return OutputSet.open(dir);
        } catch (IllegalArgumentException e) {
            if (out != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--out " + dir + ": " + e.getMessage());
            }
            String message = e.getMessage();
            throw new PipelineConfigException(source, "/output/dir", message != null ? message : e.toString());
        }
    }

    /** Model and scheduler-config file names made absolute, so the document runs from anywhere. */
    static ObjectNode absolutePaths(ObjectNode resolved, Path base) {
        ObjectNode r = resolved.deepCopy();
        for (String ptr : new String[] {"/model", "/model/classifier", "/schedule", "/initialState", "/noise"}) {
            JsonNode n = r.at(ptr);
            if (n instanceof ObjectNode on && on.path("file").isTextual()) {
                on.put(
                        "file",
                        base.resolve(on.get("file").asText())
                                .toAbsolutePath()
                                .normalize()
                                .toString());
            }
        }
        return r;
    }

    /** The samples as CSV, written as they are formatted (a large grid is never held as text). */
    private static void csv(SampleSet s, java.io.OutputStream os) throws IOException {
        java.io.Writer w =
                new java.io.BufferedWriter(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
        int d = s.samples().shape().get(1);
        w.append("row,label,column");
        for (int j = 0; j < d; j++) {
            w.append(",x").append(String.valueOf(j));
        }
        w.append('\n');
        float[] x = s.samples().toFloatArray();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.rows() * s.columns(); i++) {
            sb.setLength(0);
            Integer label = s.labels().get(i / s.columns());
            sb.append(i / s.columns())
                    .append(',')
                    .append(label == null ? "" : label)
                    .append(',')
                    .append(i % s.columns());
            for (int j = 0; j < d; j++) {
                sb.append(',').append(String.format(Locale.ROOT, "%.6g", x[i * d + j]));
            }
            sb.append('\n');
            w.append(sb);
        }
        w.flush();
    }
}
