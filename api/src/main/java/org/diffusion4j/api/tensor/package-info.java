/**
 * Tensors: the float32 array contract, shapes, factories and the pure-Java implementation.
 */
@NullMarked
package org.diffusion4j.api.tensor;

import org.jspecify.annotations.NullMarked;
