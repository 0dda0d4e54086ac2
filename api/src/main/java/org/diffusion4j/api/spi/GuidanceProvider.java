package org.diffusion4j.api.spi;

import org.apiguardian.api.API;
import org.diffusion4j.api.Guidance;

/**
 * Provides a {@link Guidance} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.GuidanceProvider}.
 *
 * @param <C> the configuration type
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface GuidanceProvider<C> extends PluginProvider<Guidance, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.GUIDANCE;
    }
}
