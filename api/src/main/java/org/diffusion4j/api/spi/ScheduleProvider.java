package org.diffusion4j.api.spi;

import org.apiguardian.api.API;
import org.diffusion4j.api.Schedule;

/**
 * Provides a {@link Schedule} plugin; list implementations in
 * {@code META-INF/services/org.diffusion4j.api.spi.ScheduleProvider}.
 *
 * @param <C> the configuration type
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface ScheduleProvider<C> extends PluginProvider<Schedule, C> {

    @Override
    default PluginKind<?> kind() {
        return PluginKind.SCHEDULE;
    }
}
