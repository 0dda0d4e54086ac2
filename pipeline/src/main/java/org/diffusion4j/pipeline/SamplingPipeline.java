package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginProvider;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.pipeline.diffusers.DiffusersScheduleProvider;
import org.diffusion4j.pipeline.spi.LoadedModel;
import org.diffusion4j.pipeline.spi.ModelContext;
import org.jspecify.annotations.Nullable;

/**
 * A sampling run resolved from its {@link SampleSpec}: every plugin found in the registry, every
 * configuration bound and checked, every problem reported at once with its JSON pointer. Cheap to
 * build (no backend is started, no model loaded); {@link #sample} does the work. Immutable: one
 * pipeline may run many times, each run with its own backend and state.
 *
 * <pre>{@code
 * SamplingResult r = SamplingPipeline.fromFile(Path.of("run.json")).sample();
 * }</pre>
 *
 * <h2>Noise</h2>
 * Sample (row r, column c) of a grid draws its noise from its own stream seeded with
 * {@code q_c = splitmix64(seed + (c + 1) · 0x9E3779B97F4A7C15)} (the per-sample seed the SDK noise
 * derives for sample c of a batch): every row and every sweep value starts column c from the same
 * noise, so the grid shows the effect of the label and the swept value alone, and the result does
 * not depend on {@code batchSize}. With {@code sampleLabels}, sample i draws the noise of column i. A
 * noise object that fixes its own seeds (the {@code torch-cpu} source's {@code seed}: one generator for
 * the whole batch; its {@code sampleSeeds}: one per sample) replaces these seeds, and the run must then
 * be one sampler call ({@code batchSize} absent or at least the number of samples). A given
 * {@code initialState} replaces the first draw.
 */
public final class SamplingPipeline {
    private final SampleSpec spec;
    private final PipelineOptions options;
    private final PluginBinder.Bound model;
    private final PluginProvider<?, ?> backendProvider;
    private final ObjectNode backendJson;
    private final List<Variant> variants;

    /** One run of a (swept) document, resolved by {@link SamplingResolver#resolveVariant}. */
    record Variant(
            String label,
            Optional<JsonNode> value,
            ObjectNode resolvedDoc,
            Schedule schedule,
            Sampler sampler,
            PluginBinder.Bound guidance,
            NoiseSource noise,
            long seed,
            Map<String, String> versions) {}

    SamplingPipeline(
            SampleSpec spec,
            PipelineOptions options,
            PluginBinder.Bound model,
            PluginProvider<?, ?> backendProvider,
            ObjectNode backendJson,
            List<Variant> variants) {
        this.spec = spec;
        this.options = options;
        this.model = model;
        this.backendProvider = backendProvider;
        this.backendJson = backendJson;
        this.variants = List.copyOf(variants);
    }

    /** The pipeline of a document file, with the plugins on the class path; files resolve against its folder. */
    public static SamplingPipeline fromFile(Path file) {
        return fromFile(file, PipelineOptions.defaults());
    }

