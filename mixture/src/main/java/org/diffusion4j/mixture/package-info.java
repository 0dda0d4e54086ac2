/**
 * The exact-score model of a mixture of isotropic Gaussians: data whose diffused marginals, noise
 * prediction, posterior mean and classifier gradient are all known in closed form. The pipeline offers it
 * as model source {@code gaussian-mixture}; the test kit uses it as its oracle.
 */
@NullMarked
package org.diffusion4j.mixture;

import org.jspecify.annotations.NullMarked;
