package org.diffusion4j.pipeline;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The document of one sampling run, as written in JSON (see {@code docs/pipeline.md} and
 * {@code docs/schema/sample-run.schema.json}). Immutable. Parsing checks the document's own structure;
 * the plugin objects ({@code backend}, {@code model}, {@code schedule}, {@code sampler},
 * {@code guidance}, {@code noise}) are checked against their providers by {@link SamplingPipeline}.
 *
 * <p>The grid of a run has one row per entry of {@code labels} (a class label, or {@code null} for
 * the unconditional row) and {@code samplesPerLabel} columns; or, with {@code sampleLabels}, one sample
 * per entry, each with its own noise (a grid of one column); or, with {@code sampleEmbeddings}, one sample
 * per embedding of a tensor file {@code [samples, ...embeddingShape]}, each with its own noise.
 */
public final class SampleSpec {
    /** The document format version. */
    public static final int VERSION = Documents.VERSION;

    private final @Nullable String description;
    private final @Nullable PluginSpec backend;
    private final @Nullable String device;
    private final PluginSpec model;
    private final PluginSpec schedule;
    private final @Nullable PluginSpec sampler;
    private final @Nullable PluginSpec guidance;
    private final List<@Nullable Integer> labels;
    private final boolean perSample;
    private final int samplesPerLabel;
    private final int batchSize;
    private final long seed;
    private final @Nullable PluginSpec noise;
    private final @Nullable Sweep sweep;
    private final @Nullable InitialState initialState;
    private final @Nullable TensorFile embeddings;
    /** Values in the embeddings file, once the pipeline has read it (0 before; for the run-size estimate). */
    private final long embeddingValues;

    private final @Nullable OutputSpec output;
    /** The generic fields given ({@link DocField#generic}), by JSON pointer. */
    private final Map<String, JsonNode> values;

    private SampleSpec(Builder b) {
        this.description = b.description;
        this.backend = b.backend;
        this.device = b.device;
        this.model = Objects.requireNonNull(b.model, "model");
        this.schedule = Objects.requireNonNull(b.schedule, "schedule");
        this.sampler = b.sampler;
        this.guidance = b.guidance;
        this.labels = Collections.unmodifiableList(new ArrayList<>(b.labels));
        this.perSample = b.perSample;
        this.samplesPerLabel = b.perSample ? 1 : b.samplesPerLabel;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.noise = b.noise;
        this.sweep = b.sweep;
        this.initialState = b.initialState;
        this.embeddings = b.embeddings;
        this.embeddingValues = b.embeddingValues;
        this.output = b.output;
        Map<String, JsonNode> v = new LinkedHashMap<>();
        b.values.forEach((k, x) -> v.put(k, x.deepCopy()));
        this.values = Collections.unmodifiableMap(v);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this document's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.description = description;
        b.backend = backend;
        b.device = device;
        b.model = model;
        b.schedule = schedule;
        b.sampler = sampler;
        b.guidance = guidance;
        b.labels = new ArrayList<>(labels);
        b.perSample = perSample;
        b.samplesPerLabel = perSample ? Builder.DEFAULT_SAMPLES : samplesPerLabel;
        b.batchSize = batchSize;
        b.seed = seed;
        b.noise = noise;
        b.sweep = sweep;
        b.initialState = initialState;
        b.embeddings = embeddings;
        b.embeddingValues = embeddingValues;
        b.output = output;
        b.values = new LinkedHashMap<>(values);
        return b;
    }

    /**
     * Parses a document, checking its structure.
     *
     * @throws PipelineConfigException listing every structural problem
     */
    public static SampleSpec fromJson(JsonNode doc, String source) {
        Problems p = new Problems();
        SampleSpec s = parse(doc, p, Catalog.NONE);
        p.throwIfAny(source);
        return Objects.requireNonNull(s);
    }

