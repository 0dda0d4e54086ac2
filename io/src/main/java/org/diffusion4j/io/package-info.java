/**
 * Tensor files: NumPy {@code .npy} ({@link Npy}), safetensors ({@link Safetensors}) and raw
 * little-endian float32 ({@link RawFloat32}), read into and written from {@link NdArray}; and a noise
 * source that replays recorded draws ({@link RecordedNoise}).
 *
 * <p>Every writer writes a temporary file in the target's directory and moves it into place, so a
 * failed write never leaves a half-written file under the target's name. Every reader checks the whole
 * file (header, dtype, byte order, length) and throws {@link TensorFileException} naming the file and
 * what was wrong.
 */
@NullMarked
package org.diffusion4j.io;

import org.jspecify.annotations.NullMarked;
