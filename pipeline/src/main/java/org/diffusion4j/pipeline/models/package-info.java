/**
 * The built-in model sources: {@code file} (a model file loaded by the run's backend),
 * {@code gaussian-mixture} (the exact-score mixture model, no file, no native code) and {@code resource}
 * (a predictor handed over in code).
 */
@NullMarked
package org.diffusion4j.pipeline.models;

import org.jspecify.annotations.NullMarked;
