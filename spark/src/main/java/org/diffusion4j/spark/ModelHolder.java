package org.diffusion4j.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SamplingPipeline;

/**
 * One started backend with its model per JVM (an executor) and per model: sessions are keyed by the
 * document with its model file made local (so by model file, model options and backend settings), made
 * on first use by the first task that needs them (the others wait for it) and shared by every later task
 * in the JVM; all are closed when the JVM shuts down.
 */
final class ModelHolder {
    private static final Map<String, SamplingPipeline.Session> SESSIONS = new ConcurrentHashMap<>();
    private static final Map<String, Integer> LOADS = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelHolder::closeAll, "diffusion4j-model-holder"));
    }

    private ModelHolder() {}

    /**
     * The session of {@code doc} (a document whose model file is a local path), opened once per JVM.
     *
     * @param modelName the model file as the user named it, for messages
     */
    static SamplingPipeline.Session session(ObjectNode doc, Path baseDirectory, String modelName) {
        String key = Json.write(doc) + "\n" + baseDirectory;
        return SESSIONS.computeIfAbsent(key, k -> {
            LOADS.merge(k, 1, Integer::sum);
            try {
                return SamplingPipeline.fromJson(
                                doc,
                                PipelineOptions.defaults()
                                        .withBaseDirectory(baseDirectory)
                                        .withSource(modelName))
                        .open();
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot load model " + modelName + ": " + e.getMessage(), e);
            }
        });
    }

    /** How many times this JVM loaded a model, over all keys (tests: once per model, not once per task). */
    static int loads() {
        return LOADS.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Closes and forgets every session (tests; the shutdown hook). */
    static synchronized void closeAll() {
        for (SamplingPipeline.Session s : SESSIONS.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                // shutting down: nothing left to report to
            }
        }
        SESSIONS.clear();
        LOADS.clear();
    }
}
