/**
 * A UNet noise predictor defined in Java with DJL blocks.
 */
@NullMarked
package org.diffusion4j.djl.unet;

import org.jspecify.annotations.NullMarked;
