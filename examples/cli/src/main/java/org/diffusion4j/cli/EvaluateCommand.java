package org.diffusion4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.diffusion4j.evaluation.EvaluationResult;
import org.diffusion4j.evaluation.Evaluator;
import org.diffusion4j.evaluation.FeatureModel;
import org.diffusion4j.evaluation.ImageReaders;
import org.diffusion4j.evaluation.ImageSet;
import org.diffusion4j.evaluation.SweepReport;
import org.diffusion4j.io.TensorFiles;
import org.diffusion4j.pipeline.ConfigProblem;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: measures sample sets against a reference set with the evaluation module ({@link Evaluator}):
 * Fréchet distance and precision/recall in a feature model's output, class accuracy with a classifier,
 * and writes a JSON report with one PNG plot per metric against the swept parameter ({@link SweepReport}).
 * The document ({@code eval.json}; files relative to its folder):
 * <pre>{@code
 * {"reference": "ref.npy",                       // .npy/.safetensors [N, C, H, W], a folder of PNGs, or an IDX file
 *  "featureModel": {"file": "features.onnx", "output": "logits", "inputs": {"timestep": 0}},
 *  "classifier": {"file": "classifier.onnx", "inputs": {"timestep": 0}},   // optional
 *  "parameter": "guidanceScale",
 *  "sets": [{"samples": "g1.npy", "value": 1, "series": "ddim", "labels": [0, 1, 2]}, ...],
 *  "k": 3, "cache": "cache", "output": {"dir": "out/eval", "name": "evaluation"}}
 * }</pre>
 * The models are ONNX files run with ONNX Runtime on the CPU ({@link OnnxScores}); numbers are comparable
 * only with the same feature model and the same sample count (the Fréchet distance is biased at small n;
 * the report gives n).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Measure sample sets against a reference set: Fréchet distance and precision/recall in a feature",
            "model's output, class accuracy with a classifier; write a JSON report and a PNG plot per metric."
        })
final class EvaluateCommand implements Callable<Integer> {
    static final Set<String> FIELDS = Set.of(
            "$schema",
            "description",
            "reference",
            "featureModel",
            "classifier",
            "parameter",
            "sets",
            "k",
            "cache",
            "output");
    static final Set<String> MODEL_FIELDS = Set.of("file", "output", "inputs", "id", "batchSize");
    static final Set<String> SET_FIELDS = Set.of("samples", "value", "series", "labels");

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

    @Override
    public Integer call() throws IOException {
        InputFiles.requireFile(spec.commandLine(), "--config", config, false);
        JsonNode doc = Json.read(config);
        Path base = InputFiles.folderOf(spec.commandLine(), "--config", config.toAbsolutePath());
        String src = config.toString();
        allow(doc, "", FIELDS);
        ImageSet ref = images(base, doc, "reference");
        JsonNode fm = doc.path("featureModel");
        if (!fm.isObject()) {
            problem(
                    "/featureModel",
                    "required: the feature model {\"file\": \"features.onnx\"} (an ONNX file; its output"
                            + " `output`, else its first)");
        } else {
            allow(fm, "/featureModel", MODEL_FIELDS);
            checkFile(base, fm, "/featureModel");
        }
        JsonNode cl = doc.path("classifier");
        if (!cl.isMissingNode() && !cl.isObject()) {
            problem("/classifier", "expected an object {\"file\": \"classifier.onnx\"}, got " + cl);
        } else if (cl.isObject()) {
            allow(cl, "/classifier", MODEL_FIELDS);
            checkFile(base, cl, "/classifier");
        }
        String parameter = doc.path("parameter").asText("value");
        int k = doc.path("k").asInt(3);
        if (doc.has("k") && (!doc.get("k").canConvertToInt() || k < 1)) {
            problem("/k", "expected an integer >= 1 (the neighbour rank of precision/recall), got " + doc.get("k"));
        }
        JsonNode sets = doc.path("sets");
        if (!sets.isArray() || sets.isEmpty()) {
            problem("/sets", "required: a non-empty array of {\"samples\": \"file\", \"value\": number}");
        }
        List<@Nullable ImageSet> sampleSets = new ArrayList<>();
        List<int @Nullable []> labels = new ArrayList<>();
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
        Path cache = doc.has("cache") ? base.resolve(doc.get("cache").asText()) : null;
        JsonNode o = doc.path("output");
        Path dir = out != null ? out : Path.of(o.path("dir").asText("out/eval"));
        String name = o.path("name").asText("evaluation");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            problem(
                    "/output/name",
                    "a file name prefix of letters, digits, '.', '_' or '-' is needed, got '" + name + "'");
        }
        throwIfAny(src);
        ImageSet reference = java.util.Objects.requireNonNull(ref, "reference");
        try (OnnxScores fmodel = model(base, fm, "/featureModel");
                OnnxScores classifier = cl.isObject() ? model(base, cl, "/classifier") : null) {
            throwIfAny(src);
            OnnxScores features = java.util.Objects.requireNonNull(fmodel, "featureModel");
            String id = fm.path("id")
                    .asText(fm.path("file").asText() + ":" + fm.path("output").asText("output0"));
            FeatureModel feature = FeatureModel.of(id, fm.path("batchSize").asInt(64), features::scores);
            Evaluator.Builder eb = Evaluator.builder(reference, feature).k(k);
            if (classifier != null) {
                eb.classifier(classifier::scores);
            }
            if (cache != null) {
                eb.cacheDirectory(cache);
            }
            Evaluator ev = eb.build();
            SweepReport report = SweepReport.of(parameter);
            for (int i = 0; i < sampleSets.size(); i++) {
                JsonNode s = sets.get(i);
                EvaluationResult r =
                        ev.evaluate(java.util.Objects.requireNonNull(sampleSets.get(i), "samples"), labels.get(i));
                report = report.with(
                        s.path("series").asText("samples"), s.get("value").doubleValue(), r);
            }
            Files.createDirectories(dir);
            for (Path p : report.write(dir, name)) {
                spec.commandLine().getOut().println("wrote " + p);
            }
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            int colon = m.indexOf(": ");
            if (m.startsWith("/") && colon > 0) {
                throw new PipelineConfigException(src, m.substring(0, colon), m.substring(colon + 2));
            }
            throw new PipelineConfigException(src, "", m);
        }
        return Main.OK;
    }

    private void checkFile(Path base, JsonNode m, String at) {
        if (!m.path("file").isTextual()) {
            problem(at + "/file", "required: the ONNX model file, relative to the document's folder");
        } else if (!Files.isRegularFile(base.resolve(m.get("file").asText()))) {
            problem(at + "/file", "no such file: " + base.resolve(m.get("file").asText()));
        }
    }

    private @Nullable OnnxScores model(Path base, JsonNode m, String at) {
        if (!m.path("file").isTextual()) {
            problem(at + "/file", "required: the ONNX model file, relative to the document's folder");
            return null;
        }
        Path f = base.resolve(m.get("file").asText());
        if (!Files.isRegularFile(f)) {
            problem(at + "/file", "no such file: " + f);
            return null;
        }
        Map<String, Double> constants = new LinkedHashMap<>();
        JsonNode in = m.path("inputs");
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNumber()) {
                problem(
                        at + "/inputs/" + e.getKey(),
                        "expected a number (a constant for every image), got " + e.getValue());
            } else {
                constants.put(e.getKey(), e.getValue().doubleValue());
            }
        }
        return new OnnxScores(f, m.has("output") ? m.get("output").asText() : null, constants, at);
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
