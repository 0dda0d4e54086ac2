/**
 * The stable contracts of diffusion4j: predictors, schedules, step plans, samplers, guidance and
 * conditions. See the module README for how a sampling run flows through them.
 */
@NullMarked
package org.diffusion4j.api;

import org.jspecify.annotations.NullMarked;
