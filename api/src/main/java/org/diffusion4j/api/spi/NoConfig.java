package org.diffusion4j.api.spi;

/** The configuration of a plugin that takes none: JSON {@code {}}. */
public record NoConfig() {
    /** The one value. */
    public static final NoConfig INSTANCE = new NoConfig();
}
