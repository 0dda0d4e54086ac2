package org.diffusion4j.pipeline;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.spi.BackendProvider;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.PluginDescriptor;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.pipeline.diffusers.DiffusersImport;
import org.diffusion4j.pipeline.diffusers.DiffusersSchedule;
import org.diffusion4j.pipeline.spi.ModelContext;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a sampling document into a {@link SamplingPipeline}, in named steps: {@link #parse},
 * {@link #variantDocuments}, {@link #diffusersImport}, {@link #withImportedPrediction}, {@link #bindModel},
 * {@link #chooseBackend}, {@link #checkLabels}, {@link #checkRunSize}, {@link #resolveVariant}. Each
 * records its problems with their JSON pointers and returns what the later steps need; every problem is
 * reported at once. Starts no backend and loads no model.
 */
final class SamplingResolver {
    private SamplingResolver() {}

    /** One variant's document (the sweep value set in it) and the swept value. */
    record VariantDoc(ObjectNode doc, Optional<JsonNode> value) {}

    /** A bound model source with what its configuration tells before loading. */
    record ModelFacts(PluginBinder.Bound bound, OptionalInt numClasses, boolean providesClassifier) {}

    /** The backend a run starts: its provider and canonical JSON object. */
    record BackendChoice(BackendProvider<?> provider, ObjectNode json) {}

    static @Nullable SamplingPipeline resolve(JsonNode doc, PipelineOptions o, Problems p) {
        SampleSpec parsed = parse(doc, o, p);
        if (parsed == null) {
            return null;
        }
        SampleSpec spec = countEmbeddings(parsed, o, p);
        if (spec == null) {
            return null;
        }
        List<VariantDoc> docs = variantDocuments(spec, p);
        if (docs == null) {
            return null;
        }
        ObjectNode given = spec.toJson(); // before any sweep value is set
        Optional<DiffusersImport> imported = diffusersImport(given.get("schedule"), o);
        ObjectNode modelJson = withImportedPrediction((ObjectNode) given.get("model"), imported, o.modelSources());
        if (modelJson != given.get("model")) {
            docs.forEach(d -> d.doc().set("model", modelJson.deepCopy()));
        }
        Optional<ModelFacts> model = bindModel(modelJson, o, p);
        Optional<BackendChoice> backend = chooseBackend(spec, model, o, p);
        model.ifPresent(m -> checkLabels(spec, m.numClasses(), p));
        model.ifPresent(m -> checkRunSize(spec, m, o, doc, p));
        model.ifPresent(m -> checkInitialState(spec, m, o, p));
        boolean classifier = model.map(ModelFacts::providesClassifier).orElse(false);
        List<SamplingPipeline.Variant> variants = new ArrayList<>();
        for (VariantDoc d : docs) {
            resolveVariant(spec, d, docs.size(), model, backend, classifier, o, p)
                    .ifPresent(variants::add);
        }
        if (!variants.isEmpty()) {
            checkFixedNoiseSeeds(spec, doc, variants.get(0).resolvedDoc().path("noise"), p);
        }
        if (!p.isEmpty() || model.isEmpty() || backend.isEmpty()) {
            return null;
        }
        return new SamplingPipeline(
                spec,
                o,
                model.get().bound(),
                backend.get().provider(),
                backend.get().json(),
                variants);
    }

    /** Step 1: the document's own structure, with the available plugin ids in messages. */
    static @Nullable SampleSpec parse(JsonNode doc, PipelineOptions o, Problems p) {
        PluginRegistry reg = o.registry();
        SampleSpec.Catalog catalog = field -> {
            PluginKind<?> kind = Documents.pluginKind(field);
            if (kind == null) {
                return "";
            }
            PluginRegistry r =
                    kind == ModelSourceProvider.KIND ? o.modelSources().registry() : reg;
            return "; available " + kind.label() + "s: " + String.join(", ", r.ids(kind));
        };
        return SampleSpec.parse(doc, p, catalog);
    }

    /**
     * Step 1b: a document with {@code sampleEmbeddings} has one sample per embedding: the file is read
     * (relative to the document's folder) to count them. Null when it cannot be read or has no sample axis.
     */
    static @Nullable SampleSpec countEmbeddings(SampleSpec spec, PipelineOptions o, Problems p) {
        if (spec.sampleEmbeddings().isEmpty()) {
            return spec;
        }
        TensorFile f = spec.sampleEmbeddings().get();
        try {
            int[] shape =
                    f.read(o.baseDirectory(), "sampleEmbeddings", o.source()).shape();
            if (shape.length < 2 || shape[0] < 1) {
                p.add(
                        "/sampleEmbeddings",
                        "the sample embeddings '" + f.file() + "' have shape " + java.util.Arrays.toString(shape)
                                + "; expected [samples, ...embeddingShape] with at least one sample, such as [16, 77, 768]");
                return null;
            }
            long values = 1;
            for (int d : shape) {
                values = Math.multiplyExact(values, d);
            }
            return spec.withEmbeddingCount(shape[0], values);
        } catch (PipelineConfigException e) {
            e.problems().forEach(cp -> p.add(cp.path(), cp.message()));
            return null;
        }
    }

    /**
     * Step 2: the documents of the variants: the document without its sweep, once per sweep value with
     * the value set at the swept pointer; null when the pointer has no object to set it in.
     */
    static @Nullable List<VariantDoc> variantDocuments(SampleSpec spec, Problems p) {
        List<VariantDoc> docs = new ArrayList<>();
        ObjectNode base = spec.toJson();
        base.remove("sweep");
        if (spec.sweep().isEmpty()) {
            docs.add(new VariantDoc(base, Optional.empty()));
            return docs;
        }
        Sweep s = spec.sweep().get();
        JsonPointer ptr = JsonPointer.compile(s.parameter());
        if (!base.at(ptr.head()).isObject()) {
            p.add(
                    "/sweep/parameter",
                    "the document has no object at " + ptr.head() + " to set '" + s.shortName() + "' in");
            return null;
        }
        for (JsonNode value : s.values()) {
            ObjectNode d = base.deepCopy();
            ((ObjectNode) d.at(ptr.head())).set(ptr.last().getMatchingProperty(), value.deepCopy());
            docs.add(new VariantDoc(d, Optional.of(value)));
        }
        return docs;
    }

    /** Step 3: a diffusers schedule also says the sampler settings and the prediction type. */
    static Optional<DiffusersImport> diffusersImport(JsonNode schedule, PipelineOptions o) {
        Optional<Object> s = new PluginBinder(o.registry(), new Problems())
                .resolve(PluginKind.SCHEDULE, schedule, "/schedule", SamplingPipeline.context(o, o.resources()));
        return s.filter(DiffusersSchedule.class::isInstance).map(x -> ((DiffusersSchedule) x).imported());
    }

    /**
     * Step 4: the model object with the imported prediction type, when the document's model object does
     * not say one and its source has a {@code predictionType} setting; else {@code model} itself.
     */
    static ObjectNode withImportedPrediction(
            ObjectNode model, Optional<DiffusersImport> imported, ModelSources sources) {
        if (imported.isEmpty() || model.has("predictionType")) {
            return model;
        }
        Optional<ModelSourceProvider<?>> mp = sources.find(model.path("type").asText());
        if (mp.isEmpty() || !hasComponent(mp.get().configType(), "predictionType")) {
            return model;
        }
        ObjectNode m = model.deepCopy();
        m.put("predictionType", imported.get().predictionType());
        return m;
    }

    /** Step 5: the model source bound and checked without loading; its classes and classifier. */
    static Optional<ModelFacts> bindModel(ObjectNode modelJson, PipelineOptions o, Problems p) {
        PluginBinder b = new PluginBinder(o.modelSources().registry(), p);
        Optional<PluginBinder.Bound> bound = b.bind(ModelSourceProvider.KIND, modelJson, "/model");
        if (bound.isEmpty()) {
            return Optional.empty();
        }
        ModelContext ctx = new ModelContext(o.registry(), o.baseDirectory(), o.resources(), Optional.empty());
        ModelFacts[] facts = new ModelFacts[1];
        boolean ok = b.check(
                bound.get(),
                () -> facts[0] = new ModelFacts(
                        bound.get(), Models.check(bound.get(), ctx), Models.providesClassifier(bound.get())));
        return ok ? Optional.of(facts[0]) : Optional.empty();
    }

    /**
     * Step 6: the backend: the document's (with its {@code device}), else the one the model prefers, else
     * the registry's default; bound and checked without starting it.
     */
    static Optional<BackendChoice> chooseBackend(
            SampleSpec spec, Optional<ModelFacts> model, PipelineOptions o, Problems p) {
        PluginRegistry reg = o.registry();
        ObjectNode json;
        if (spec.backend().isPresent()) {
            json = spec.backend().get().toJson();
        } else {
            Optional<String> preferred = model.flatMap(m -> Models.preferredBackend(m.bound()));
            BackendProvider<?> chosen = null;
            if (preferred.isPresent()) {
                chosen = reg.find(PluginKind.BACKEND, preferred.get()).orElse(null);
                if (chosen == null) {
                    p.add(
                            "/model",
                            "this model needs backend '" + preferred.get() + "', which is not on the class path"
                                    + "; available backends: " + String.join(", ", reg.ids(PluginKind.BACKEND))
                                    + " (add its jar, or name a backend in /backend)");
                }
            } else {
                try {
                    chosen = reg.defaultBackendProvider();
                } catch (RuntimeException e) {
                    String message = e.getMessage();
                    p.add("/backend", message != null ? message : e.toString());
                }
            }
            if (chosen == null) {
                return Optional.empty();
            }
            json = Json.object().put("type", chosen.id());
        }
        if (spec.device().isPresent()) {
            json = withDevice(json, spec.device().get(), reg, p);
            if (json == null) {
                return Optional.empty();
            }
        }
        Problems bp = new Problems();
        PluginBinder b = new PluginBinder(reg, bp);
        Optional<PluginBinder.Bound> bound = b.bind(PluginKind.BACKEND, json, "/backend");
        if (bound.isPresent() && !b.check(bound.get(), SamplingPipeline.context(o, o.resources()))) {
            bound = Optional.empty();
        }
        // a problem with a device that the document gave at /device is reported there
        for (ConfigProblem cp : bp.list()) {
            p.add(
                    spec.device().isPresent() && cp.path().equals("/backend/device") ? "/device" : cp.path(),
                    cp.message());
        }
        p.addWarnings(bp.warnings());
        return bound.map(x -> new BackendChoice((BackendProvider<?>) x.provider(), x.canonicalJson()));
    }

    /**
     * Step 8b: a given initial state is read (relative to the document's folder) and its shape checked
     * against the run's batch shape, when the model object tells the sample shape.
     */
    static void checkInitialState(SampleSpec spec, ModelFacts model, PipelineOptions o, Problems p) {
        if (spec.initialState().isEmpty()
                || p.list().stream().anyMatch(cp -> cp.path().startsWith("/initialState"))) {
            return; // the object's own problems are reported already
        }
        Optional<int[]> sample = Models.sampleShape(model.bound());
        if (sample.isEmpty()) {
            return;
        }
        try {
            spec.initialState()
                    .get()
                    .read(o.baseDirectory(), SamplingPipeline.batchDims(spec, Shape.of(sample.get())), o.source());
        } catch (PipelineConfigException e) {
            e.problems().forEach(cp -> p.add(cp.path(), cp.message()));
        }
    }

    /**
     * Step 10: a noise object that fixes its own seeds (the {@code torch-cpu} source's {@code seed}, one
     * generator for the whole batch, or its {@code sampleSeeds}, one per sample) draws for all of a grid's
     * samples in one sampler call: a {@code batchSize} that splits the grid would restart the generator
     * with every batch, and the sample seeds must name every sample. The document's own {@code seed} (or a
     * sweep of it) would be ignored, so it is an error too: no field is silently ignored.
     */
    static void checkFixedNoiseSeeds(SampleSpec spec, JsonNode doc, JsonNode noise, Problems p) {
        boolean seed = noise.has("seed") && !noise.get("seed").isNull();
        JsonNode sampleSeeds = noise.path("sampleSeeds");
        boolean listed = sampleSeeds.isArray() && !sampleSeeds.isEmpty();
        if (!seed && !listed) {
            return;
        }
        long n = (long) spec.labels().size() * spec.samplesPerLabel();
        String which = seed
                ? "/noise/seed seeds one generator for the whole batch"
                : "/noise/sampleSeeds seed one generator per" + " sample";
        if (doc.has("seed")
                || spec.sweep().map(sw -> sw.parameter().equals("/seed")).orElse(false)) {
            p.add(
                    doc.has("seed") ? "/seed" : "/sweep/parameter",
                    which + " and replaces the run seed, which would be" + " ignored; remove "
                            + (doc.has("seed") ? "/seed" : "the sweep of /seed (sweep /noise/seed instead)"));
        }
        if (spec.batchSize().isPresent() && spec.batchSize().getAsInt() < n) {
            p.add(
                    "/batchSize",
                    which + ", so the run's " + n + " samples must be one sampler call, but batchSize "
                            + spec.batchSize().getAsInt()
                            + " splits them (every batch would restart the generator); remove batchSize"
                            + " or make it at least " + n);
        }
        if (listed && sampleSeeds.size() != n) {
            p.add(
                    "/noise/sampleSeeds",
                    sampleSeeds.size() + " sample seeds but the run has " + n + " samples (" + spec.labelsField()
                            + (spec.perSample() ? "" : " × samplesPerLabel") + "); give one seed per sample");
        }
    }

    /** Step 7: every label against the model's classes. */
    static void checkLabels(SampleSpec spec, OptionalInt numClasses, Problems p) {
        if (numClasses.isEmpty()) {
            return;
        }
        int k = numClasses.getAsInt();
        for (int i = 0; i < spec.labels().size(); i++) {
            Integer l = spec.labels().get(i);
            if (l != null && l >= k) {
                p.add(
                        "/" + spec.labelsField() + "/" + i,
                        "label " + l + " but the model has " + k + " classes; allowed labels: 0.." + (k - 1)
                                + " or null (unconditional)");
            }
        }
    }

    /** Step 8: the size of one grid, when the model object tells the sample shape. */
    static void checkRunSize(SampleSpec spec, ModelFacts model, PipelineOptions o, JsonNode doc, Problems p) {
        Models.sampleShape(model.bound())
                .flatMap(shape -> new RunSize(spec, shape).problem(o, 1))
                .ifPresent(m -> p.add(sizePath(doc), m));
    }

    /** Where a run that is too large is reported: at samplesPerLabel when the document sets it, else at labels. */
    static String sizePath(JsonNode doc) {
        if (doc.has("sampleLabels")) {
            return "/sampleLabels";
        }
        if (doc.has("sampleEmbeddings")) {
            return "/sampleEmbeddings";
        }
        return doc.has("samplesPerLabel") || !doc.has("labels") ? "/samplesPerLabel" : "/labels";
    }

    /**
     * Step 9, once per variant: schedule, sampler (a diffusers import's merged in), guidance and noise
     * bound and made, the guidance's needs against the sampler's capabilities, the sampler dry-run on the
     * schedule; the variant's complete document with canonical plugin names. A problem found in one variant
     * of a sweep names the swept value; one found before is not repeated.
     */
    static Optional<SamplingPipeline.Variant> resolveVariant(
            SampleSpec spec,
            VariantDoc vd,
            int count,
            Optional<ModelFacts> model,
            Optional<BackendChoice> backend,
            boolean providesClassifier,
            PipelineOptions o,
            Problems p) {
        PluginRegistry reg = o.registry();
        ObjectNode d = vd.doc();
        PluginContext ctx = SamplingPipeline.context(o, o.resources());
        Map<String, Object> guidanceResources = new HashMap<>(o.resources());
        if (providesClassifier) {
            guidanceResources.putIfAbsent("classifier", (ClassifierGradient) (x, t, c) -> x);
        }
        PluginContext guidanceCtx = SamplingPipeline.context(o, guidanceResources);
        Problems vp = new Problems();
        PluginBinder vb = new PluginBinder(reg, vp);
        Optional<Object> schedule = vb.resolve(PluginKind.SCHEDULE, d.get("schedule"), "/schedule", ctx);
        ObjectNode samplerJson = d.has("sampler") ? (ObjectNode) d.get("sampler") : null;
        if (schedule.isPresent() && schedule.get() instanceof DiffusersSchedule ds) {
            samplerJson = mergeImportedSampler(samplerJson, ds.imported().sampler(), reg);
        }
        ObjectNode samplerDoc = samplerJson != null ? samplerJson : Documents.defaultPlugin("sampler");
        Optional<PluginBinder.Bound> sampler = vb.bind(PluginKind.SAMPLER, samplerDoc, "/sampler");
        Optional<Object> samplerObj = sampler.flatMap(b -> vb.create(b, ctx));
        ObjectNode guidanceJson =
                d.has("guidance") ? (ObjectNode) d.get("guidance") : Documents.defaultPlugin("guidance");
        Optional<PluginBinder.Bound> guidance = vb.bind(PluginKind.GUIDANCE, guidanceJson, "/guidance");
        Optional<Object> guidanceObj =
                guidance.flatMap(b -> vb.resolve(PluginKind.GUIDANCE, guidanceJson, "/guidance", guidanceCtx));
        ObjectNode noiseJson = d.has("noise") ? (ObjectNode) d.get("noise") : Documents.defaultPlugin("noise");
        Optional<PluginBinder.Bound> noise = vb.bind(PluginKind.NOISE, noiseJson, "/noise");
        Optional<Object> noiseObj = noise.flatMap(b -> vb.create(b, ctx));
        if (sampler.isPresent() && guidance.isPresent() && guidanceObj.isPresent() && samplerObj.isPresent()) {
            checkMeanShift(
                    (Guidance) guidanceObj.get(),
                    guidance.get().provider(),
                    sampler.get().provider(),
                    vp);
        }
        if (vp.isEmpty() && schedule.isPresent() && samplerObj.isPresent() && noiseObj.isPresent()) {
            dryRun(
                    (Schedule) schedule.get(),
                    (Sampler) samplerObj.get(),
                    sampler.get(),
                    (ObjectNode) d.get("schedule"),
                    vp);
        }
        String suffix = vd.value()
                .map(v -> " (with " + spec.sweep().orElseThrow().parameter() + " = " + v + ")")
                .orElse("");
        for (ConfigProblem cp : vp.list()) {
            boolean dup = p.list().stream()
                    .anyMatch(q -> q.path().equals(cp.path()) && q.message().startsWith(cp.message()));
            if (!dup) {
                p.add(cp.path(), cp.message() + (count > 1 && !commonToAll(cp) ? suffix : ""));
            }
        }
        p.addWarnings(vp.warnings());
        if (!vp.isEmpty() || schedule.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode resolved = d.deepCopy();
        resolved.remove("sweep");
        backend.ifPresent(b -> resolved.set("backend", b.json().deepCopy()));
        resolved.remove("device");
        resolved.set("sampler", sampler.get().canonicalJson());
        resolved.set("guidance", guidance.get().canonicalJson());
        resolved.set("noise", noise.get().canonicalJson());
        resolved.set("schedule", canonical(reg, PluginKind.SCHEDULE, (ObjectNode) d.get("schedule")));
        model.ifPresent(m -> resolved.set("model", m.bound().canonicalJson()));
        String scheduleId = resolved.get("schedule").get("type").asText();
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put(
                "schedule:" + scheduleId,
                reg.provider(PluginKind.SCHEDULE, scheduleId).version());
        for (PluginBinder.Bound b : List.of(sampler.get(), guidance.get(), noise.get())) {
            versions.put(
                    b.provider().kind().label() + ":" + b.provider().id(),
                    b.provider().version());
        }
        String label = vd.value()
                .map(v -> spec.sweep().orElseThrow().shortName() + "=" + v.asText())
                .orElse("run");
        return Optional.of(new SamplingPipeline.Variant(
                label,
                vd.value(),
                resolved,
                (Schedule) schedule.get(),
                (Sampler) samplerObj.get(),
                guidance.get(),
                (NoiseSource) noiseObj.get(),
                resolved.path("seed").asLong(0),
                versions));
    }

    /** A guidance that shifts the DDPM posterior mean needs a sampler with the MEAN_SHIFT capability. */
    static void checkMeanShift(
            Guidance guidance, PluginDescriptor<?> guidanceProvider, PluginDescriptor<?> sampler, Problems p) {
        if (guidance.usesMeanShift() && !sampler.capabilities().contains(Capability.MEAN_SHIFT)) {
            p.add(
                    "/guidance",
                    "guidance '" + guidanceProvider.id() + "' shifts the DDPM posterior mean, which sampler '"
                            + sampler.id()
                            + "' cannot apply; use placement \"epsilon\" or a sampler with the MEAN_SHIFT"
                            + " capability (ddpm)");
        }
    }

    /**
     * Runs the sampler for its first step on one scalar sample with a zero predictor: what the sampler
     * checks before it starts (its steps against the schedule's training steps, the timesteps a spacing
     * and offset give) fails here, before any model is loaded.
     */
    static void dryRun(
            Schedule schedule, Sampler sampler, PluginBinder.Bound samplerBound, ObjectNode scheduleJson, Problems vp) {
        SampleRequest r = SampleRequest.builder()
                .predictor((x, t, c) -> x.times(0))
                .schedule(schedule)
                .guidance(Guidance.NONE)
                .conditions(Conditions.of(Condition.none()))
                .sampleShape(Shape.of(1))
                .sampleSeeds(1L)
                .tensors(ArrayTensor.FACTORY)
                .build();
        try {
            sampler.sample(r, org.diffusion4j.api.StepEvent::cancel);
        } catch (java.util.concurrent.CancellationException e) {
            // the first step ran: the sampler accepts the schedule
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            String msg = PluginBinder.describe(e);
            String at = PluginBinder.attribute("/sampler", samplerBound.json(), msg);
            if (at.equals("/sampler")) {
                at = PluginBinder.attribute("/schedule", scheduleJson, msg);
                if (at.equals("/schedule")) {
                    at = "/sampler";
                }
            }
            vp.add(
                    at,
                    msg + " (sampler '" + samplerBound.provider().id() + "' on schedule '"
                            + scheduleJson.path("type").asText() + "'; change the sampler's steps or the schedule)");
        } catch (RuntimeException e) {
            // not a configuration problem the sampler could tell; the run reports it
        }
    }

    private static boolean commonToAll(ConfigProblem cp) {
        return Documents.SWEEPABLE.stream().noneMatch(pre -> cp.path().startsWith(pre.substring(0, pre.length() - 1)));
    }

    private static ObjectNode canonical(PluginRegistry reg, PluginKind<?> kind, ObjectNode json) {
        ObjectNode o = json.deepCopy();
        reg.find(kind, json.path("type").asText()).ifPresent(pp -> o.put("type", pp.id()));
        return o;
    }

    /**
     * The document's sampler with a diffusers import's settings merged in, when both are of one kind: the
     * document's fields win; its processing fields ({@code clipSample}, {@code thresholding}) replace the
     * imported processing as a whole, and so do its σ spacing fields the imported spacing.
     */
    static @Nullable ObjectNode mergeImportedSampler(
            @Nullable ObjectNode given, ObjectNode imported, PluginRegistry reg) {
        if (given == null) {
            return imported;
        }
        String gt = reg.find(PluginKind.SAMPLER, given.path("type").asText())
                .map(PluginDescriptor::id)
                .orElse("");
        if (!gt.equals(imported.get("type").asText())) {
            return given;
        }
        ObjectNode merged = given.deepCopy();
        Set<String> processingKeys = Set.of("clipSample", "thresholding", "dynamicThresholdingRatio", "sampleMaxValue");
        boolean userProcessing = given.has("clipSample") || given.has("thresholding");
        // the σ spacing fields go together: a document that sets one of them sets the spacing, not the import
        Set<String> spacingKeys =
                Set.of("spacing", "karras", "rho", "stepsOffset", "roundModelTime", "truncateModelTime");
        boolean userSpacing = spacingKeys.stream().anyMatch(given::has);
        imported.fields().forEachRemaining(e -> {
            boolean processing = processingKeys.contains(e.getKey());
            boolean spacing = spacingKeys.contains(e.getKey());
            if (!merged.has(e.getKey()) && !(processing && userProcessing) && !(spacing && userSpacing)) {
                merged.set(e.getKey(), e.getValue().deepCopy());
            }
        });
        return merged;
    }

    /** The backend object with the document's {@code device}; null (a problem recorded) when it cannot take it. */
    static @Nullable ObjectNode withDevice(ObjectNode backend, String device, PluginRegistry reg, Problems p) {
        if (backend.has("device")) {
            p.add("/device", "the device is given twice, here and in /backend/device; keep one");
            return null;
        }
        Optional<BackendProvider<?>> bp =
                reg.find(PluginKind.BACKEND, backend.path("type").asText());
        if (bp.isEmpty()) {
            return backend;
        }
        if (!hasComponent(bp.get().configType(), "device")) {
            if (device.equalsIgnoreCase("cpu")) {
                return backend;
            }
            p.add(
                    "/device",
                    "backend '" + bp.get().id() + "' has no device setting and runs on the cpu only; got '" + device
                            + "' (use a backend with devices, such as djl)");
            return null;
        }
        ObjectNode b = backend.deepCopy();
        b.put("device", device);
        return b;
    }

    static boolean hasComponent(Class<?> type, String name) {
        if (type.isRecord()) {
            for (var c : type.getRecordComponents()) {
                if (c.getName().equals(name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
