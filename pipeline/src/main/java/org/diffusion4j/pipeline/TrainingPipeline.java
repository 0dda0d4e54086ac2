package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.diffusion4j.pipeline.train.Trainers;
import org.jspecify.annotations.Nullable;

/**
 * A training run resolved from its document:
 * <pre>{@code
 * {"trainer": {"type": "mixture-fit", ...}, "schedule": {"type": "linear"}, "steps": 2000, "seed": 0,
 *  "output": {"dir": "runs/demo", "checkpointEvery": 500},
 *  "sample": {"sampler": {"type": "ddim", "steps": 25}}}
 * }</pre>
 * The trainer is found among the {@link TrainerProvider}s and its configuration bound strictly; the
 * schedule through the plugin registry. The optional {@code sample} object holds fields of a sampling
 * document that replace those of the generated one ({@link #samplingDocument}). Problems are reported
 * as for sampling documents.
 */
public final class TrainingPipeline {

    private final ObjectNode doc;
    private final TrainerProvider<?> provider;
    private final Object config;
    private final Schedule schedule;
    private final long steps;
    private final long seed;
    private final String outputDir;
    private final long checkpointEvery;
    private final ObjectNode sample;

    private TrainingPipeline(
            ObjectNode doc,
            TrainerProvider<?> provider,
            Object config,
            Schedule schedule,
            long steps,
            long seed,
            String outputDir,
            long checkpointEvery,
            ObjectNode sample) {
        this.doc = doc;
        this.provider = provider;
        this.config = config;
        this.schedule = schedule;
        this.steps = steps;
        this.seed = seed;
        this.outputDir = outputDir;
        this.checkpointEvery = checkpointEvery;
        this.sample = sample;
    }

    /** True for a training document (it has a {@code trainer}). */
    public static boolean isTrainingDocument(JsonNode doc) {
        return doc.isObject() && doc.has("trainer");
    }

    /** Every problem of a training document; empty when valid. */
    public static List<ConfigProblem> check(JsonNode doc, PipelineOptions o) {
        return validate(doc, o).problems();
    }

    /**
     * Every problem of a training document and every deprecated setting it uses, those of its
     * {@code sample} section under {@code /sample} ({@link Validation}).
     */
    public static Validation validate(JsonNode doc, PipelineOptions o) {
        Problems p = new Problems();
        resolve(doc, o, trainers(o), p);
        return p.validation();
    }

    /** The pipeline of a training document, with the trainers on the class path. */
    public static TrainingPipeline fromJson(JsonNode doc, PipelineOptions o) {
        return fromJson(doc, o, trainers(o));
    }

    /** The trainers of the options' registry when it has that kind, else those on the class path. */
    private static Trainers trainers(PipelineOptions o) {
        return o.registry().kinds().contains(TrainerProvider.KIND) ? Trainers.of(o.registry()) : Trainers.load();
    }

    /** The pipeline of a training document with the given trainers. */
    public static TrainingPipeline fromJson(JsonNode doc, PipelineOptions o, Trainers trainers) {
        Problems p = new Problems();
        TrainingPipeline t = resolve(doc, o, trainers, p);
        p.throwIfAny(o.source());
        p.logWarnings(o.source());
        if (t == null) {
            throw new IllegalStateException("unresolved training pipeline without a recorded problem");
        }
        return t;
    }

