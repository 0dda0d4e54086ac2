/**
 * Reverse-process samplers: DDPM ancestral, DDIM, the continuous-time ancestral sampler over log-SNR, and the
 * σ-space samplers (Euler, Euler ancestral, Heun, DPM-Solver++ 2M and 2M SDE, LMS, PNDM, UniPC).
 */
@NullMarked
package org.diffusion4j.samplers;

import org.jspecify.annotations.NullMarked;
