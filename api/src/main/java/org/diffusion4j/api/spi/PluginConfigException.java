package org.diffusion4j.api.spi;

/**
 * A plugin configuration that does not bind or does not validate. The message names the JSON path
 * (for example {@code /eta}), the problem and what would be allowed. Error code {@code D4J-CONFIG}.
 */
public final class PluginConfigException extends IllegalArgumentException {
    private final String path;

    public PluginConfigException(String path, String problem, Throwable cause) {
        super("D4J-CONFIG at " + (path.isEmpty() ? "/" : path) + ": " + problem, cause);
        this.path = path;
    }

    /** The JSON path of the offending value, {@code ""} for the whole object. */
    public String path() {
        return path;
    }
}