    private static @Nullable TrainingPipeline resolve(JsonNode doc, PipelineOptions o, Trainers trainers, Problems p) {
        Fields f = Fields.of(doc, "", p, "a training document");
        if (!f.valid()) {
            return null;
        }
        f.allow(Documents.TRAINING);
        f.string("$schema");
        f.string("description");
        f.integer(Documents.VERSION_FIELD);
        long steps = f.integer(Documents.STEPS).orElse(0L);
        f.require("steps", "the number of optimisation steps, e.g. 2000");
        long seed = f.integer(Documents.TRAIN_SEED).orElse(0L);
        String dir = Documents.TRAIN_OUTPUT_DIR.declaredDefault().asText();
        long every = Documents.CHECKPOINT_EVERY.declaredDefault().asLong();
        Optional<Fields> out = f.object("output", "the output settings");
        if (out.isPresent()) {
            out.get().allow(Documents.TRAIN_OUTPUT_FIELDS);
            dir = out.get().nonBlank("dir").orElse(dir);
            every = out.get().integer(Documents.CHECKPOINT_EVERY).orElse(every);
        }
        ObjectNode sample = Json.object();
        Optional<Fields> so = f.object(
                "sample",
                "fields of the generated sampling document, for example {\"sampler\": {\"type\": \"ddim\", \"steps\": 25}}");
        if (so.isPresent()) {
            so.get().allow(Documents.TRAINING_SAMPLE_FIELDS);
            sample = so.get().node().deepCopy();
        }
        Object schedule = null;
        if (f.require("schedule", "for example {\"type\": \"linear\", \"numTrainTimesteps\": 1000}")) {
            PluginBinder b = new PluginBinder(o.registry(), p);
            schedule = b.resolve(
                            PluginKind.SCHEDULE,
                            f.get("schedule").orElseThrow(),
                            "/schedule",
                            new org.diffusion4j.api.spi.PluginContext(
                                    o.registry(),
                                    java.util.Map.of(
                                            org.diffusion4j.pipeline.diffusers.DiffusersScheduleProvider.BASE_DIRECTORY,
                                            o.baseDirectory())))
                    .orElse(null);
        }
        TrainerProvider<?> provider = null;
        Object config = null;
        if (f.require("trainer", "available trainers: " + String.join(", ", trainers.ids()))) {
            PluginBinder tb = new PluginBinder(trainers.registry(), p);
            Optional<PluginBinder.Bound> bound =
                    tb.bind(TrainerProvider.KIND, f.get("trainer").orElseThrow(), "/trainer");
            if (bound.isPresent()
                    && tb.check(
                            bound.get(),
                            () -> check(
                                    (TrainerProvider<?>) bound.get().provider(),
                                    bound.get().config()))) {
                provider = (TrainerProvider<?>) bound.get().provider();
                config = bound.get().config();
            }
        }
        if (p.isEmpty() && schedule != null) {
            checkSampleSection((ObjectNode) doc, sample, seed, o, p);
        }
        if (!p.isEmpty() || provider == null || config == null || schedule == null) {
            return null;
        }
        return new TrainingPipeline(
                ((ObjectNode) doc).deepCopy(), provider, config, (Schedule) schedule, steps, seed, dir, every, sample);
    }

    /** The resource name of the stand-in model that {@link #checkSampleSection} validates the sample section with. */
    private static final String STAND_IN = "diffusion4j:trained-model";

