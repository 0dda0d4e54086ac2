package org.diffusion4j.api.spi;

/** Two providers of one kind claim the same name. Error code {@code D4J-PLUGIN-DUPLICATE}. */
public final class DuplicatePluginException extends IllegalStateException {
    public DuplicatePluginException(String message) {
        super("D4J-PLUGIN-DUPLICATE: " + message);
    }
}
