/**
 * A third-party sampler plugin for diffusion4j: DPM-Solver++(2M). It depends on the api only and is
 * found through {@code META-INF/services/org.diffusion4j.api.spi.SamplerProvider}.
 */
@NullMarked
package org.example.dpmsolver;

import org.jspecify.annotations.NullMarked;
