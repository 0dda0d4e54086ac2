package org.diffusion4j.api.spi;

import org.apiguardian.api.API;
import org.diffusion4j.api.DiffusionStateException;

/** Two providers of one kind claim the same name. Error code {@code D4J-PLUGIN-DUPLICATE}. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class DuplicatePluginException extends DiffusionStateException {
    public DuplicatePluginException(String message) {
        super("D4J-PLUGIN-DUPLICATE", message);
    }
}
