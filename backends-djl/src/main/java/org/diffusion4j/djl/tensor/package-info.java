/**
 * Device tensors over DJL NDArrays, with native memory released per step.
 */
@NullMarked
package org.diffusion4j.djl.tensor;

import org.jspecify.annotations.NullMarked;
