/**
 * Labelled image data sets: Fashion-MNIST IDX files and a built-in procedural data set.
 */
@NullMarked
package org.diffusion4j.djl.data;

import org.jspecify.annotations.NullMarked;
