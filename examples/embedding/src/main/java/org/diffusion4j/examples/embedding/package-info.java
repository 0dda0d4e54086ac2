/** Embedding diffusion4j in a Java program: an ONNX model sampled with DDIM and classifier-free guidance. */
@NullMarked
package org.diffusion4j.examples.embedding;

import org.jspecify.annotations.NullMarked;
