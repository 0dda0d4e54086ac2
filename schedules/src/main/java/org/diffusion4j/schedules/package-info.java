/**
 * Noise schedules: discrete beta tables (linear, scaled_linear, cosine, sigmoid, explicit, zero-terminal-SNR
 * rescaling) with diffusers-compatible inference spacing, and continuous log-SNR schedules.
 */
@NullMarked
package org.diffusion4j.schedules;

import org.jspecify.annotations.NullMarked;
