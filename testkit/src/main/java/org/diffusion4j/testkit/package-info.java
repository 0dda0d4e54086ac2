/**
 * Exact-score oracles for testing samplers, guidance and schedules without a trained network.
 */
@NullMarked
package org.diffusion4j.testkit;

import org.jspecify.annotations.NullMarked;
