/**
 * Noise that reproduces PyTorch's CPU {@code torch.randn} bit for bit: the MT19937 generator, the
 * vectorised Box–Muller fill for draws of 16 or more values and the cached double-precision
 * Box–Muller for smaller ones. {@link org.diffusion4j.noise.torch.TorchGenerator} is the standalone
 * generator; {@link org.diffusion4j.noise.torch.TorchNoise} is the SDK noise source (plugin id
 * {@code torch-cpu}).
 */
@NullMarked
package org.diffusion4j.noise.torch;

import org.jspecify.annotations.NullMarked;
