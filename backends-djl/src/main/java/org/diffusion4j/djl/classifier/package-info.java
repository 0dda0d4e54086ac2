/**
 * Noisy classifiers p(y | x_t, t) for classifier guidance, with gradients from DJL autograd.
 */
@NullMarked
package org.diffusion4j.djl.classifier;

import org.jspecify.annotations.NullMarked;
