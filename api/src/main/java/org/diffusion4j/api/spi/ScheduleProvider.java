package org.diffusion4j.api.spi;

import org.diffusion4j.api.Schedule;

/**
 * Provides a {@link Schedule} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.ScheduleProvider}.
 *
 * @param <C> the configuration type
 */
public interface ScheduleProvider<C> extends PluginProvider<Schedule, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.SCHEDULE;
    }
}
