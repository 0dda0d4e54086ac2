/**
 * The plugin SPI: one provider interface per kind and the ServiceLoader-based registry.
 */
@NullMarked
package org.diffusion4j.api.spi;

import org.jspecify.annotations.NullMarked;
