package org.diffusion4j.api.spi;


/**
 * Provides a {@link Backend} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.BackendProvider}.
 *
 * @param <C> the configuration type
 */
public interface BackendProvider<C> extends PluginProvider<Backend, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.BACKEND;
    }
}
