package org.diffusion4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.evaluation.Classifier;
import org.diffusion4j.evaluation.EvaluationResult;
import org.diffusion4j.evaluation.Evaluator;
import org.diffusion4j.evaluation.FeatureModel;
import org.diffusion4j.evaluation.ImageReaders;
import org.diffusion4j.evaluation.ImageSet;
import org.diffusion4j.evaluation.SweepReport;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.io.TensorFiles;
import org.diffusion4j.pipeline.ConfigProblem;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.diffusion4j.pipeline.PipelineListener;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SampleSet;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: measures sample sets against a reference set with the evaluation module ({@link Evaluator}):
 * Fréchet distance and precision/recall in a feature model's output, class accuracy with a classifier,
 * and writes a JSON report with one PNG plot per metric against the swept parameter ({@link SweepReport}).
 * The document ({@code eval.json}; files relative to its folder) gives the sample sets as files:
 * <pre>{@code
 * {"reference": "ref.npy",                       // .npy/.safetensors [N, C, H, W], a folder of PNGs, or an IDX file
 *  "featureModel": {"file": "features.onnx", "output": "logits", "inputs": {"timestep": 0}},
 *  "classifier": {"file": "classifier.ckpt", "backend": "djl", "options": {"modelTime": 0}},   // optional
 *  "parameter": "guidanceScale",
 *  "sets": [{"samples": "g1.npy", "value": 1, "series": "ddim", "labels": [0, 1, 2]}, ...],
 *  "k": 3, "cache": "cache", "output": {"dir": "out/eval", "name": "evaluation"}}
 * }</pre>
 * or as a sampling document and sweep axes, every combination sampled with the pipeline and evaluated
 * with the labels it was sampled for (the first axis is the plots' x axis, the others make the series):
 * <pre>{@code
 * {"reference": ..., "featureModel": ..., "classifier": ...,
 *  "sampling": "sample.json",
 *  "sweep": [{"parameter": "/guidance/guidanceScale", "values": [0, 1, 3]},
 *            {"parameter": "/sampler/type", "values": ["ddim", "dpmpp-2m"]}],
 *  "output": {"dir": "out/eval", "name": "evaluation", "tensors": "npy"}}
 * }</pre>
 * The models are loaded through a backend of the plugin registry ({@code "backend"}: default {@code onnx}
 * for {@code .onnx} files, else {@code djl}) with {@code Backend.loadScoreModel}; {@code "output"} and
 * {@code "inputs"} are shorthands of the onnx backend's options. Numbers are comparable only with the same
 * feature model and the same sample count (the Fréchet distance is biased at small n; the report gives n).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Measure sample sets against a reference set: Fréchet distance and precision/recall in a feature",
            "model's output, class accuracy with a classifier; write a JSON report and a PNG plot per metric.",
            "The sets are files (\"sets\"), or a sampling document swept over axes (\"sampling\" and \"sweep\":",
            "the first axis is the plots' x axis, every combination of the others a series). Models are loaded",
            "through a backend (\"backend\": onnx for .onnx files, else djl; \"options\": the backend's)."
        })
