/**
 * Service providers registering the built-in samplers.
 */
@NullMarked
package org.diffusion4j.samplers.spi;

import org.jspecify.annotations.NullMarked;
