/**
 * The ONNX Runtime backend {@code onnx}: exported {@code .onnx} models as
 * {@link org.diffusion4j.api.NoisePredictor}s and gradient-output classifiers as
 * {@link org.diffusion4j.api.ClassifierGradient}s. See the module README for the input mapping and
 * the configuration.
 */
@NullMarked
package org.diffusion4j.onnx;

import org.jspecify.annotations.NullMarked;
