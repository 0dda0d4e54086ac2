package org.diffusion4j.api.spi;

import org.diffusion4j.api.DiffusionStateException;

/** Two providers of one kind claim the same name. Error code {@code D4J-PLUGIN-DUPLICATE}. */
public final class DuplicatePluginException extends DiffusionStateException {
    public DuplicatePluginException(String message) {
        super("D4J-PLUGIN-DUPLICATE", message);
    }
}
