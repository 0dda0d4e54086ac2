/**
 * The 2-D class-conditional Gaussian-mixture demo: DDIM + CFG with exact scores.
 */
@NullMarked
package org.diffusion4j.examples.mixture;

import org.jspecify.annotations.NullMarked;