    /** Parses what can be parsed, recording problems; null when a required part is missing. */
    static @Nullable SampleSpec parse(JsonNode doc, Problems p, Catalog catalog) {
        Fields f = Fields.of(doc, "", p, "a sampling document");
        if (!f.valid()) {
            return null;
        }
        f.allow(Documents.SAMPLING);
        f.string("$schema");
        f.integer(Documents.VERSION_FIELD);
        Builder b = new Builder();
        b.description = f.string("description").orElse(null);
        b.backend = plugin(f, "backend", false, catalog);
        b.device = f.nonBlank("device").orElse(null);
        b.model = plugin(f, "model", true, catalog);
        b.schedule = plugin(f, "schedule", true, catalog);
        b.sampler = plugin(f, "sampler", false, catalog);
        b.guidance = plugin(f, "guidance", false, catalog);
        b.noise = plugin(f, "noise", false, catalog);
        labelList(f, "labels", "row").ifPresent(l -> b.labels = l);
        if (f.has("sampleLabels")) {
            if (f.has("labels") || f.has("samplesPerLabel")) {
                p.add(
                        f.at("sampleLabels"),
                        "give either sampleLabels (one sample per entry) or labels × samplesPerLabel (a"
                                + " grid), not both; remove " + (f.has("labels") ? "/labels" : "")
                                + (f.has("labels") && f.has("samplesPerLabel") ? " and " : "")
                                + (f.has("samplesPerLabel") ? "/samplesPerLabel" : ""));
            }
            labelList(f, "sampleLabels", "sample").ifPresent(l -> {
                b.labels = l;
                b.perSample = true;
            });
        }
        if (f.has("sampleEmbeddings")) {
            List<String> grid = new ArrayList<>();
            for (String g : List.of("labels", "samplesPerLabel", "sampleLabels")) {
                if (f.has(g)) {
                    grid.add("/" + g);
                }
            }
            if (!grid.isEmpty()) {
                p.add(
                        f.at("sampleEmbeddings"),
                        "give either sampleEmbeddings (one sample per embedding), sampleLabels or labels ×"
                                + " samplesPerLabel, not two of them; remove " + String.join(" and ", grid));
            }
            f.object("sampleEmbeddings", "a tensor file {\"file\": \"embeddings.npy\"}")
                    .ifPresent(s -> {
                        b.embeddings = tensorFile(
                                s, "the embeddings [samples, ...embeddingShape], such as \"embeddings.npy\"");
                        b.perSample = b.embeddings != null;
                    });
        }
        f.integer(Documents.SAMPLES_PER_LABEL).ifPresent(v -> b.samplesPerLabel = v.intValue());
        f.integer(Documents.BATCH_SIZE).ifPresent(v -> b.batchSize = v.intValue());
        f.integer(Documents.SEED).ifPresent(v -> b.seed = v);
        f.object("initialState", "a tensor file {\"file\": \"x_T.npy\"}").ifPresent(s -> {
            TensorFile t =
                    tensorFile(s, "the tensor file of x_T, relative to the document's folder, such as \"x_T.npy\"");
            b.initialState = t == null ? null : new InitialState(t.file(), t.tensor(), t.shape());
        });
        f.object("sweep", "a sweep {\"parameter\": \"/guidance/guidanceScale\", \"values\": [...]}")
                .ifPresent(s -> b.sweep = sweep(s, p));
        f.object("output", "the output settings").ifPresent(o -> b.output = output(o, p, b.values));
        readGeneric(f, Documents.SAMPLING, "", b.values);
        if (b.model == null || b.schedule == null) {
            return null;
        }
        return new SampleSpec(b);
    }

