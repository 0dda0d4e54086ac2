/** Benchmark programs (not tests) for the demo's training and sampling costs. */
@NullMarked
package org.diffusion4j.pipeline.djl.bench;

import org.jspecify.annotations.NullMarked;
