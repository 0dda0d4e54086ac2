package org.diffusion4j.api.spi;

import org.apiguardian.api.API;

/** The configuration of a plugin that takes none: JSON {@code {}}. */
@API(status = API.Status.STABLE, since = "0.1.0")
public record NoConfig() {
    /** The one value. */
    public static final NoConfig INSTANCE = new NoConfig();
}
