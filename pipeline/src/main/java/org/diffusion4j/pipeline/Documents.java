package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.pipeline.DocField.Type;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.jspecify.annotations.Nullable;

/**
 * The fields of every document, described once ({@link DocField}): the sampling document, its
 * {@code output} and {@code sweep} objects, the training document and its {@code output}. The parsers
 * ({@link SampleSpec}, {@link TrainingPipeline}) read these fields with these limits, {@link SchemaGenerator}
 * writes the JSON Schemas from them (types, ranges, defaults, descriptions) and the field tables of
 * {@code docs/pipeline.md} are written from them ({@link DocumentTables}; a test fails when the docs or
 * the committed schemas drift).
 *
 * <h2>How to add a field</h2>
 * <ol>
 *   <li>Declare it here, in the list of its document, where it belongs in the order: name, type, range,
 *   default, description ({@code .inTrainingSample()} when a training document's {@code sample} may set it).</li>
 *   <li>A string (with {@code .oneOf(...)} choices), an integer, a number or a boolean: add {@code .generic()}. That
 *   is all: the parser checks it ({@link Fields#read}), the document keeps it ({@link SampleSpec#value},
 *   {@link SampleSpec.Builder#set}), the schema and the docs show it.</li>
 *   <li>Anything else: read it in {@link SampleSpec#parse} with the reader of its type ({@code f.integer(MY_FIELD)}
 *   takes the range from here) and give {@link SampleSpec} an accessor, a builder method and a line in
 *   {@code toJson}.</li>
 *   <li>Regenerate the schemas and the docs' tables:
 *   {@code mvn -pl pipeline -am verify -Dtest='SchemaTest,DocumentTablesTest' -Dsurefire.failIfNoSpecifiedTests=false
 *   -Dd4j.writeSchema=true -Dd4j.writeDocs=true}, and commit {@code docs/}.</li>
 * </ol>
 * A plugin's fields are not declared here: they are its configuration record, bound strictly by the
 * registry, and its schema is generated from that record.
 */
final class Documents {
    private Documents() {}

    /** The document format version. */
    static final int VERSION = 1;

    // ---------------------------------------------------------------- sampling document

