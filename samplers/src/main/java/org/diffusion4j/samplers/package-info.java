/**
 * Reverse-process samplers: DDPM ancestral, DDIM, and the continuous-time ancestral sampler over log-SNR.
 */
@NullMarked
package org.diffusion4j.samplers;

import org.jspecify.annotations.NullMarked;
