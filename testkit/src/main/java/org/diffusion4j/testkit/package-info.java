/**
 * Test helpers: float32 error bounds, fixture bounds, reference tensors. The exact-score oracle lives in
 * {@code org.diffusion4j.mixture} (module {@code diffusion4j-mixture}).
 */
@NullMarked
package org.diffusion4j.testkit;

import org.jspecify.annotations.NullMarked;
