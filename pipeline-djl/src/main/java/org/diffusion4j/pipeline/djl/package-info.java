/**
 * Training documents for the DJL backend's Java UNet: the pipeline trainer {@code unet}
 * ({@link org.diffusion4j.pipeline.djl.UNetTrainerProvider}), registered in
 * {@code META-INF/services/org.diffusion4j.pipeline.spi.TrainerProvider}. It trains on the built-in
 * shapes or Fashion-MNIST ({@code "dataset": "auto"} picks Fashion-MNIST when it is installed) and
 * returns a {@code file} model object that the {@code djl} backend samples.
 */
@NullMarked
package org.diffusion4j.pipeline.djl;

import org.jspecify.annotations.NullMarked;
