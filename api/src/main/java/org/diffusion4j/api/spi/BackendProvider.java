package org.diffusion4j.api.spi;

import org.apiguardian.api.API;

/**
 * Provides a {@link Backend} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.BackendProvider}.
 *
 * @param <C> the configuration type
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface BackendProvider<C> extends PluginProvider<Backend, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.BACKEND;
    }
}