    /** The pipeline of a document file; its folder becomes the options' base directory. */
    public static SamplingPipeline fromFile(Path file, PipelineOptions options) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IllegalArgumentException(file + ": not a document file (it has no parent folder)");
        }
        return fromJson(Json.read(file), options.withBaseDirectory(dir).withSource(file.toString()));
    }

    /**
     * The pipeline of a parsed document.
     *
     * @throws PipelineConfigException listing every problem
     */
    public static SamplingPipeline fromJson(JsonNode doc, PipelineOptions options) {
        Problems p = new Problems();
        SamplingPipeline sp = SamplingResolver.resolve(doc, options, p);
        p.throwIfAny(options.source());
        p.logWarnings(options.source());
        if (sp == null) {
            throw new IllegalStateException("unresolved pipeline without a recorded problem");
        }
        return sp;
    }

    /** The pipeline of a document built in code. */
    public static SamplingPipeline of(SampleSpec spec, PipelineOptions options) {
        return fromJson(spec.toJson(), options);
    }

    /** Every problem of a document; empty when it is valid. Starts no backend and loads no model. */
    public static List<ConfigProblem> check(JsonNode doc, PipelineOptions options) {
        return validate(doc, options).problems();
    }

    /**
     * Every problem of a document and every deprecated setting it uses ({@link Validation}). Starts no
     * backend and loads no model.
     */
    public static Validation validate(JsonNode doc, PipelineOptions options) {
        Problems p = new Problems();
        SamplingResolver.resolve(doc, options, p);
        return p.validation();
    }

    /** A fluent builder: the document's settings plus in-code resources. */
    public static Builder builder() {
        return new Builder();
    }

    /** The document. */
    public SampleSpec spec() {
        return spec;
    }

    /** The document as JSON, as given (round trip: {@code fromJson(p.toJson())} is the same pipeline). */
    public ObjectNode toJson() {
        return spec.toJson();
    }

    /**
     * For each variant, the complete document that reproduces it alone: backend filled in, sweep value
     * set, plugin names canonical, sampler taken from a diffusers import made explicit.
     */
    public List<ObjectNode> resolvedConfigs() {
        return variants.stream().map(v -> v.resolvedDoc().deepCopy()).collect(Collectors.toList());
    }

    /** The short names of the variants ({@code run}, or {@code guidanceScale=3} per sweep value). */
    public List<String> variantLabels() {
        return variants.stream().map(Variant::label).collect(Collectors.toList());
    }

    /** The id of the backend the run uses. */
    public String backendId() {
        return backendProvider.id();
    }

    /** Runs without a listener. */
    public SamplingResult sample() {
        return sample(PipelineListener.NONE);
    }

    /**
     * Starts the backend, loads the model, samples every variant, closes the backend. The result holds
     * every grid; for large runs use {@link #sample(PipelineListener, BiConsumer)}, which holds one.
     *
     * @throws org.diffusion4j.api.SamplingCancelledException when the listener cancelled
     * @throws PipelineConfigException when the backend rejects its settings, or the grids together do not
     *                                 fit in the memory limit ({@link PipelineOptions#memoryLimit()})
     */
    public SamplingResult sample(PipelineListener listener) {
        return run(listener, null);
    }

    /**
     * Like {@link #sample(PipelineListener)}, but hands each grid to {@code sink} as soon as it is
     * sampled and keeps none: the result's {@link SamplingResult#sets()} is empty, and the memory a run
     * needs is that of one grid, however many sweep values it has.
     *
     * @param sink called once per variant, in order, before the next variant starts, with the grid and
     *             the run so far (backend, device, model provenance, versions, load time; no sets)
     */
    public SamplingResult sample(PipelineListener listener, BiConsumer<SampleSet, SamplingResult> sink) {
        return run(listener, java.util.Objects.requireNonNull(sink, "sink"));
    }

    private Backend startBackend() {
        try {
            return (Backend) options.registry()
                    .create(PluginKind.BACKEND, backendProvider.id(), backendJson, context(options.resources()));
        } catch (org.diffusion4j.api.spi.PluginConfigException e) {
            throw new PipelineConfigException(
                    options.source(),
                    "/backend" + e.path(),
                    PluginBinder.stripCode(e.getMessage(), e.path()) + " (in backend '" + backendProvider.id() + "')");
        } catch (IllegalArgumentException e) {
            String msg = PluginBinder.describe(e);
            throw new PipelineConfigException(
                    options.source(),
                    PluginBinder.attribute(
                            "/backend", PluginBinder.fields(backendJson, backendProvider.configType()), msg),
                    msg + " (in backend '" + backendProvider.id() + "')");
        }
    }

    /** The document's model, loaded on {@code backend}. */
    private LoadedModel loadModel(Backend backend) {
        return Models.load(
                model,
                new ModelContext(
                        options.registry(), options.baseDirectory(), options.resources(), Optional.of(backend)));
    }

    private Shape sampleShape(LoadedModel m) {
        return m.sampleShape()
                .orElseThrow(() -> new IllegalStateException(
                        "model source '" + model.provider().id() + "' did not say the sample shape"));
    }

    private SamplingResult run(PipelineListener listener, @Nullable BiConsumer<SampleSet, SamplingResult> sink) {
        long t0 = System.nanoTime();
        Backend backend = startBackend();
        try {
            LoadedModel m = loadModel(backend);
            Shape shape = sampleShape(m);
            int[] dims = new int[shape.rank()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i);
            }
            Optional<String> tooLarge = new RunSize(spec, dims).problem(options, sink == null ? variants.size() : 1);
            if (tooLarge.isPresent()) {
                throw new PipelineConfigException(
                        options.source(),
                        SamplingResolver.sizePath(spec.toJson()),
                        tooLarge.get()
                                + (sink == null && variants.size() > 1
                                        ? "; or stream the grids with sample(listener, sink)"
                                        : ""));
            }
            Map<String, Object> res = new HashMap<>(options.resources());
            m.classifier().ifPresent(c -> res.putIfAbsent("classifier", c));
            PluginContext ctx = context(res);
            Duration load = Duration.ofNanos(System.nanoTime() - t0);
            List<SampleSet> sets = new ArrayList<>();
            Map<String, String> versions = new LinkedHashMap<>();
            for (Variant v : variants) {
                versions.putAll(v.versions());
            }
            versions.put("backend:" + backendProvider.id(), backendProvider.version());
            versions.put("model:" + model.provider().id(), model.provider().version());
            float @Nullable [] initial = initialState(shape);
            @Nullable Embeddings embeddings = embeddings();
            SamplingResult header = new SamplingResult(
                    List.of(),
                    backend.id(),
                    backendProvider.version(),
                    backend.device(),
                    m.provenance(),
                    versions,
                    load);
            for (int vi = 0; vi < variants.size(); vi++) {
                Variant v = variants.get(vi);
                listener.onVariant(vi, variants.size(), v.label());
                Guidance g = (Guidance) options.registry()
                        .create(
                                PluginKind.GUIDANCE,
                                v.guidance().provider().id(),
                                v.guidance().json(),
                                ctx);
                SampleSet set = run(v, vi, g, m, shape, backend, listener, initial, embeddings);
                if (sink == null) {
                    sets.add(set);
                } else {
                    sink.accept(set, header);
                }
            }
            return new SamplingResult(
                    sets, backend.id(), backendProvider.version(), backend.device(), m.provenance(), versions, load);
        } finally {
            backend.close();
        }
    }

    /** The document's initial state x_T for the whole run, checked against the batch shape; null when none is given. */
    private float @Nullable [] initialState(Shape shape) {
        if (spec.initialState().isEmpty()) {
            return null;
        }
        return spec.initialState().get().read(options.baseDirectory(), batchDims(spec, shape), options.source());
    }

    /** The document's sample embeddings for the whole run; null when it gives none. */
    private @Nullable Embeddings embeddings() {
        if (spec.sampleEmbeddings().isEmpty()) {
            return null;
        }
        org.diffusion4j.io.NdArray a =
                spec.sampleEmbeddings().get().read(options.baseDirectory(), "sampleEmbeddings", options.source());
        int[] dims = a.shape();
        if (dims.length < 2 || dims[0] != spec.labels().size()) {
            // the file changed between validation and the run
            throw new PipelineConfigException(
                    options.source(),
                    "/sampleEmbeddings",
                    "the sample embeddings '" + spec.sampleEmbeddings().get().file() + "' now have shape "
                            + java.util.Arrays.toString(dims) + "; the run was resolved for "
                            + spec.labels().size()
                            + " samples");
        }
        return new Embeddings(a.toFloatArray(), Shape.of(java.util.Arrays.copyOfRange(dims, 1, dims.length)));
    }

    /** One condition embedding per sample, row-major {@code [samples, ...shape]}. */
    private record Embeddings(float[] values, Shape shape) {
        Condition of(int sample, org.diffusion4j.api.tensor.TensorFactory f) {
            int per = Math.toIntExact(shape.size());
            return Condition.embedding(
                    f.of(java.util.Arrays.copyOfRange(values, sample * per, (sample + 1) * per), shape));
        }
    }

    /** The shape of all of a grid's samples: {@code [samples, ...sampleShape]}. */
    static int[] batchDims(SampleSpec spec, Shape shape) {
        int[] dims = new int[shape.rank() + 1];
        dims[0] = spec.labels().size() * spec.samplesPerLabel();
        System.arraycopy(shape.dims(), 0, dims, 1, shape.rank());
        return dims;
    }

    private SampleSet run(
            Variant v,
            int vi,
            Guidance guidance,
            LoadedModel m,
            Shape shape,
            Backend backend,
            PipelineListener listener,
            float @Nullable [] initial,
            @Nullable Embeddings embeddings) {
        long t0 = System.nanoTime();
        List<@Nullable Integer> labels = spec.labels();
        int cols = spec.samplesPerLabel();
        int n = labels.size() * cols;
        int chunk = spec.batchSize().orElse(n);
        int batches = (n + chunk - 1) / chunk;
        // each batch goes to host memory as it is done: the grid is held once, plus the batch being sampled
        // (the backend's tensors, native memory of djl for example, are also freed when it closes)
        int[] dims = new int[shape.rank() + 1];
        dims[0] = n;
        System.arraycopy(shape.dims(), 0, dims, 1, shape.rank());
        float[] host = new float[Math.toIntExact(Math.multiplyExact((long) n, shape.size()))];
        int filled = 0;
        for (int b = 0; b < batches; b++) {
            int from = b * chunk;
            int to = Math.min(n, from + chunk);
            List<Condition> conds = new ArrayList<>();
            long[] seeds = new long[to - from];
            for (int i = from; i < to; i++) {
                Integer label = labels.get(i / cols);
                conds.add(
                        embeddings != null
                                ? embeddings.of(i, backend.tensors())
                                : label == null ? Condition.none() : Condition.label(label));
                seeds[i - from] = sampleSeed(v.seed(), spec.perSample() ? i : i % cols);
            }
            Tensor x0 = null;
            if (initial != null) {
                int per = Math.toIntExact(shape.size());
                float[] slice = java.util.Arrays.copyOfRange(initial, from * per, to * per);
                x0 = backend.tensors().of(slice, shape.withBatch(to - from));
            }
            int batch = b + 1;
            StepListener sl = e -> {
                listener.onProgress(new Progress(vi + 1, variants.size(), batch, batches, e.index() + 1, e.count()));
                if (listener.cancelled()) {
                    e.cancel();
                }
            };
            float[] part = sampleBatch(v, guidance, m, shape, backend, conds, seeds, x0, sl);
            System.arraycopy(part, 0, host, filled, part.length);
            filled += part.length;
        }
        if (filled != host.length) {
            throw new IllegalStateException(
                    "sampler '" + v.resolvedDoc().at("/sampler/type").asText() + "' returned " + filled + " values for "
                            + n + " samples of shape " + shape);
        }
        Tensor all = org.diffusion4j.api.tensor.ArrayTensor.wrap(host, Shape.of(dims));
        return new SampleSet(
                v.label(),
                v.value(),
                v.resolvedDoc().deepCopy(),
                all,
                labels,
                cols,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** One batch: the samples of these conditions and per-sample noise seeds, to host memory. */
    private static float[] sampleBatch(
            Variant v,
            Guidance guidance,
            LoadedModel m,
            Shape shape,
            Backend backend,
            List<Condition> conds,
            long[] seeds,
            @Nullable Tensor initialState,
            StepListener sl) {
        SampleRequest.Builder rb = SampleRequest.builder()
                .predictor(m.predictor())
                .schedule(v.schedule())
                .guidance(guidance)
                .conditions(Conditions.of(conds))
                .sampleShape(shape)
                .sampleSeeds(seeds)
                .noise(v.noise())
                .tensors(backend.tensors());
        if (initialState != null) {
            rb.initialState(initialState);
        }
        SampleRequest request = rb.build();
        try (org.diffusion4j.api.tensor.TensorScope run =
                backend.tensors().openScope()) { // frees the batch's device tensors
            return v.sampler().sample(request, sl).toFloatArray();
        }
    }

    /**
     * Starts the backend and loads the model once, for sampling many batches of chosen samples (a
     * distributed run, where each worker samples the parts it is given). The caller closes the session.
     *
     * @throws PipelineConfigException when the backend rejects its settings, or the document has
     *                                 {@code sampleLabels} or {@code initialState} (a session samples grids)
     */
    public Session open() {
        if (spec.perSample() || spec.initialState().isPresent()) {
            // a session samples the (label, seed) pairs its caller computes from the grid; neither field is a grid's
            throw new PipelineConfigException(
                    options.source(),
                    spec.perSample() ? "/" + spec.labelsField() : "/initialState",
                    "a session (open(), the distributed run) samples grids of labels × samplesPerLabel from the run seed;"
                            + " it takes neither sampleLabels, sampleEmbeddings nor initialState: run the document with"
                            + " sample()");
        }
        Backend backend = startBackend();
        try {
            LoadedModel m = loadModel(backend);
            Shape shape = sampleShape(m);
            Map<String, Object> res = new HashMap<>(options.resources());
            m.classifier().ifPresent(c -> res.putIfAbsent("classifier", c));
            PluginContext ctx = context(res);
            List<Guidance> guidances = new ArrayList<>();
            for (Variant v : variants) {
                guidances.add((Guidance) options.registry()
                        .create(
                                PluginKind.GUIDANCE,
                                v.guidance().provider().id(),
                                v.guidance().json(),
                                ctx));
            }
            return new Session(backend, m, shape, guidances);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /**
     * A started backend with its model loaded ({@link #open()}). Sample c of a grid is
     * {@code sample(variant, [label], [sampleSeed(seed, c)])}; {@link #sample} computes each sample as
     * {@link SamplingPipeline#sample()} does: the same batch of (label, seed) pairs gives the same bits. A
     * sample in another batch is the same bits where the backend computes each sample of a batch alone
     * whatever the batch (the exact-score models); ONNX Runtime's kernels may round differently for another
     * batch size (by an ulp, seen on the CPU). Safe for several threads at once when the backend's predictor
     * is (the ONNX Runtime and exact-score predictors are).
     */
    public final class Session implements AutoCloseable {
        private final Backend backend;
        private final LoadedModel model;
        private final Shape shape;
        private final List<Guidance> guidances;

        private Session(Backend backend, LoadedModel model, Shape shape, List<Guidance> guidances) {
            this.backend = backend;
            this.model = model;
            this.shape = shape;
            this.guidances = List.copyOf(guidances);
        }

        /** The shape of one sample. */
        public Shape sampleShape() {
            return shape;
        }

        /** The model's provenance (file names, hashes). */
        public Map<String, String> provenance() {
            return model.provenance();
        }

        /** The run seed of a variant (the document's {@code seed}). */
        public long seed(int variant) {
            return variants.get(variant).seed();
        }

        /**
         * The samples of variant {@code variant} with these labels (null: unconditional) and per-sample noise
         * seeds, row-major, {@code labels.size() · sampleShape().size()} values.
         */
        public float[] sample(int variant, List<@Nullable Integer> labels, long[] seeds) {
            if (labels.size() != seeds.length) {
                throw new IllegalArgumentException(labels.size() + " labels but " + seeds.length + " seeds");
            }
            List<Condition> conds = new ArrayList<>();
            for (Integer l : labels) {
                conds.add(l == null ? Condition.none() : Condition.label(l));
            }
            return sampleBatch(
                    variants.get(variant),
                    guidances.get(variant),
                    model,
                    shape,
                    backend,
                    conds,
                    seeds.clone(),
                    null,
                    e -> {});
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    /**
     * The noise seed of grid column {@code column}: SplitMix64's output for {@code seed + (column + 1)·γ},
     * the SDK noise's per-sample stream seed ({@link SdkNoise#streamSeed}).
     */
    public static long sampleSeed(long seed, int column) {
        return SdkNoise.streamSeed(seed, column);
    }

    private PluginContext context(Map<String, Object> resources) {
        return context(options, resources);
    }

    static PluginContext context(PipelineOptions o, Map<String, Object> resources) {
        Map<String, Object> r = new HashMap<>(resources);
        r.putIfAbsent(DiffusersScheduleProvider.BASE_DIRECTORY, o.baseDirectory());
        return new PluginContext(o.registry(), r);
    }

    /**
     * Fluent builder: the settings of a {@link SampleSpec.Builder} plus the registry, base directory and
     * in-code resources ({@link #predictor}). {@link #build()} resolves as {@link #fromJson} does.
     */
    public static final class Builder {
        private final SampleSpec.Builder spec = SampleSpec.builder();
        private @Nullable PipelineOptions options;

        private Builder() {
            this.options = null;
        }

        private PipelineOptions opts() {
            if (options == null) {
                options = PipelineOptions.defaults().withSource("builder");
            }
            return options;
        }

        public Builder options(PipelineOptions o) {
            this.options = o;
            return this;
        }

        public Builder backend(String type) {
            spec.backend(type);
            return this;
        }

        public Builder backend(PluginSpec b) {
            spec.backend(b);
            return this;
        }

        public Builder device(String d) {
            spec.device(d);
            return this;
        }

        public Builder model(PluginSpec m) {
            spec.model(m);
            return this;
        }

        /** A model file with its sample shape. */
        public Builder modelFile(String file, int... sampleShape) {
            spec.modelFile(file, sampleShape);
            return this;
        }

        /**
         * An in-code predictor (a Java or Kotlin lambda): supplied as resource {@code name}, the model
         * becomes {@code {"type": "resource", "name": name, "sampleShape": [...]}}.
         */
        public Builder predictor(String name, org.diffusion4j.api.NoisePredictor predictor, int... sampleShape) {
            options = opts().withResource(name, predictor);
            spec.model(PluginSpec.of("resource").with("name", name).with("sampleShape", sampleShape));
            return this;
        }

        public Builder schedule(PluginSpec s) {
            spec.schedule(s);
            return this;
        }

        public Builder schedule(String type) {
            spec.schedule(type);
            return this;
        }

        public Builder sampler(PluginSpec s) {
            spec.sampler(s);
            return this;
        }

        public Builder sampler(String type) {
            spec.sampler(type);
            return this;
        }

        public Builder guidance(PluginSpec g) {
            spec.guidance(g);
            return this;
        }

        public Builder guidance(String type) {
            spec.guidance(type);
            return this;
        }

        public Builder labels(int... labels) {
            spec.labels(labels);
            return this;
        }

        public Builder labels(List<@Nullable Integer> labels) {
            spec.labels(labels);
            return this;
        }

        public Builder samplesPerLabel(int n) {
            spec.samplesPerLabel(n);
            return this;
        }

        public Builder batchSize(int n) {
            spec.batchSize(n);
            return this;
        }

        public Builder seed(long s) {
            spec.seed(s);
            return this;
        }

        public Builder noise(PluginSpec n) {
            spec.noise(n);
            return this;
        }

        public Builder sweep(Sweep s) {
            spec.sweep(s);
            return this;
        }

        public Builder output(OutputSpec o) {
            spec.output(o);
            return this;
        }

        /** A field without a method of its own, at its JSON pointer ({@link SampleSpec.Builder#set}). */
        public Builder set(String pointer, Object value) {
            spec.set(pointer, value);
            return this;
        }

        /** The pipeline; throws {@link PipelineConfigException} listing every problem. */
        public SamplingPipeline build() {
            return of(spec.build(), opts());
        }
    }
}
