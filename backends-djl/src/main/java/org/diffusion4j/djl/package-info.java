/**
 * The DJL + PyTorch backend: engine set-up (offline, device choice), the backend provider and its configuration.
 */
@NullMarked
package org.diffusion4j.djl;

import org.jspecify.annotations.NullMarked;
