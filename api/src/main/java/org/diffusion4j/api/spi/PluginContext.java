package org.diffusion4j.api.spi;

import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What a provider may use while creating its object: the registry (to build nested plugins, for
 * example the inner guidance of a composite) and named resources the caller supplies (for example a
 * loaded classifier model).
 *
 * @param registry  the registry creating the plugin
 * @param resources named objects supplied by the caller
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record PluginContext(PluginRegistry registry, Map<String, Object> resources) {

    public PluginContext {
        resources = Map.copyOf(resources);
    }

    /** A context with no resources. */
    public static PluginContext of(PluginRegistry registry) {
        return new PluginContext(registry, Map.of());
    }

    /** The resource {@code name} if present and of type {@code type}. */
    public <R> Optional<R> resource(String name, Class<R> type) {
        Object o = resources.get(name);
        return type.isInstance(o) ? Optional.of(type.cast(o)) : Optional.empty();
    }
}
