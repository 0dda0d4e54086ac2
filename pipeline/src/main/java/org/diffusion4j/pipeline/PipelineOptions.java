package org.diffusion4j.pipeline;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.diffusion4j.api.spi.PluginRegistry;

/**
 * What a pipeline is resolved with besides its document.
 *
 * @param registry      the plugins
 * @param modelSources  the model sources
 * @param baseDirectory relative file names in the document are resolved against it
 * @param resources     named objects for plugins and the {@code resource} model source (predictors,
 *                      classifier gradients)
 * @param source        the document's name in messages (its file name)
 */
public record PipelineOptions(PluginRegistry registry, ModelSources modelSources, Path baseDirectory,
        Map<String, Object> resources, String source) {

    public PipelineOptions {
        resources = Map.copyOf(resources);
    }

    /** The plugins on the class path, the working directory, no resources. */
    public static PipelineOptions defaults() {
        return new PipelineOptions(PluginRegistry.load(), ModelSources.load(), Path.of(""), Map.of(), "configuration");
    }

    public PipelineOptions withRegistry(PluginRegistry r) {
        return new PipelineOptions(r, modelSources, baseDirectory, resources, source);
    }

    public PipelineOptions withModelSources(ModelSources m) {
        return new PipelineOptions(registry, m, baseDirectory, resources, source);
    }

    public PipelineOptions withBaseDirectory(Path d) {
        return new PipelineOptions(registry, modelSources, d, resources, source);
    }

    public PipelineOptions withSource(String s) {
        return new PipelineOptions(registry, modelSources, baseDirectory, resources, s);
    }

    /** These options with one more named resource. */
    public PipelineOptions withResource(String name, Object value) {
        Map<String, Object> m = new HashMap<>(resources);
        m.put(name, value);
        return new PipelineOptions(registry, modelSources, baseDirectory, m, source);
    }
}