    static final DocField SCHEMA = DocField.string("$schema", "the schema the document follows, for editors; not read");
    static final DocField VERSION_FIELD = DocField.integer("version", VERSION, VERSION, "the document format version")
            .byDefault(String.valueOf(VERSION));
    static final DocField DESCRIPTION =
            DocField.string("description", "free text saying what the run is").inTrainingSample();
    static final DocField BACKEND = DocField.plugin(
                    "backend", PluginKind.BACKEND, "backend plugin (`java`, `djl`, `onnx`, ...) and its settings")
            .byDefault("by model file extension (`.onnx` → onnx, `.pt` → djl), else the registry's default")
            .inTrainingSample();
    static final DocField DEVICE = DocField.string(
                    "device", "shorthand for the backend's `device` setting (`cpu`, `gpu`, `gpu(1)`)")
            .schema(Json.object().put("minLength", 1))
            .byDefault("backend's")
            .inTrainingSample();
    static final DocField MODEL = DocField.plugin(
                    "model",
                    ModelSourceProvider.KIND,
                    "model source: `file` (loaded by the backend),"
                            + " `gaussian-mixture` (exact-score model), `resource` (a predictor supplied in code)")
            .required();
    static final DocField SCHEDULE = DocField.plugin(
                    "schedule",
                    PluginKind.SCHEDULE,
                    "schedule plugin: `linear`, `scaled_linear`,"
                            + " `cosine`, `sigmoid`, `betas`, `cosine-logsnr`, `linear-logsnr`, `diffusers`")
            .required();
    static final DocField SAMPLER = DocField.plugin(
                    "sampler",
                    PluginKind.SAMPLER,
                    "sampler plugin: `ddim`, `ddpm`, `logsnr-ancestral`, any plugin on the class path")
            .byDefault(Map.of("type", "ddim"), "`{\"type\": \"ddim\"}` (50 steps)")
            .inTrainingSample();
    static final DocField GUIDANCE = DocField.plugin(
                    "guidance",
                    PluginKind.GUIDANCE,
                    "guidance plugin: `none`, `cfg`, `classifier` (composes: `\"inner\": {...}`)")
            .byDefault(Map.of("type", "none"), "`none`")
            .inTrainingSample();
    static final DocField LABELS = DocField.of(
                    "labels", Type.ARRAY, "one grid row per entry; a class label, or `null` for the unconditional row")
            .range(1, Integer.MAX_VALUE)
            .schema(itemsOf(Json.object()
                    .<ObjectNode>set("type", Json.tree(List.of("integer", "null")))
                    .put("minimum", 0)))
            .byDefault(java.util.Collections.singletonList(null), "`[null]`")
            .inTrainingSample();
    static final DocField SAMPLE_LABELS = DocField.of(
                    "sampleLabels",
                    Type.ARRAY,
                    "one sample per entry, each with its own noise (sample i draws the noise of grid column i): a class label,"
                            + " or `null` for unconditional; instead of `labels` × `samplesPerLabel`")
            .range(1, Integer.MAX_VALUE)
            .schema(itemsOf(Json.object()
                    .<ObjectNode>set("type", Json.tree(List.of("integer", "null")))
                    .put("minimum", 0)))
            .byDefault("none (the grid of `labels`)");
    static final DocField SAMPLE_EMBEDDINGS = DocField.of(
                    "sampleEmbeddings",
                    Type.OBJECT,
                    "one sample per condition embedding of a tensor file `[samples, ...embeddingShape]` (for a model"
                            + " with an embedding input), each with its own noise as with `sampleLabels`; the same"
                            + " fields as `initialState`; instead of `labels`/`sampleLabels`")
            .byDefault("none");
    static final DocField SAMPLES_PER_LABEL = DocField.integer("samplesPerLabel", 1, 4096, "grid columns")
            .byDefault(8, "8")
            .inTrainingSample();
    static final DocField BATCH_SIZE = DocField.integer(
                    "batchSize",
                    1,
                    65536,
                    "most samples per sampler call (never changes a sample's noise; see below for the model's rounding)")
            .byDefault("all at once")
            .inTrainingSample();
    static final DocField SEED = DocField.integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, "run seed")
            .byDefault(0, "0")
            .inTrainingSample();
    static final DocField NOISE = DocField.plugin(
                    "noise",
                    PluginKind.NOISE,
                    "noise source plugin: `sdk`, `torch-cpu` (its `generator`:"
                            + " `batch` or `per-sample`), `recorded` (draws read from a file)")
            .byDefault(Map.of("type", "sdk"), "`sdk`")
            .inTrainingSample();
    static final DocField INITIAL_STATE = DocField.of(
                    "initialState",
                    Type.OBJECT,
                    "a given x_T for every sample, `[samples, ...sampleShape]`, from a tensor file relative to the document's"
                            + " folder (`.npy`, `.safetensors` with its `tensor` name, else raw little-endian float32 with its `shape`)")
            .byDefault("drawn from the noise source");
    static final DocField SWEEP = DocField.of(
                    "sweep",
                    Type.OBJECT,
                    "repeat the run once per value of the field at a JSON pointer"
                            + " under `/guidance`, `/sampler`, `/schedule`, `/noise`, or `/seed`; one grid per value")
            .inTrainingSample();
    static final DocField OUTPUT = DocField.of(
                    "output",
                    Type.OBJECT,
                    "output folder, file prefix, value range shown black..white, pixel upscale, cell padding")
            .byDefault("`" + OutputSpec.DEFAULT.dir() + "`, `" + OutputSpec.DEFAULT.name() + "`, ["
                    + num(OutputSpec.DEFAULT.valueLow()) + ", " + num(OutputSpec.DEFAULT.valueHigh()) + "], "
                    + OutputSpec.DEFAULT.upscale() + ", " + OutputSpec.DEFAULT.padding())
            .inTrainingSample();

    /** The fields of a sampling document, in the order of the docs and of {@link SampleSpec#toJson}. */
    static final List<DocField> SAMPLING = List.of(
            SCHEMA,
            VERSION_FIELD,
            DESCRIPTION,
            BACKEND,
            DEVICE,
            MODEL,
            SCHEDULE,
            SAMPLER,
            GUIDANCE,
            LABELS,
            SAMPLE_LABELS,
            SAMPLE_EMBEDDINGS,
            SAMPLES_PER_LABEL,
            BATCH_SIZE,
            SEED,
            NOISE,
            INITIAL_STATE,
            SWEEP,
            OUTPUT);

    /** The pointers under which a sweep may set a value (and {@code /seed}). */
    static final List<String> SWEEPABLE = List.of("/guidance/", "/sampler/", "/schedule/", "/noise/");

    static final DocField SWEEP_PARAMETER = DocField.string(
                    "parameter", "the JSON pointer of the swept field, such as" + " `/guidance/guidanceScale`")
            .required()
            .schema(Json.object().put("pattern", "^(/seed|/(guidance|sampler|schedule|noise)/.+)$"));
    static final DocField SWEEP_VALUES = DocField.of("values", Type.ARRAY, "the values, one run per value")
            .required()
            .range(1, 256)
            .schema(itemsOf(Json.object().set("type", Json.tree(List.of("number", "string", "boolean")))));

    /** The fields of a sweep object. */
    static final List<DocField> SWEEP_FIELDS = List.of(SWEEP_PARAMETER, SWEEP_VALUES);

    static final DocField OUTPUT_DIR = DocField.string("dir", "output folder, relative to the working directory")
            .schema(Json.object().put("minLength", 1))
            .byDefault(OutputSpec.DEFAULT.dir(), "`" + OutputSpec.DEFAULT.dir() + "`");
    static final DocField OUTPUT_NAME = DocField.string("name", "file name prefix: letters, digits, `.`, `_` or `-`")
            .schema(Json.object().put("pattern", "^" + OutputSpec.NAME_PATTERN + "$"))
            .byDefault(OutputSpec.DEFAULT.name(), "`" + OutputSpec.DEFAULT.name() + "`");
    static final DocField OUTPUT_VALUE_RANGE = DocField.of(
                    "valueRange", Type.ARRAY, "[low, high], low < high: the sample values shown black and white")
            .range(2, 2)
            .schema(itemsOf(Json.object().put("type", "number")))
            .byDefault(
                    List.of(OutputSpec.DEFAULT.valueLow(), OutputSpec.DEFAULT.valueHigh()),
                    "[" + num(OutputSpec.DEFAULT.valueLow()) + ", " + num(OutputSpec.DEFAULT.valueHigh()) + "]");
    static final DocField OUTPUT_UPSCALE = DocField.integer(
                    "upscale", 1, OutputSpec.MAX_UPSCALE, "each pixel drawn as an upscale × upscale block")
            .byDefault(OutputSpec.DEFAULT.upscale(), "2");
    static final DocField OUTPUT_PADDING = DocField.integer(
                    "padding", 0, OutputSpec.MAX_PADDING, "pixels between grid cells")
            .byDefault(OutputSpec.DEFAULT.padding(), "2");

    static final DocField OUTPUT_TENSORS = DocField.string(
                    "tensors",
                    "also write each grid's samples `[samples, ...sampleShape]`"
                            + " as float32 next to its PNG: `npy` (NAME.npy) or `safetensors` (NAME.safetensors, tensor `samples`)")
            .oneOf("none", "npy", "safetensors")
            .byDefault("none", "`none`")
            .generic();

    /** The fields of a sampling document's output object. */
    static final List<DocField> OUTPUT_FIELDS =
            List.of(OUTPUT_DIR, OUTPUT_NAME, OUTPUT_VALUE_RANGE, OUTPUT_UPSCALE, OUTPUT_PADDING, OUTPUT_TENSORS);

    static final DocField INITIAL_FILE = DocField.string("file", "the tensor file, relative to the document's folder")
            .required()
            .schema(Json.object().put("minLength", 1));
    static final DocField INITIAL_TENSOR = DocField.string("tensor", "the tensor's name in a `.safetensors` file")
            .schema(Json.object().put("minLength", 1))
            .byDefault("the file's only tensor");
    static final DocField INITIAL_SHAPE = DocField.of(
                    "shape", Type.ARRAY, "the shape of a raw float32 file; checked for the" + " others")
            .range(1, 8)
            .schema(itemsOf(Json.object().put("type", "integer").put("minimum", 1)))
            .byDefault("the file's (required for raw float32)");

    /** The fields of a sampling document's initialState object. */
    static final List<DocField> INITIAL_STATE_FIELDS = List.of(INITIAL_FILE, INITIAL_TENSOR, INITIAL_SHAPE);

    // ---------------------------------------------------------------- training document

    static final DocField TRAINER = DocField.plugin(
                    "trainer",
                    TrainerProvider.KIND,
                    "trainer plugin (`mixture-fit`, `unet` with `pipeline-djl`) and its settings")
            .required();
    static final DocField TRAIN_SCHEDULE = DocField.plugin(
                    "schedule",
                    PluginKind.SCHEDULE,
                    "the noise schedule trained on; also the schedule of the generated sampling document")
            .required();
    static final DocField STEPS =
            DocField.integer("steps", 1, Long.MAX_VALUE, "optimisation steps").required();
    static final DocField TRAIN_SEED = DocField.integer(
                    "seed", Long.MIN_VALUE, Long.MAX_VALUE, "run seed (data order, noise, initial weights)")
            .byDefault(0, "0");
    /** Where a training run's checkpoints go when its document does not say. */
    static final String TRAIN_DIR = "runs/train";

    static final DocField TRAIN_OUTPUT = DocField.of("output", Type.OBJECT, "checkpoint folder and checkpoint interval")
            .byDefault("`" + TRAIN_DIR + "`, 0 (only at the end)");
    static final DocField TRAIN_SAMPLE = DocField.of(
                    "sample",
                    Type.OBJECT,
                    "fields of the generated sampling document that replace its defaults (see below)")
            .byDefault("none");

    /** The fields of a training document. */
    static final List<DocField> TRAINING = List.of(
            SCHEMA,
            VERSION_FIELD,
            DocField.string("description", "free text saying what the" + " run is"),
            TRAINER,
            TRAIN_SCHEDULE,
            STEPS,
            TRAIN_SEED,
            TRAIN_OUTPUT,
            TRAIN_SAMPLE);

    static final DocField TRAIN_OUTPUT_DIR = DocField.string(
                    "dir", "checkpoint folder, relative to the working directory")
            .schema(Json.object().put("minLength", 1))
            .byDefault(TRAIN_DIR, "`" + TRAIN_DIR + "`");
    static final DocField CHECKPOINT_EVERY = DocField.integer(
                    "checkpointEvery", 0, Long.MAX_VALUE, "save a checkpoint every this many steps; 0: only at the end")
            .byDefault(0, "0");

    /** The fields of a training document's output object. */
    static final List<DocField> TRAIN_OUTPUT_FIELDS = List.of(TRAIN_OUTPUT_DIR, CHECKPOINT_EVERY);

    /** The sampling fields a training document's {@code sample} object may set. */
    static final List<DocField> TRAINING_SAMPLE_FIELDS =
            SAMPLING.stream().filter(DocField::inSample).toList();

    /** The fields of the object field {@code parent} of {@code document}, if it has declared ones. */
    static Optional<List<DocField>> nested(List<DocField> document, DocField parent) {
        if (parent == SWEEP) {
            return Optional.of(SWEEP_FIELDS);
        }
        if (parent == OUTPUT) {
            return Optional.of(OUTPUT_FIELDS);
        }
        if (parent == INITIAL_STATE || parent == SAMPLE_EMBEDDINGS) {
            return Optional.of(INITIAL_STATE_FIELDS);
        }
        if (parent == TRAIN_OUTPUT) {
            return Optional.of(TRAIN_OUTPUT_FIELDS);
        }
        if (parent == TRAIN_SAMPLE) {
            return Optional.of(TRAINING_SAMPLE_FIELDS);
        }
        return Optional.empty();
    }

    /** The sampling document's field at {@code pointer} ({@code /seed}, {@code /output/dir}), if declared. */
    static Optional<DocField> field(String pointer) {
        for (DocField f : SAMPLING) {
            if (pointer.equals("/" + f.name())) {
                return Optional.of(f);
            }
            Optional<List<DocField>> nested = nested(SAMPLING, f);
            if (nested.isPresent() && pointer.startsWith("/" + f.name() + "/")) {
                String rest = pointer.substring(f.name().length() + 2);
                return nested.get().stream().filter(n -> n.name().equals(rest)).findFirst();
            }
        }
        return Optional.empty();
    }

    /** The plugin kind of the sampling document's field {@code name}, or null. */
    static @Nullable PluginKind<?> pluginKind(String name) {
        return SAMPLING.stream()
                .filter(f -> f.name().equals(name) && f.plugin() != null)
                .findFirst()
                .map(DocField::plugin)
                .orElse(null);
    }

    /** The default object of the sampling document's plugin field {@code name}: {@code {"type": "ddim"}}. */
    static ObjectNode defaultPlugin(String name) {
        return (ObjectNode) SAMPLING.stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .flatMap(DocField::defaultJson)
                .orElseThrow(() -> new IllegalArgumentException("no default for " + name));
    }

    /** The names of {@code fields}, as a set in their order. */
    static Set<String> names(List<DocField> fields) {
        return fields.stream().map(DocField::name).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    /** A number as the docs write it: {@code -1}, not {@code -1.0}. */
    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static ObjectNode itemsOf(ObjectNode items) {
        ObjectNode o = Json.object();
        o.set("items", items);
        return o;
    }
}
