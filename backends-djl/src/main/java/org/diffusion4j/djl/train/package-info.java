/**
 * Training diffusion models: losses, optimiser, EMA, checkpoints and progress reporting.
 */
@NullMarked
package org.diffusion4j.djl.train;

import org.jspecify.annotations.NullMarked;
