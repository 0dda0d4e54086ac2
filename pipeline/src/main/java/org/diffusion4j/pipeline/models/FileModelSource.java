package org.diffusion4j.pipeline.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.pipeline.spi.LoadedModel;
import org.diffusion4j.pipeline.spi.ModelContext;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;
import org.jspecify.annotations.Nullable;

/**
 * Model source {@code file}: a model file ({@code .onnx}, TorchScript {@code .pt}, ...) loaded by the
 * run's backend through {@link Backend#loadPredictor(ModelSpec)}; optionally a classifier file for
 * classifier guidance. Without a {@code backend} in the document, the extension picks one:
 * {@code .onnx} → {@code onnx}, {@code .pt}/{@code .pth}/{@code .torchscript}/{@code .params} → {@code djl}.
 */
public final class FileModelSource implements ModelSourceProvider<FileModelSource.Config> {

    /**
     * @param file           the model file, relative to the document's folder (required)
     * @param predictionType {@code epsilon} (default), {@code sample} or {@code v_prediction}
     * @param sampleShape    the shape of one sample without the batch axis, e.g. {@code [1, 28, 28]} (required)
     * @param numClasses     the number of class labels K the model knows: labels are checked against it, and it
     *                       is passed on to the backend as the model option {@code numClasses} (the null
     *                       condition ∅ is sent as label K) unless {@code options} sets that option itself
     * @param options        backend-specific options (input names, ...), passed on as {@link ModelSpec#options()}
     * @param classifier     a classifier file for classifier guidance
     */
    public record Config(
            @Nullable String file,
            @Nullable String predictionType,
            int @Nullable [] sampleShape,
            @Nullable Integer numClasses,
            @Nullable Map<String, Object> options,
            @Nullable Classifier classifier) {}

    /**
     * @param file    the classifier file (required)
     * @param options backend-specific options
     */
    public record Classifier(
            @Nullable String file, @Nullable Map<String, Object> options) {}

    @Override
    public String id() {
        return "file";
    }

    @Override
    public String description() {
        return "a model file loaded by the backend (.onnx with onnx, TorchScript .pt with djl)";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void check(Config c, ModelContext context) {
        if (c.file() == null || c.file().isBlank()) {
            throw new IllegalArgumentException(
                    "file is required: the model file, relative to the configuration's folder");
        }
        Path p = context.resolve(c.file());
        if (!Files.isRegularFile(p)) {
            throw new IllegalArgumentException("file: no such model file " + p);
        }
        type(c);
        if (c.sampleShape() == null || c.sampleShape().length == 0) {
            throw new IllegalArgumentException(
                    "sampleShape is required for a model file: the shape of one sample without"
                            + " the batch axis, for example [1, 28, 28]");
        }
        for (int d : c.sampleShape()) {
            if (d < 1) {
                throw new IllegalArgumentException(
                        "sampleShape: every dimension must be >= 1, got " + java.util.Arrays.toString(c.sampleShape()));
            }
        }
        if (c.numClasses() != null && c.numClasses() < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + c.numClasses());
        }
        if (c.classifier() != null) {
            if (c.classifier().file() == null || c.classifier().file().isBlank()) {
                throw new IllegalArgumentException("classifier: file is required");
            }
            Path q = context.resolve(c.classifier().file());
            if (!Files.isRegularFile(q)) {
                throw new IllegalArgumentException("classifier: no such classifier file " + q);
            }
        }
    }

    private static PredictionType type(Config c) {
        return c.predictionType() == null ? PredictionType.EPSILON : PredictionType.parse(c.predictionType());
    }

    @Override
    public Optional<String> preferredBackend(Config c) {
        if (c.file() == null) {
            return Optional.empty();
        }
        String f = c.file().toLowerCase(Locale.ROOT);
        if (f.endsWith(".onnx")) {
            return Optional.of("onnx");
        }
        if (f.endsWith(".pt") || f.endsWith(".pth") || f.endsWith(".torchscript") || f.endsWith(".params")) {
            return Optional.of("djl");
        }
        return Optional.empty();
    }

    @Override
    public Optional<int[]> sampleShape(Config c) {
        return c.sampleShape() == null
                ? Optional.empty()
                : Optional.of(c.sampleShape().clone());
    }

    @Override
    public OptionalInt numClasses(Config c) {
        return c.numClasses() == null ? OptionalInt.empty() : OptionalInt.of(c.numClasses());
    }

    @Override
    public boolean providesClassifier(Config c) {
        return c.classifier() != null;
    }

    @Override
    public LoadedModel load(Config c, ModelContext context) {
        check(c, context);
        // check(c, context) above has rejected a missing file, sampleShape and classifier file
        String fileName = Objects.requireNonNull(c.file());
        int[] sampleShape = Objects.requireNonNull(c.sampleShape());
        Backend backend = context.requireBackend();
        Path file = context.resolve(fileName);
        NoisePredictor p = backend.loadPredictor(new ModelSpec(file, type(c), backendOptions(c)));
        LoadedModel m = LoadedModel.of(p)
                .withSampleShape(Shape.of(sampleShape))
                .withProvenance("modelFile", file.toString())
                .withProvenance("modelSha256", sha256(file));
        if (c.numClasses() != null) {
            m = m.withNumClasses(c.numClasses());
        }
        Classifier classifier = c.classifier();
        if (classifier != null) {
            Path cf = context.resolve(Objects.requireNonNull(classifier.file()));
            Map<String, Object> classifierOptions = classifier.options();
            ClassifierGradient g = backend.loadClassifier(new ModelSpec(
                    cf, PredictionType.EPSILON, classifierOptions == null ? Map.of() : classifierOptions));
            m = m.withClassifier(g)
                    .withProvenance("classifierFile", cf.toString())
                    .withProvenance("classifierSha256", sha256(cf));
        }
        return m;
    }

    /** The model options for the backend: {@code options} plus {@code numClasses} when given and not set there. */
    static Map<String, Object> backendOptions(Config c) {
        Map<String, Object> o = new java.util.LinkedHashMap<>(c.options() == null ? Map.of() : c.options());
        if (c.numClasses() != null) {
            o.putIfAbsent("numClasses", c.numClasses());
        }
        return o;
    }

    /** The SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
