package org.diffusion4j.it;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.PluginRegistry;

/**
 * The two backends under comparison, both created through the plugin registry
 * ({@code PluginRegistry.load().backend(id, config)}), and the twin models of a fixture loaded through
 * {@link Backend#loadPredictor} / {@link Backend#loadClassifier}: {@code <name>.onnx} on {@code onnx},
 * {@code <name>.pt} on {@code djl}.
 */
final class Twins implements AutoCloseable {

    /** ONNX Runtime backend id. */
    static final String ONNX = "onnx";
    /** DJL (PyTorch engine) backend id. */
    static final String DJL = "djl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Backend onnx;
    private final Backend djl;

    private Twins(Backend onnx, Backend djl) {
        this.onnx = onnx;
        this.djl = djl;
    }

    /** Both backends on the CPU with {@code threads} intra-op threads each (0 = the runtime's default). */
    static Twins open(int threads) {
        PluginRegistry registry = PluginRegistry.load();
        Backend o = registry.backend(ONNX, json("{\"device\": \"cpu\", \"intraOpThreads\": " + threads + "}"));
        try {
            Backend d = registry.backend(DJL, json("{\"device\": \"cpu\", \"threads\": " + threads + "}"));
            return new Twins(o, d);
        } catch (RuntimeException e) {
            o.close();
            throw e;
        }
    }

    Backend onnx() {
        return onnx;
    }

    Backend djl() {
        return djl;
    }

    /** The backend with this id. */
    Backend backend(String id) {
        return switch (id) {
            case ONNX -> onnx;
            case DJL -> djl;
            default -> throw new IllegalArgumentException("unknown backend '" + id + "'; use " + List.of(ONNX, DJL));
        };
    }

    /**
     * The ε model {@code name} on backend {@code id}: K = 3 classes (∅ = label 3) on both; on djl also
     * the sample shape for the load-time warm-up call, plus {@code extra} options of that backend.
     */
    NoisePredictor predictor(String id, String name, Map<String, Object> extra) {
        return backend(id).loadPredictor(spec(id, name, extra));
    }

    NoisePredictor predictor(String id, String name) {
        return predictor(id, name, Map.of());
    }

    /** The classifier {@code name} on backend {@code id}, with {@code extra} options of that backend. */
    ClassifierGradient classifier(String id, String name, Map<String, Object> extra) {
        return backend(id).loadClassifier(spec(id, name, extra));
    }

    private static ModelSpec spec(String id, String name, Map<String, Object> extra) {
        Map<String, Object> options = new HashMap<>();
        if (!name.equals("gmm_logits")) {
            options.put("numClasses", Fixtures.NUM_CLASSES);
        }
        if (id.equals(DJL)) {
            options.put("sampleShape", List.of(1, 8, 8));
        }
        options.putAll(extra);
        return new ModelSpec(
                id.equals(ONNX) ? Fixtures.onnx(name) : Fixtures.pt(name), PredictionType.EPSILON, options);
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    /** Closes both backends and every model they loaded. */
    @Override
    public void close() {
        try {
            djl.close();
        } finally {
            onnx.close();
        }
    }
}