    /** A list of class labels (integers >= 0, null: unconditional), non-empty. */
    private static Optional<List<@Nullable Integer>> labelList(Fields f, String field, String what) {
        Optional<JsonNode> v = f.get(field);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        JsonNode n = v.get();
        if (!n.isArray() || n.isEmpty()) {
            f.problems()
                    .add(
                            f.at(field),
                            "expected a non-empty array of class labels (integers >= 0, or null for the"
                                    + " unconditional " + what + "), got " + Json.describe(n));
            return Optional.empty();
        }
        List<@Nullable Integer> l = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (e.isNull()) {
                l.add(null);
            } else {
                l.add(f.integerValue(e, f.at(field) + "/" + i, 0, Integer.MAX_VALUE)
                        .map(Long::intValue)
                        .orElse(0));
            }
        }
        return Optional.of(l);
    }

    /** A tensor file object ({@code initialState}, {@code sampleEmbeddings}); null when it has no file. */
    private static @Nullable TensorFile tensorFile(Fields s, String fileHint) {
        s.allow(Documents.INITIAL_STATE_FIELDS);
        Optional<String> file = s.nonBlank("file");
        s.require("file", fileHint);
        Optional<String> tensor = s.nonBlank("tensor");
        Optional<int[]> shape =
                s.intArray("shape", 1, (int) Documents.INITIAL_SHAPE.declaredMax(), 1, Integer.MAX_VALUE);
        if (file.isEmpty()) {
            return null;
        }
        TensorFile st = new TensorFile(file.get(), tensor.orElse(null), shape.orElse(new int[0]));
        if (tensor.isPresent() && st.format() != org.diffusion4j.io.TensorFiles.Format.SAFETENSORS) {
            s.problems()
                    .add(
                            s.at("tensor"),
                            "a tensor name is for a .safetensors file; '" + file.get() + "' is "
                                    + (st.format() == org.diffusion4j.io.TensorFiles.Format.NPY
                                            ? "a .npy file (one array)"
                                            : "read as raw float32"));
        }
        if (st.format() == org.diffusion4j.io.TensorFiles.Format.RAW_F32 && shape.isEmpty() && !s.has("shape")) {
            s.problems()
                    .add(
                            s.at("shape"),
                            "'" + file.get() + "' is neither .npy nor .safetensors, so it is read as raw"
                                    + " little-endian float32 and needs its shape, such as [16, 1, 28, 28]");
        }
        return st;
    }

    private static @Nullable PluginSpec plugin(Fields f, String field, boolean required, Catalog catalog) {
        if (!f.has(field)) {
            if (required) {
                f.require(
                        field,
                        field.equals("model")
                                ? "for example {\"type\": \"file\", \"file\": \"unet.onnx\", \"sampleShape\": [1, 28, 28]}"
                                : "for example {\"type\": \"linear\", \"numTrainTimesteps\": 1000}");
            }
            return null;
        }
        Optional<ObjectNode> o = PluginBinder.typedObject(
                f.get(field).orElseThrow(), f.at(field), field, catalog.known(field), f.problems());
        if (o.isEmpty()) {
            return null;
        }
        return PluginSpec.fromJson(o.get());
    }

    /** Lists the available plugin ids in messages, when the registry is at hand. */
    interface Catalog {
        Catalog NONE = field -> "";

        /** "; available samplers: ddim, ddpm" or "". */
        String known(String field);
    }

    private static @Nullable Sweep sweep(Fields s, Problems p) {
        s.allow(Documents.SWEEP_FIELDS);
        Optional<String> param = s.string("parameter");
        if (!s.require("parameter", "a JSON pointer such as /guidance/guidanceScale") || param.isEmpty()) {
            return null;
        }
        String ptr = param.get();
        if (!ptr.equals("/seed")
                && Documents.SWEEPABLE.stream().noneMatch(pre -> ptr.startsWith(pre) && ptr.length() > pre.length())) {
            p.add(
                    s.at("parameter"),
                    "cannot sweep '" + ptr + "'; a sweep parameter is /seed or a field under "
                            + String.join(
                                    ", ",
                                    Documents.SWEEPABLE.stream()
                                            .map(x -> x + "...")
                                            .toList()));
            return null;
        }
        if (!s.require("values", "an array of values, one run per value")) {
            return null;
        }
        JsonNode v = s.get("values").orElseThrow();
        long most = Documents.SWEEP_VALUES.declaredMax();
        if (!v.isArray() || v.isEmpty() || v.size() > most) {
            p.add(s.at("values"), "expected an array of 1 to " + most + " values, got " + Json.describe(v));
            return null;
        }
        List<JsonNode> vals = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isValueNode()) {
                p.add(s.at("values") + "/" + i, "expected a number, string or boolean, got " + Json.describe(v.get(i)));
                return null;
            }
            vals.add(v.get(i));
        }
        return new Sweep(ptr, vals);
    }

    /** The generic fields among {@code fields}, into {@code into} by pointer (under {@code at}). */
    private static void readGeneric(Fields f, List<DocField> fields, String at, Map<String, JsonNode> into) {
        for (DocField df : fields) {
            if (df.isGeneric()) {
                f.read(df).ifPresent(v -> into.put(at + Json.segment(df.name()), v));
            }
        }
    }

    private static @Nullable OutputSpec output(Fields o, Problems p, Map<String, JsonNode> values) {
        o.allow(Documents.OUTPUT_FIELDS);
        readGeneric(o, Documents.OUTPUT_FIELDS, "/output", values);
        OutputSpec d = OutputSpec.DEFAULT;
        String dir = o.nonBlank("dir").orElse(d.dir());
        String name = o.string("name").orElse(d.name());
        if (!name.matches(OutputSpec.NAME_PATTERN)) {
            p.add(o.at("name"), "a file name prefix of letters, digits, '.', '_' or '-' is needed, got '" + name + "'");
            name = d.name();
        }
        double lo = d.valueLow();
        double hi = d.valueHigh();
        Optional<JsonNode> vr = o.get("valueRange");
        if (vr.isPresent()) {
            JsonNode r = vr.get();
            if (!r.isArray()
                    || r.size() != 2
                    || !r.get(0).isNumber()
                    || !r.get(1).isNumber()
                    || !(r.get(0).doubleValue() < r.get(1).doubleValue())) {
                p.add(
                        o.at("valueRange"),
                        "expected [low, high] with low < high (the values shown black and white), got "
                                + Json.describe(r));
            } else {
                lo = r.get(0).doubleValue();
                hi = r.get(1).doubleValue();
            }
        }
        int up = o.integer(Documents.OUTPUT_UPSCALE).map(Long::intValue).orElse(d.upscale());
        int pad = o.integer(Documents.OUTPUT_PADDING).map(Long::intValue).orElse(d.padding());
        return new OutputSpec(dir, name, lo, hi, up, pad);
    }

    /** The document as JSON: exactly the settings given (defaults are not written out). */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("version", VERSION);
        if (description != null) {
            o.put("description", description);
        }
        if (backend != null) {
            o.set("backend", backend.toJson());
        }
        if (device != null) {
            o.put("device", device);
        }
        o.set("model", model.toJson());
        o.set("schedule", schedule.toJson());
        if (sampler != null) {
            o.set("sampler", sampler.toJson());
        }
        if (guidance != null) {
            o.set("guidance", guidance.toJson());
        }
        if (embeddings != null) {
            o.set("sampleEmbeddings", embeddings.toJson());
        } else if (perSample || !labels.equals(Builder.DEFAULT_LABELS)) {
            ArrayNode a = o.putArray(perSample ? "sampleLabels" : "labels");
            for (Integer l : labels) {
                if (l == null) {
                    a.addNull();
                } else {
                    a.add(l);
                }
            }
        }
        if (!perSample && samplesPerLabel != Builder.DEFAULT_SAMPLES) {
            o.put("samplesPerLabel", samplesPerLabel);
        }
        if (batchSize > 0) {
            o.put("batchSize", batchSize);
        }
        if (seed != 0) {
            o.put("seed", seed);
        }
        if (noise != null) {
            o.set("noise", noise.toJson());
        }
        if (initialState != null) {
            o.set("initialState", initialState.toJson());
        }
        if (sweep != null) {
            ObjectNode s = o.putObject("sweep");
            s.put("parameter", sweep.parameter());
            ArrayNode a = s.putArray("values");
            sweep.values().forEach(a::add);
        }
        if (output != null) {
            ObjectNode out = o.putObject("output");
            out.put("dir", output.dir());
            out.put("name", output.name());
            out.putArray("valueRange").add(output.valueLow()).add(output.valueHigh());
            out.put("upscale", output.upscale());
            out.put("padding", output.padding());
        }
        values.forEach((ptr, v) -> {
            ObjectNode parent = o;
            JsonPointer jp = JsonPointer.compile(ptr);
            for (; !jp.tail().matches(); jp = jp.tail()) {
                String name = jp.getMatchingProperty();
                parent = parent.get(name) instanceof ObjectNode on ? on : parent.putObject(name);
            }
            parent.set(jp.getMatchingProperty(), v.deepCopy());
        });
        return o;
    }

    public Optional<String> description() {
        return Optional.ofNullable(description);
    }

    public Optional<PluginSpec> backend() {
        return Optional.ofNullable(backend);
    }

    public Optional<String> device() {
        return Optional.ofNullable(device);
    }

    public PluginSpec model() {
        return model;
    }

    public PluginSpec schedule() {
        return schedule;
    }

    public Optional<PluginSpec> sampler() {
        return Optional.ofNullable(sampler);
    }

    public Optional<PluginSpec> guidance() {
        return Optional.ofNullable(guidance);
    }

    /**
     * One row per entry: a class label, or null for the unconditional row; with {@link #perSample()}, the
     * label of each sample ({@code sampleLabels}).
     */
    public List<@Nullable Integer> labels() {
        return labels;
    }

    /** Columns of the grid: {@code samplesPerLabel}, or 1 with {@link #perSample()}. */
    public int samplesPerLabel() {
        return samplesPerLabel;
    }

    /**
     * True when the document lists one label per sample ({@code sampleLabels}): sample i draws the noise
     * of grid column i, so a repeated label gets its own sample.
     */
    public boolean perSample() {
        return perSample;
    }

    /** The JSON field the samples came from: {@code labels}, {@code sampleLabels} or {@code sampleEmbeddings}. */
    String labelsField() {
        return embeddings != null ? "sampleEmbeddings" : perSample ? "sampleLabels" : "labels";
    }

    /**
     * The file of one condition embedding per sample ({@code sampleEmbeddings}), if the document gives one.
     * Such a run has {@link #perSample()} true and, once its pipeline is resolved, one {@code null} entry of
     * {@link #labels()} per embedding (sample i is conditioned on embedding i, not on a label).
     */
    public Optional<TensorFile> sampleEmbeddings() {
        return Optional.ofNullable(embeddings);
    }

    /**
     * This document with {@code n} samples of its embeddings, {@code values} values in all (the pipeline
     * reads both from the file).
     */
    SampleSpec withEmbeddingCount(int n, long values) {
        Builder b = toBuilder();
        List<@Nullable Integer> unlabelled = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            unlabelled.add(null);
        }
        b.labels = unlabelled;
        b.perSample = true;
        b.embeddingValues = values;
        return new SampleSpec(b);
    }

    /** Values of the embeddings file once read by the pipeline; 0 before, or without embeddings. */
    long embeddingValues() {
        return embeddingValues;
    }

    /** The given initial state x_T, if any. */
    public Optional<InitialState> initialState() {
        return Optional.ofNullable(initialState);
    }

    /** The most samples per sampler call; empty: all of a grid at once. */
    public OptionalInt batchSize() {
        return batchSize > 0 ? OptionalInt.of(batchSize) : OptionalInt.empty();
    }

    public long seed() {
        return seed;
    }

    public Optional<PluginSpec> noise() {
        return Optional.ofNullable(noise);
    }

    public Optional<Sweep> sweep() {
        return Optional.ofNullable(sweep);
    }

    /**
     * The value of a generic field ({@code Documents}' fields read from their description alone) at its JSON
     * pointer ({@code /myField}, {@code /output/myField}): as given, else its declared default, else empty.
     */
    public Optional<JsonNode> value(String pointer) {
        DocField f = Documents.field(pointer)
                .filter(DocField::isGeneric)
                .orElseThrow(() -> new IllegalArgumentException("no field read from its description alone at " + pointer
                        + "; a field with its own accessor is read with it"));
        JsonNode v = values.get(pointer);
        return v != null ? Optional.of(v.deepCopy()) : f.defaultJson();
    }

    /** The output settings, defaults when none were given. */
    public OutputSpec output() {
        return output == null ? OutputSpec.DEFAULT : output;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SampleSpec s && s.toJson().equals(toJson());
    }

    @Override
    public int hashCode() {
        return toJson().hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }

    /** Fluent builder of a sampling document; {@link #build()} checks it as parsing would. */
    public static final class Builder {
        static final List<@Nullable Integer> DEFAULT_LABELS = Collections.singletonList(null);
        static final int DEFAULT_SAMPLES =
                Documents.SAMPLES_PER_LABEL.declaredDefault().intValue();

        private @Nullable String description;
        private @Nullable PluginSpec backend;
        private @Nullable String device;
        private @Nullable PluginSpec model;
        private @Nullable PluginSpec schedule;
        private @Nullable PluginSpec sampler;
        private @Nullable PluginSpec guidance;
        private List<@Nullable Integer> labels = DEFAULT_LABELS;
        private boolean perSample;
        private @Nullable InitialState initialState;
        private @Nullable TensorFile embeddings;
        private long embeddingValues;
        private int samplesPerLabel = DEFAULT_SAMPLES;
        private int batchSize;
        private long seed;
        private @Nullable PluginSpec noise;
        private @Nullable Sweep sweep;
        private @Nullable OutputSpec output;
        private Map<String, JsonNode> values = new LinkedHashMap<>();

        private Builder() {}

        public Builder description(String d) {
            this.description = d;
            return this;
        }

        /** The backend plugin, e.g. {@code PluginSpec.of("djl").with("device", "gpu")}. */
        public Builder backend(PluginSpec b) {
            this.backend = b;
            return this;
        }

        /** The backend {@code type} with its default configuration. */
        public Builder backend(String type) {
            return backend(PluginSpec.of(type));
        }

        /** The device, passed to the backend's {@code device} setting. */
        public Builder device(String d) {
            this.device = d;
            return this;
        }

        public Builder model(PluginSpec m) {
            this.model = m;
            return this;
        }

        /** A model file with its sample shape, loaded by the backend. */
        public Builder modelFile(String file, int... sampleShape) {
            return model(PluginSpec.of("file").with("file", file).with("sampleShape", sampleShape));
        }

        public Builder schedule(PluginSpec s) {
            this.schedule = s;
            return this;
        }

        public Builder schedule(String type) {
            return schedule(PluginSpec.of(type));
        }

        public Builder sampler(PluginSpec s) {
            this.sampler = s;
            return this;
        }

        public Builder sampler(String type) {
            return sampler(PluginSpec.of(type));
        }

        public Builder guidance(PluginSpec g) {
            this.guidance = g;
            return this;
        }

        public Builder guidance(String type) {
            return guidance(PluginSpec.of(type));
        }

        /** One grid row per label. */
        public Builder labels(int... labels) {
            List<@Nullable Integer> l = new ArrayList<>();
            Arrays.stream(labels).forEach(l::add);
            this.labels = l;
            this.perSample = false;
            this.embeddings = null;
            return this;
        }

        /** One grid row per entry; null is the unconditional row. */
        public Builder labels(List<@Nullable Integer> labels) {
            this.labels = new ArrayList<>(labels);
            this.perSample = false;
            this.embeddings = null;
            return this;
        }

        /** One sample per entry, each with its own noise ({@code sampleLabels}); null is unconditional. */
        public Builder sampleLabels(List<@Nullable Integer> labels) {
            this.labels = new ArrayList<>(labels);
            this.perSample = true;
            this.embeddings = null;
            return this;
        }

        /**
         * One sample per embedding of a tensor file {@code [samples, ...embeddingShape]}
         * ({@code sampleEmbeddings}), each with its own noise; replaces labels and sampleLabels.
         */
        public Builder sampleEmbeddings(TensorFile file) {
            this.embeddings = file;
            this.perSample = true;
            this.labels = DEFAULT_LABELS;
            return this;
        }

        /** A given x_T ({@code initialState}). */
        public Builder initialState(InitialState s) {
            this.initialState = s;
            return this;
        }

        public Builder samplesPerLabel(int n) {
            this.samplesPerLabel = n;
            return this;
        }

        public Builder batchSize(int n) {
            this.batchSize = n;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        public Builder noise(PluginSpec n) {
            this.noise = n;
            return this;
        }

        public Builder sweep(Sweep s) {
            this.sweep = s;
            return this;
        }

        public Builder output(OutputSpec o) {
            this.output = o;
            return this;
        }

        /**
         * Sets a field that has no method of its own (a field read from its description alone) at its JSON
         * pointer, for example {@code set("/output/format", "npy")}; checked by {@link #build()}.
         */
        public Builder set(String pointer, Object value) {
            this.values.put(pointer, Json.tree(value));
            return this;
        }

        /**
         * The document; checked exactly as a parsed one is (by writing it to JSON and parsing it back).
         *
         * @throws PipelineConfigException when something is missing or out of range
         */
        public SampleSpec build() {
            if (model == null || schedule == null) {
                Problems p = new Problems();
                if (model == null) {
                    p.add(
                            "/model",
                            "missing required field 'model'; call model(...), modelFile(...) or use a resource predictor");
                }
                if (schedule == null) {
                    p.add("/schedule", "missing required field 'schedule'; call schedule(...)");
                }
                p.throwIfAny("builder");
            }
            return fromJson(new SampleSpec(this).toJson(), "builder");
        }
    }
}
