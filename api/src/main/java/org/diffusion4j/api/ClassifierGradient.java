package org.diffusion4j.api;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The gradient ∇_{x_t} log p(y | x_t, t) of a noisy classifier, for classifier guidance.
 * Conditions must be class labels; a null condition gets a zero gradient.
 */
@FunctionalInterface
@API(status = API.Status.STABLE, since = "0.1.0")
public interface ClassifierGradient {

    /**
     * @param x      x_t, shape {@code [B, ...]}
     * @param time   the noise level
     * @param labels the class y of each sample
     * @return ∇_{x_t} log p(y | x_t), shape of {@code x}
     */
    Tensor gradLogProb(Tensor x, Timestep time, Conditions labels);
}