final class EvaluateCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> FIELDS = Set.of(
            "$schema",
            "description",
            "reference",
            "featureModel",
            "classifier",
            "parameter",
            "sets",
            "sampling",
            "sweep",
            "k",
            "cache",
            "output");
    static final Set<String> MODEL_FIELDS = Set.of("file", "backend", "options", "output", "inputs", "id", "batchSize");
    static final Set<String> SET_FIELDS = Set.of("samples", "value", "series", "labels");
    static final Set<String> AXIS_FIELDS = Set.of("parameter", "values");
    static final Set<String> OUTPUT_FIELDS = Set.of("dir", "name", "tensors");

    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "the evaluation document (JSON)")
    @SuppressWarnings("NullAway.Init") // required = true: picocli sets it before call()
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "output folder (default: the document's output.dir)")
    @Nullable
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final List<ConfigProblem> problems = new ArrayList<>();

    /** A model object of the document, checked: where it is, its file, backend id and options. */
    private record ModelRef(
            String at, Path file, String backend, Map<String, Object> options, int batchSize, String id) {}

    /** The sampling document and its axes, checked. */
    private record Sampling(Path file, ObjectNode doc, SweepAxes axes, PipelineOptions options) {}

    @Override
    public Integer call() throws IOException {
        InputFiles.requireFile(spec.commandLine(), "--config", config, false);
        JsonNode doc = Json.read(config);
        Path base = InputFiles.folderOf(spec.commandLine(), "--config", config.toAbsolutePath());
        String src = config.toString();
        allow(doc, "", FIELDS);
        PipelineOptions pipelineOptions = PipelineOptions.defaults();
        ImageSet ref = images(base, doc, "reference");
        JsonNode fm = doc.path("featureModel");
        ModelRef feature = null;
        if (!fm.isObject()) {
            problem(
                    "/featureModel",
                    "required: the feature model {\"file\": \"features.onnx\"} (its output `output`, else its first)");
        } else {
            feature = modelRef(base, fm, "/featureModel", pipelineOptions);
        }
        JsonNode cl = doc.path("classifier");
        ModelRef classifierRef = null;
        if (!cl.isMissingNode() && !cl.isObject()) {
            problem("/classifier", "expected an object {\"file\": \"classifier.onnx\"}, got " + cl);
        } else if (cl.isObject()) {
            classifierRef = modelRef(base, cl, "/classifier", pipelineOptions);
        }
        int k = doc.path("k").asInt(3);
        if (doc.has("k") && (!doc.get("k").canConvertToInt() || k < 1)) {
            problem("/k", "expected an integer >= 1 (the neighbour rank of precision/recall), got " + doc.get("k"));
        }
        JsonNode sets = doc.path("sets");
        List<@Nullable ImageSet> sampleSets = new ArrayList<>();
        List<int @Nullable []> labels = new ArrayList<>();
        Sampling sampling = null;
        if (doc.has("sampling") == doc.has("sets")) {
            problem(
                    doc.has("sets") ? "/sampling" : "/sets",
                    "give exactly one of \"sets\" (sample files) and \"sampling\" (a sampling document swept over"
                            + " \"sweep\")");
        } else if (doc.has("sets")) {
            if (doc.has("sweep")) {
                problem(
                        "/sweep",
                        "a sweep needs \"sampling\" (a sampling document); with \"sets\" give each set's value");
            }
            if (!sets.isArray() || sets.isEmpty()) {
                problem("/sets", "required: a non-empty array of {\"samples\": \"file\", \"value\": number}");
            }
            for (int i = 0; i < sets.size(); i++) {
                JsonNode s = sets.get(i);
                String at = "/sets/" + i;
                allow(s, at, SET_FIELDS);
                if (!s.path("value").isNumber()) {
                    problem(at + "/value", "required: the swept parameter's value of this set (a number)");
                }
                ImageSet set = images(base, s, "samples", at);
                sampleSets.add(set);
                labels.add(labels(base, s.path("labels"), at + "/labels", set));
            }
        } else {
            sampling = sampling(base, doc, pipelineOptions);
        }
        String parameter =
                doc.path("parameter").asText(sampling != null ? sampling.axes().name(0) : "value");
        if (doc.has("parameter") && !doc.get("parameter").isTextual()) {
            problem("/parameter", "expected the swept parameter's name (a string), got " + doc.get("parameter"));
        }
        Path cache = doc.has("cache") ? base.resolve(doc.get("cache").asText()) : null;
        JsonNode o = doc.path("output");
        if (!o.isMissingNode()) {
            allow(o, "/output", OUTPUT_FIELDS);
        }
        Path dir = out != null ? out : Path.of(o.path("dir").asText("out/eval"));
        String name = o.path("name").asText("evaluation");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            problem(
                    "/output/name",
                    "a file name prefix of letters, digits, '.', '_' or '-' is needed, got '" + name + "'");
        }
        String tensors = o.path("tensors").asText("none");
        if (!tensors.equals("none") && !tensors.equals("npy")) {
            problem(
                    "/output/tensors",
                    "expected \"none\" or \"npy\" (the swept runs' samples), got " + o.get("tensors"));
        } else if (tensors.equals("npy") && sampling == null) {
            problem("/output/tensors", "only a sweep (\"sampling\") samples; its samples can be written as npy");
        }
        throwIfAny(src);
        ImageSet reference = Objects.requireNonNull(ref, "reference");
        ModelRef featureRef = Objects.requireNonNull(feature, "featureModel");
        Map<String, Backend> backends = new LinkedHashMap<>();
        try {
            ScoreModel features = scoreModel(featureRef, backends, pipelineOptions);
            ScoreModel classifier = classifierRef == null ? null : scoreModel(classifierRef, backends, pipelineOptions);
            throwIfAny(src);
            Evaluator.Builder eb = Evaluator.builder(
                            reference,
                            FeatureModel.ofScoreModel(
                                    featureRef.id(), featureRef.batchSize(), Objects.requireNonNull(features)))
                    .k(k);
            if (classifier != null) {
                eb.classifier(Classifier.of(classifier))
                        .classifierBatchSize(
                                Objects.requireNonNull(classifierRef).batchSize());
            }
            if (cache != null) {
                eb.cacheDirectory(cache);
            }
            Evaluator ev = eb.build();
            SweepReport report = SweepReport.of(parameter);
            Files.createDirectories(dir);
            if (sampling != null) {
                report = sweep(sampling, ev, classifier != null, report, dir, name, tensors.equals("npy"));
            } else {
                for (int i = 0; i < sampleSets.size(); i++) {
                    JsonNode s = sets.get(i);
                    EvaluationResult r =
                            ev.evaluate(Objects.requireNonNull(sampleSets.get(i), "samples"), labels.get(i));
                    report = report.with(
                            s.path("series").asText("samples"), s.get("value").doubleValue(), r);
                }
            }
            for (Path p : report.write(dir, name)) {
                spec.commandLine().getOut().println("wrote " + p);
            }
        } catch (IllegalArgumentException e) {
            if (e instanceof PipelineConfigException) {
                throw e;
            }
            String m = String.valueOf(e.getMessage());
            int colon = m.indexOf(": ");
            if (m.startsWith("/") && colon > 0) {
                throw new PipelineConfigException(src, m.substring(0, colon), m.substring(colon + 2));
            }
            throw new PipelineConfigException(src, "", m);
        } finally {
            backends.values().forEach(Backend::close);
        }
        return Main.OK;
    }

    /** Checks a model object; null (with problems recorded) when it is wrong. */
    private @Nullable ModelRef modelRef(Path base, JsonNode m, String at, PipelineOptions po) {
        allow(m, at, MODEL_FIELDS);
        Path file = null;
        if (!m.path("file").isTextual()) {
            problem(at + "/file", "required: the model file, relative to the document's folder");
        } else {
            file = base.resolve(m.get("file").asText());
            if (!Files.isRegularFile(file)) {
                problem(at + "/file", "no such file: " + file);
                file = null;
            }
        }
        String dflt = m.path("file").asText().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx") ? "onnx" : "djl";
        JsonNode b = m.path("backend");
        String backend = b.isMissingNode() ? dflt : b.asText();
        if (!b.isMissingNode() && !b.isTextual()) {
            problem(at + "/backend", "expected a backend id (a string), got " + b);
            return null;
        }
        List<String> ids = po.registry().ids(PluginKind.BACKEND);
        if (po.registry().find(PluginKind.BACKEND, backend).isEmpty()) {
            problem(
                    at + "/backend",
                    "unknown backend '" + backend + "'" + PluginRegistry.didYouMean(backend, ids) + "; backends: "
                            + String.join(", ", ids));
            return null;
        }
        Map<String, Object> options = new LinkedHashMap<>();
        JsonNode opts = m.path("options");
        if (!opts.isMissingNode()) {
            if (!opts.isObject()) {
                problem(at + "/options", "expected an object of the backend's model options, got " + opts);
            } else {
                options.putAll(JSON.convertValue(opts, new TypeReference<Map<String, Object>>() {}));
            }
        }
        for (String shorthand : new String[] {"output", "inputs"}) {
            JsonNode v = m.path(shorthand);
            if (v.isMissingNode()) {
                continue;
            }
            if (!backend.equals("onnx")) {
                problem(
                        at + "/" + shorthand,
                        "\"" + shorthand + "\" is a shorthand of the onnx backend's options; for backend '" + backend
                                + "' give the model's options in \"options\"");
            } else if (options.containsKey(shorthand)) {
                problem(at + "/" + shorthand, "given twice: here and in \"options\"; keep one");
            } else if (shorthand.equals("output") && !v.isTextual()) {
                problem(at + "/output", "expected an output name (a string), got " + v);
            } else if (shorthand.equals("inputs")) {
                if (!v.isObject()) {
                    problem(at + "/inputs", "expected an object of constants, for example {\"timestep\": 0}, got " + v);
                } else {
                    v.fields().forEachRemaining(e -> {
                        if (!e.getValue().isNumber()) {
                            problem(
                                    at + "/inputs/" + e.getKey(),
                                    "expected a number (a constant for every image), got " + e.getValue());
                        }
                    });
                    options.put("inputs", JSON.convertValue(v, new TypeReference<Map<String, Object>>() {}));
                }
            } else {
                options.put(shorthand, v.asText());
            }
        }
        int batch = m.path("batchSize").asInt(64);
        if (m.has("batchSize") && (!m.get("batchSize").canConvertToInt() || batch < 1)) {
            problem(at + "/batchSize", "expected an integer >= 1 (images per model call), got " + m.get("batchSize"));
        }
        String id = m.path("id")
                .asText(m.path("file").asText() + ":"
                        + m.path("output").asText(String.valueOf(options.getOrDefault("output", "output0"))));
        return file == null ? null : new ModelRef(at, file, backend, options, Math.max(batch, 1), id);
    }

    /** Loads a model through its backend (started once per id); null with a problem at its path when it fails. */
    private @Nullable ScoreModel scoreModel(ModelRef m, Map<String, Backend> backends, PipelineOptions po) {
        Backend backend = backends.get(m.backend());
        try {
            if (backend == null) {
                backend = (Backend)
                        po.registry().create(PluginKind.BACKEND, m.backend(), null, PluginContext.of(po.registry()));
                backends.put(m.backend(), backend);
            }
        } catch (RuntimeException e) {
            problem(m.at() + "/backend", "cannot start backend '" + m.backend() + "': " + e.getMessage());
            return null;
        }
        try {
            return backend.loadScoreModel(new ModelSpec(m.file(), PredictionType.EPSILON, m.options()));
        } catch (UnsupportedOperationException e) {
            problem(m.at() + "/backend", String.valueOf(e.getMessage()));
        } catch (RuntimeException e) {
            problem(
                    m.at(),
                    "backend '" + m.backend() + "' cannot load " + m.file() + " as a score model: " + e.getMessage());
        }
        return null;
    }

    /** Checks "sampling" and "sweep"; null (with problems recorded) when they are wrong. */
    private @Nullable Sampling sampling(Path base, JsonNode doc, PipelineOptions po) {
        JsonNode s = doc.get("sampling");
        if (!s.isTextual()) {
            problem("/sampling", "expected the sampling document's file name, relative to this document, got " + s);
            return null;
        }
        Path file = base.resolve(s.asText());
        if (!Files.isRegularFile(file)) {
            problem("/sampling", "no such file: " + file);
            return null;
        }
        JsonNode sdoc;
        try {
            sdoc = Json.read(file);
        } catch (RuntimeException e) {
            problem("/sampling", "cannot read the sampling document " + file + ": " + e.getMessage());
            return null;
        }
        if (!(sdoc instanceof ObjectNode samplingDoc)) {
            problem("/sampling", file + " is not a JSON object");
            return null;
        }
        if (samplingDoc.has("sweep")) {
            problem(
                    "/sampling",
                    file + " has its own \"sweep\"; remove it and give the swept parameter as an axis of /sweep here");
        }
        JsonNode sw = doc.path("sweep");
        if (!sw.isArray() || sw.isEmpty()) {
            problem(
                    "/sweep",
                    "required with \"sampling\": a non-empty array of axes {\"parameter\": \"/guidance/guidanceScale\","
                            + " \"values\": [0, 1, 3]}; the first is the plots' x axis");
            return null;
        }
        List<SweepAxes.Axis> axes = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < sw.size(); i++) {
            String at = "/sweep/" + i;
            JsonNode a = sw.get(i);
            allow(a, at, AXIS_FIELDS);
            JsonNode p = a.path("parameter");
            JsonNode v = a.path("values");
            if (!p.isTextual() || !p.asText().startsWith("/") || p.asText().length() < 2) {
                problem(
                        at + "/parameter",
                        "expected a JSON pointer into the sampling document, such as"
                                + " \"/guidance/guidanceScale\", got " + p);
                continue;
            }
            SweepAxes.Axis axis = new SweepAxes.Axis(p.asText(), new ArrayList<>());
            if (!seen.add(axis.pointer())) {
                problem(at + "/parameter", "the axis " + axis.pointer() + " is given twice");
            }
            if (!(samplingDoc.at(axis.parent()) instanceof ObjectNode)) {
                problem(
                        at + "/parameter",
                        "the sampling document " + file + " has no object at "
                                + (axis.parent().isEmpty() ? "/" : axis.parent()) + " to set '" + axis.field()
                                + "' in");
            }
            if (!v.isArray() || v.isEmpty()) {
                problem(at + "/values", "required: a non-empty array of the axis's values");
                continue;
            }
            List<JsonNode> values = new ArrayList<>();
            for (int j = 0; j < v.size(); j++) {
                JsonNode x = v.get(j);
                if (i == 0 && (!x.isNumber() || !Double.isFinite(x.doubleValue()))) {
                    problem(
                            at + "/values/" + j,
                            "the first axis is the plots' x axis: its values must be numbers, got " + x);
                } else if (!x.isValueNode()) {
                    problem(at + "/values/" + j, "expected a JSON value (number, string, boolean), got " + x);
                }
                values.add(x);
            }
            axes.add(new SweepAxes.Axis(axis.pointer(), values));
        }
        if (axes.size() != sw.size()
                || problems.stream()
                        .anyMatch(q -> q.path().startsWith("/sweep") || q.path().equals("/sampling"))) {
            return null;
        }
        SweepAxes sweep = new SweepAxes(axes);
        Path folder = file.toAbsolutePath().getParent();
        PipelineOptions options =
                po.withBaseDirectory(Objects.requireNonNull(folder, "folder")).withSource(file.toString());
        // every combination is checked before anything is sampled: a bad value is reported at its place in /sweep
        List<ConfigProblem> own = SamplingPipeline.check(samplingDoc, options);
        java.util.Set<String> touched = new java.util.HashSet<>();
        axes.forEach(a -> touched.add(a.pointer()));
        for (ConfigProblem q : own) {
            if (touched.stream().noneMatch(t -> q.path().equals(t) || q.path().startsWith(t + "/"))) {
                problem(
                        "/sampling",
                        "the sampling document " + file + " at " + (q.path().isEmpty() ? "/" : q.path()) + ": "
                                + q.message());
            }
        }
        for (SweepAxes.Combination c : sweep.combinations()) {
            for (ConfigProblem q : SamplingPipeline.check(sweep.apply(samplingDoc, c), options)) {
                if (own.contains(q)) {
                    continue; // a problem of the document itself, reported once above
                }
                String at = "/sampling";
                for (int a = 0; a < axes.size(); a++) {
                    if (q.path().equals(axes.get(a).pointer())
                            || q.path().startsWith(axes.get(a).pointer() + "/")) {
                        at = "/sweep/" + a + "/values/" + c.axes()[a];
                    }
                }
                String where = "the sampling document " + file + " at "
                        + (q.path().isEmpty() ? "/" : q.path()) + ": " + q.message();
                // a bad axis value is reported once, at its place; any other problem with its combination
                String msg = at.equals("/sampling") ? "with " + sweep.settings(c) + ", " + where : where;
                String path = at;
                if (problems.stream()
                        .noneMatch(x -> x.path().equals(path) && x.message().equals(msg))) {
                    problem(at, msg);
                }
            }
        }
        return new Sampling(file, samplingDoc, sweep, options);
    }

    /**
     * Samples every combination of the sweep with the pipeline and evaluates it as soon as it is sampled
     * (one grid in memory at a time), with the labels it was sampled for.
     */
    private SweepReport sweep(
            Sampling s, Evaluator ev, boolean accuracy, SweepReport start, Path dir, String name, boolean npy)
            throws IOException {
        SweepReport report = start;
        List<SweepAxes.Combination> combos = s.axes().combinations();
        ArrayNode runs = JSON.createArrayNode();
        for (int i = 0; i < combos.size(); i++) {
            SweepAxes.Combination c = combos.get(i);
            SamplingPipeline pipeline = SamplingPipeline.fromJson(s.axes().apply(s.doc(), c), s.options());
            java.io.PrintWriter err = spec.commandLine().getErr();
            PipelineListener listener = new PipelineListener() {
                long steps;

                @Override
                public void onProgress(org.diffusion4j.pipeline.Progress p) {
                    Interrupts.atStep(++steps, err);
                }

                @Override
                public boolean cancelled() {
                    return Interrupts.requested();
                }
            };
            List<SampleSet> sets;
            try {
                sets = pipeline.sample(listener).sets();
            } catch (org.diffusion4j.api.SamplingCancelledException e) {
                throw new java.util.concurrent.CancellationException(
                        e.getMessage() + "; the evaluation report was not written");
            }
            if (sets.size() != 1) {
                throw new IllegalStateException("a swept run gave " + sets.size() + " grids; one was expected");
            }
            SampleSet set = sets.get(0);
            Tensor x = set.samples();
            String label = s.axes().settings(c).toString();
            ImageSet samples =
                    ImageSet.ofBatch(x.toFloatArray(), x.shape(), s.file().getFileName() + " " + label);
            int[] labels = accuracy ? labels(set) : null;
            EvaluationResult r = ev.evaluate(samples, labels);
            report = report.with(s.axes().series(c), c.values().get(0).doubleValue(), r);
            ObjectNode run = runs.addObject();
            ObjectNode settings = run.putObject("settings");
            s.axes().settings(c).forEach(settings::set);
            run.put("series", s.axes().series(c));
            run.put("n", samples.size());
            if (npy) {
                Path f = dir.resolve(name + "-" + i + ".npy");
                Npy.write(f, NdArray.of(x));
                run.put("tensors", f.toString());
            }
            run.set("resolvedConfig", set.resolvedConfig());
            spec.commandLine().getOut().println("evaluated " + (i + 1) + "/" + combos.size() + ": " + label);
        }
        ObjectNode doc = JSON.createObjectNode();
        doc.put("sampling", s.file().toString());
        doc.set("runs", runs);
        Path f = dir.resolve(name + "-runs.json");
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        AtomicFiles.write(f, os -> os.write(bytes));
        spec.commandLine().getOut().println("wrote " + f);
        return report;
    }

    /** The label of every sample of a grid (row-major rows × columns); null when a row is unconditional. */
    private static int @Nullable [] labels(SampleSet s) {
        int[] l = new int[s.rows() * s.columns()];
        for (int i = 0; i < l.length; i++) {
            Integer y = s.labels().get(i / s.columns());
            if (y == null) {
                return null;
            }
            l[i] = y;
        }
        return l;
    }

    private @Nullable ImageSet images(Path base, JsonNode parent, String field) {
        return images(base, parent, field, "");
    }

    /** A set of images from a .npy/.safetensors array, a folder of PNGs, or an IDX file; null (a problem) if unreadable. */
    private @Nullable ImageSet images(Path base, JsonNode parent, String field, String at) {
        JsonNode v = parent.path(field);
        String where = at + "/" + field;
        if (!v.isTextual()) {
            problem(where, "required: a file (.npy, .safetensors, IDX) or a folder of PNGs, relative to the document");
            return null;
        }
        Path p = base.resolve(v.asText());
        try {
            if (Files.isDirectory(p)) {
                return ImageReaders.pngFolder(p);
            }
            if (TensorFiles.Format.of(p) != TensorFiles.Format.RAW_F32) {
                return ImageReaders.array(p);
            }
            return ImageReaders.idxImages(p);
        } catch (IOException | RuntimeException e) {
            problem(where, "cannot read " + p + ": " + e.getMessage());
            return null;
        }
    }

    private int @Nullable [] labels(Path base, JsonNode v, String at, @Nullable ImageSet set) {
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        int[] l;
        if (v.isArray()) {
            l = new int[v.size()];
            for (int i = 0; i < l.length; i++) {
                if (!v.get(i).canConvertToInt() || v.get(i).asInt() < 0) {
                    problem(at + "/" + i, "expected a class label (an integer >= 0), got " + v.get(i));
                    return null;
                }
                l[i] = v.get(i).asInt();
            }
        } else if (v.isTextual()) {
            try {
                double[] d = TensorFiles.read(base.resolve(v.asText())).toDoubleArray();
                l = new int[d.length];
                for (int i = 0; i < d.length; i++) {
                    l[i] = (int) d[i];
                }
            } catch (IOException | RuntimeException e) {
                problem(at, "cannot read the labels " + v.asText() + ": " + e.getMessage());
                return null;
            }
        } else {
            problem(at, "expected an array of class labels or a .npy file of them, got " + v);
            return null;
        }
        if (set != null && l.length != set.size()) {
            problem(at, l.length + " labels for " + set.size() + " samples; give one label per sample");
            return null;
        }
        return l;
    }

    private void allow(JsonNode o, String at, Set<String> allowed) {
        if (!o.isObject()) {
            problem(at.isEmpty() ? "/" : at, "expected an object, got " + o);
            return;
        }
        o.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                problem(
                        at + "/" + f,
                        "unknown field '" + f + "'; allowed fields: "
                                + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        });
    }

    private void problem(String path, String message) {
        problems.add(new ConfigProblem(path, message));
    }

    private void throwIfAny(String src) {
        if (!problems.isEmpty()) {
            throw new PipelineConfigException(src, List.copyOf(problems));
        }
    }
}
