package org.diffusion4j.api.spi;

import java.util.Locale;

/** The kinds of plugin, each with its provider interface found through {@link java.util.ServiceLoader}. */
public enum PluginKind {
    SCHEDULE(ScheduleProvider.class),
    SAMPLER(SamplerProvider.class),
    GUIDANCE(GuidanceProvider.class),
    BACKEND(BackendProvider.class),
    NOISE(NoiseSourceProvider.class);

    private final Class<?> providerType;

    PluginKind(Class<?> providerType) {
        this.providerType = providerType;
    }

    /** The provider interface a plugin of this kind implements (and names in {@code META-INF/services}). */
    public Class<?> providerType() {
        return providerType;
    }

    /** Lower-case name for messages and JSON: {@code schedule}, {@code sampler}, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
