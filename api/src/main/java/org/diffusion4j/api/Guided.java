package org.diffusion4j.api;

import java.util.Optional;
import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Tensor;

/**
 * What {@link Guidance} hands the sampler for one step: the guided prediction, and optionally a
 * mean-shift term g = s·∇log p(y|x_t) that a DDPM sampler adds as Σ·g to its posterior mean
 * (Dhariwal &amp; Nichol 2021, Algorithm 1).
 *
 * @param prediction the guided prediction
 * @param meanShift  the scaled classifier gradient for a mean shift, if the guidance asks for one
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public record Guided(Prediction prediction, Optional<Tensor> meanShift) {

    /** A guided prediction without a mean shift. */
    public static Guided of(Prediction prediction) {
        return new Guided(prediction, Optional.empty());
    }

    /** This result with {@code g} added to its mean shift. */
    public Guided plusMeanShift(Tensor g) {
        return new Guided(prediction, Optional.of(meanShift.map(m -> m.plus(g)).orElse(g)));
    }
}