    /**
     * Checks the {@code sample} section before training: the sampling document it makes, with a stand-in
     * for the model the training will write (its sample shape and classes are not known yet, so labels
     * and the size of a grid are checked when that document is sampled). Problems in the section are
     * reported under {@code /sample}; problems of the generated defaults (the DDIM sampler of 50 steps on
     * a schedule with fewer training steps, for example) at {@code /sample} saying what to set.
     */
    private static void checkSampleSection(
            ObjectNode doc, ObjectNode sample, long seed, PipelineOptions o, Problems p) {
        ObjectNode s = Json.object();
        s.put("version", SampleSpec.VERSION);
        s.putObject("model")
                .put("type", "resource")
                .put("name", STAND_IN)
                .put("classifier", STAND_IN + "/classifier")
                .putArray("sampleShape")
                .add(1);
        s.set("schedule", doc.get("schedule").deepCopy());
        s.putObject("sampler").put("type", "ddim").put("steps", 50);
        // as for a class-conditional model (the generated document's sweep, a default only then, is left out)
        s.putObject("guidance").put("type", "cfg").put("guidanceScale", 1.0);
        s.put("samplesPerLabel", Documents.SAMPLES_PER_LABEL.declaredDefault().intValue());
        s.put("seed", seed);
        sample.fields().forEachRemaining(e -> s.set(e.getKey(), e.getValue().deepCopy()));
        PipelineOptions so = o.withResource(STAND_IN, (org.diffusion4j.api.NoisePredictor) (x, t, c) -> x.times(0))
                .withResource(
                        STAND_IN + "/classifier", (org.diffusion4j.api.ClassifierGradient) (x, t, c) -> x.times(0));
        Validation v = SamplingPipeline.validate(s, so);
        for (ConfigProblem w : v.warnings()) {
            String first = w.path().isEmpty() ? "" : w.path().substring(1).split("/", 2)[0];
            if (sample.has(first)) {
                p.warn("/sample" + w.path(), w.message());
            }
        }
        for (ConfigProblem cp : v.problems()) {
            String first = cp.path().isEmpty() ? "" : cp.path().substring(1).split("/", 2)[0];
            if (sample.has(first)) {
                p.add("/sample" + cp.path(), cp.message());
            } else if (first.equals("schedule")) {
                p.add(
                        cp.path(),
                        cp.message() + " (with the sampler of the generated sampling document; set /sample/sampler)");
            } else if (!first.equals("model")) {
                p.add(
                        "/sample",
                        "the generated sampling document has a problem at " + cp.path() + ": " + cp.message()
                                + "; set that field in /sample");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <C> void check(TrainerProvider<C> p, Object c) {
        p.check((C) c);
    }

    @SuppressWarnings("unchecked")
    private static <C> TrainerProvider.Trainer create(TrainerProvider<C> p, Object c) {
        return p.create((C) c);
    }

    /** The document as given. */
    public ObjectNode toJson() {
        return doc.deepCopy();
    }

    public TrainerProvider<?> trainer() {
        return provider;
    }

    public long steps() {
        return steps;
    }

    public long seed() {
        return seed;
    }

    /** The output folder, as written in the document (relative to the working directory). */
    public String outputDir() {
        return outputDir;
    }

    /** Trains into {@code dir} (created when missing). */
    public TrainerProvider.TrainResult train(Path dir, TrainerProvider.TrainListener listener) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return create(provider, config)
                .train(new TrainerProvider.TrainRequest(schedule, steps, seed, dir, checkpointEvery), listener);
    }

    /**
     * A sampling document for the trained model: the same schedule, DDIM with 50 steps, 8 samples per
     * label, and, when the model is class-conditional, one row per class and a classifier-free guidance
     * sweep over γ ∈ {0, 1, 3, 5}; then the fields of the document's {@code sample} object replace
     * those defaults. The number of classes is what the model object's source says
     * ({@link org.diffusion4j.pipeline.spi.ModelSourceProvider#numClasses}); 0 when it says nothing.
     */
    public ObjectNode samplingDocument(TrainerProvider.TrainResult r) {
        return samplingDocument(r, numClasses(r.model()));
    }

    /** {@link #samplingDocument(TrainerProvider.TrainResult)} for a model with {@code numClasses} classes. */
    public ObjectNode samplingDocument(TrainerProvider.TrainResult r, int numClasses) {
        ObjectNode s = Json.object();
        s.put("version", SampleSpec.VERSION);
        JsonNode names = r.details().path("classNames");
        StringBuilder d = new StringBuilder("samples of the model trained by " + provider.id());
        if (numClasses > 0 && names.isArray() && names.size() == numClasses) {
            d.append("; rows (labels): ");
            for (int k = 0; k < numClasses; k++) {
                d.append(k == 0 ? "" : ", ")
                        .append(k)
                        .append(' ')
                        .append(names.get(k).asText());
            }
        }
        s.put("description", d.toString());
        r.backend().ifPresent(b -> s.putObject("backend").put("type", b));
        s.set("model", r.model());
        s.set("schedule", doc.get("schedule").deepCopy());
        s.putObject("sampler").put("type", "ddim").put("steps", 50);
        if (numClasses > 0) {
            s.putObject("guidance").put("type", "cfg").put("guidanceScale", 1.0);
            var labels = s.putArray("labels");
            for (int k = 0; k < numClasses; k++) {
                labels.add(k);
            }
            s.put(
                    "samplesPerLabel",
                    Documents.SAMPLES_PER_LABEL.declaredDefault().intValue());
            s.putObject("sweep")
                    .put("parameter", "/guidance/guidanceScale")
                    .putArray("values")
                    .add(0.0)
                    .add(1.0)
                    .add(3.0)
                    .add(5.0);
        } else {
            s.put(
                    "samplesPerLabel",
                    Documents.SAMPLES_PER_LABEL.declaredDefault().intValue());
        }
        s.put("seed", seed);
        sample.fields().forEachRemaining(e -> s.set(e.getKey(), e.getValue().deepCopy()));
        return s;
    }

    /** The number of classes the model object's source reports, 0 when unknown or unbindable. */
    static int numClasses(ObjectNode model) {
        Problems p = new Problems();
        return new PluginBinder(ModelSources.load().registry(), p)
                .bind(org.diffusion4j.pipeline.spi.ModelSourceProvider.KIND, model, "/model")
                .map(b -> Models.numClasses(b).orElse(0))
                .orElse(0);
    }
}
