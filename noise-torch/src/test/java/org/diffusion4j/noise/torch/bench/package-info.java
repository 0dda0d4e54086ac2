/**
 * Benchmark programs of the torch-compatible noise (run by hand, not by the test suite).
 */
@NullMarked
package org.diffusion4j.noise.torch.bench;

import org.jspecify.annotations.NullMarked;
