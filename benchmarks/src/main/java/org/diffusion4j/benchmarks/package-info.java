/**
 * JMH benchmarks.
 */
@NullMarked
package org.diffusion4j.benchmarks;

import org.jspecify.annotations.NullMarked;
