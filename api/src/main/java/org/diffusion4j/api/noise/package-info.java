/**
 * Seeded Gaussian noise: the noise-source contract and the SDK's own reproducible generator.
 */
@NullMarked
package org.diffusion4j.api.noise;

import org.jspecify.annotations.NullMarked;
