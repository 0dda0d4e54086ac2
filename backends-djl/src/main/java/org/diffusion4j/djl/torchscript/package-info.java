/**
 * TorchScript models (.pt files) as noise predictors and classifier gradients.
 */
@NullMarked
package org.diffusion4j.djl.torchscript;

import org.jspecify.annotations.NullMarked;
