/**
 * Guidance: classifier-free guidance (three parameterisations, batched), classifier guidance (epsilon
 * correction or DDPM mean shift), and their composition.
 */
@NullMarked
package org.diffusion4j.guidance;

import org.jspecify.annotations.NullMarked;
