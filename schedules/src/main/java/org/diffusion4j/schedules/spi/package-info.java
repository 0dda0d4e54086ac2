/**
 * Service providers registering the built-in schedules.
 */
@NullMarked
package org.diffusion4j.schedules.spi;

import org.jspecify.annotations.NullMarked;
