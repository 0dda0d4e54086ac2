/**
 * Building blocks of the networks: group normalisation, residual and attention blocks, embeddings.
 */
@NullMarked
package org.diffusion4j.djl.nn;

import org.jspecify.annotations.NullMarked;
