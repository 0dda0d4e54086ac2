/**
 * Import of diffusers {@code scheduler_config.json} files (DDPM, DDIM, Euler, Euler ancestral, Heun, DPM-Solver++ multistep, LMS, PNDM,
 * UniPC schedulers; see {@link org.diffusion4j.pipeline.diffusers.DiffusersSchedulerConfig}) as schedule
 * {@code diffusers}, and the {@code diffusersCompatible} trajectory that reproduces DDIMScheduler's
 * previous-timestep rule exactly.
 */
@NullMarked
package org.diffusion4j.pipeline.diffusers;

import org.jspecify.annotations.NullMarked;
