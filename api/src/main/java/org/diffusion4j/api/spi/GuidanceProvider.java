package org.diffusion4j.api.spi;

import org.diffusion4j.api.Guidance;

/**
 * Provides a {@link Guidance} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.GuidanceProvider}.
 *
 * @param <C> the configuration type
 */
public interface GuidanceProvider<C> extends PluginProvider<Guidance, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.GUIDANCE;
    }
}
