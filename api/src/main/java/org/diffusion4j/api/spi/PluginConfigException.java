package org.diffusion4j.api.spi;

import org.apiguardian.api.API;
import org.diffusion4j.api.DiffusionArgumentException;
import org.jspecify.annotations.Nullable;

/**
 * A plugin configuration that does not bind or does not validate. The message names the JSON path
 * (for example {@code /eta}), the problem and what would be allowed. Error code {@code D4J-CONFIG}.
 *
 * <p>A plugin throws it from {@link PluginProvider#create} or {@link PluginProvider#check} for a
 * value it rejects; the pipeline reports it at the plugin's place in the document followed by
 * {@link #path()}:
 * <pre>{@code
 * throw new PluginConfigException("/steps", "must be >= 1, got " + steps);          // Java
 * throw PluginConfigException("/steps", "must be >= 1, got $steps")                 // Kotlin
 * }</pre>
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class PluginConfigException extends DiffusionArgumentException {
    private final String path;

    /**
     * A validation failure without an underlying exception.
     *
     * @param path    the JSON path of the offending value relative to the plugin object, {@code ""} for
     *                the whole object
     * @param problem what is wrong and what would be allowed
     */
    public PluginConfigException(String path, String problem) {
        this(path, problem, null);
    }

    /**
     * @param path    the JSON path of the offending value, {@code ""} for the whole object
     * @param problem what is wrong and what would be allowed
     * @param cause   the underlying exception (a binding error), or null
     */
    public PluginConfigException(String path, String problem, @Nullable Throwable cause) {
        super("D4J-CONFIG", "D4J-CONFIG at " + (path.isEmpty() ? "/" : path) + ": " + problem, cause);
        this.path = path;
    }

    /** The JSON path of the offending value, {@code ""} for the whole object. */
    public String path() {
        return path;
    }
}
