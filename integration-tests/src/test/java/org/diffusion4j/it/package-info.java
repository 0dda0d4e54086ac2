/**
 * Cross-backend integration tests: the same networks (tools/fixtures) through ONNX Runtime (backend
 * {@code onnx}) and through DJL's TorchScript loader (backend {@code djl}), both loaded through the
 * plugin registry; and the benchmark program comparing their forward times.
 */
@NullMarked
package org.diffusion4j.it;

import org.jspecify.annotations.NullMarked;
