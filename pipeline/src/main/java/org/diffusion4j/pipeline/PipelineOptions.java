package org.diffusion4j.pipeline;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;
import org.diffusion4j.pipeline.spi.TrainerProvider;

/**
 * What a pipeline is resolved with besides its document.
 *
 * @param registry      the plugins
 * @param modelSources  the model sources
 * @param baseDirectory relative file names in the document are resolved against it
 * @param resources     named objects for plugins and the {@code resource} model source (predictors,
 *                      classifier gradients)
 * @param source        the document's name in messages (its file name)
 * @param memoryLimit   bytes a run may use for its grids (see {@code docs/pipeline.md}, "Size of a run");
 *                      0: three quarters of the JVM's maximum heap
 */
public record PipelineOptions(
        PluginRegistry registry,
        ModelSources modelSources,
        Path baseDirectory,
        Map<String, Object> resources,
        String source,
        long memoryLimit) {

    public PipelineOptions {
        resources = Map.copyOf(resources);
        if (memoryLimit < 0) {
            throw new IllegalArgumentException(
                    "memoryLimit must be >= 0 (0: 3/4 of the maximum heap), got " + memoryLimit);
        }
    }

    /** Options with the default memory limit. */
    public PipelineOptions(
            PluginRegistry registry,
            ModelSources modelSources,
            Path baseDirectory,
            Map<String, Object> resources,
            String source) {
        this(registry, modelSources, baseDirectory, resources, source, 0);
    }

    /** These options with a memory limit for a run's grids, bytes (0: the default). */
    public PipelineOptions withMemoryLimit(long bytes) {
        return new PipelineOptions(registry, modelSources, baseDirectory, resources, source, bytes);
    }

    /**
     * The plugins on the class path (one registry of every kind: the SDK's, model sources, trainers), the
     * working directory, no resources.
     */
    public static PipelineOptions defaults() {
        PluginRegistry r = PluginRegistry.load(
                PluginRegistry.defaultLoader(), List.of(ModelSourceProvider.KIND, TrainerProvider.KIND));
        return new PipelineOptions(r, ModelSources.of(r), Path.of(""), Map.of(), "configuration");
    }

    public PipelineOptions withRegistry(PluginRegistry r) {
        return new PipelineOptions(r, modelSources, baseDirectory, resources, source, memoryLimit);
    }

    public PipelineOptions withModelSources(ModelSources m) {
        return new PipelineOptions(registry, m, baseDirectory, resources, source, memoryLimit);
    }

    public PipelineOptions withBaseDirectory(Path d) {
        return new PipelineOptions(registry, modelSources, d, resources, source, memoryLimit);
    }

    public PipelineOptions withSource(String s) {
        return new PipelineOptions(registry, modelSources, baseDirectory, resources, s, memoryLimit);
    }

    /** These options with one more named resource. */
    public PipelineOptions withResource(String name, Object value) {
        Map<String, Object> m = new HashMap<>(resources);
        m.put(name, value);
        return new PipelineOptions(registry, modelSources, baseDirectory, m, source, memoryLimit);
    }
}
