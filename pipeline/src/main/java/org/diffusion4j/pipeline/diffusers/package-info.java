/**
 * Import of diffusers {@code scheduler_config.json} files (DDPMScheduler, DDIMScheduler) as schedule
 * {@code diffusers}, and the {@code diffusersCompatible} trajectory that reproduces DDIMScheduler's
 * previous-timestep rule exactly.
 */
@NullMarked
package org.diffusion4j.pipeline.diffusers;

import org.jspecify.annotations.NullMarked;
