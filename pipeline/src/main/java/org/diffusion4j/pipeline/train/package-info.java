/**
 * Training documents: {@code trainer}, {@code schedule}, {@code steps}, {@code seed}, {@code output};
 * the trainer is found among the {@link org.diffusion4j.pipeline.spi.TrainerProvider}s. The built-in
 * {@code mixture-fit} trainer fits a class-conditional Gaussian mixture, whose exact score is then the
 * model (no network, no native code).
 */
@NullMarked
package org.diffusion4j.pipeline.train;

import org.jspecify.annotations.NullMarked;
