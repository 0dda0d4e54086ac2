package org.diffusion4j.api.spi;

import org.apiguardian.api.API;

/** Declared abilities of a provider, checked before use so that a missing one fails early and clearly. */
@API(status = API.Status.STABLE, since = "0.1.0")
public enum Capability {
    /** Can compute gradients (autograd): needed for classifier guidance from a logits classifier. */
    GRADIENTS,
    /** Can train models. */
    TRAINING,
    /** Can run on a GPU when one is present. */
    GPU,
    /** Loads model files. */
    MODEL_FILES,
    /** The sampler is deterministic given its inputs (no noise is drawn). */
    DETERMINISTIC,
    /** The sampler applies a DDPM posterior-mean shift (classifier guidance, Dhariwal &amp; Nichol Algorithm 1). */
    MEAN_SHIFT
}
