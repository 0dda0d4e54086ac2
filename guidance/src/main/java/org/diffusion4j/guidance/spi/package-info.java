/**
 * Service providers registering the built-in guidance.
 */
@NullMarked
package org.diffusion4j.guidance.spi;

import org.jspecify.annotations.NullMarked;
