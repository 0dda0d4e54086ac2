/**
 * The pipeline's own extension points, found with {@link java.util.ServiceLoader} like the api's
 * plugins: model sources (where a run's {@code model} comes from) and trainers (what runs a
 * {@code train} document).
 */
@NullMarked
package org.diffusion4j.pipeline.spi;

import org.jspecify.annotations.NullMarked;
