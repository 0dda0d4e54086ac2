package org.diffusion4j.examples.kotlin

import org.diffusion4j.api.NoisePredictor
import org.diffusion4j.api.tensor.Tensor
import org.diffusion4j.pipeline.PluginSpec
import org.diffusion4j.pipeline.SamplingPipeline
import org.diffusion4j.pipeline.Sweep

/**
 * The exact noise predictor of data concentrated at [centre] (x0 = centre, so x_t = α·centre + σ·ε):
 * ε = (x − α·centre) / σ, written with the Tensor operators.
 */
fun pointMassPredictor(centre: Tensor): NoisePredictor = NoisePredictor { x, t, _ ->
    (x - centre.expandTo(x) * t.alpha()) / t.sigma()
}

/** [centre] (shape [1, d]) repeated along the batch axis of [x]. */
private fun Tensor.expandTo(x: Tensor): Tensor =
    x.factory().concat(List(x.batchSize()) { this })

/** One deterministic DDIM update x_prev = √ᾱ_prev·x̂0 + √(1 − ᾱ_prev)·ε̂, with operators. */
fun ddimUpdate(x0: Tensor, eps: Tensor, alphaPrev: Double, sigmaPrev: Double): Tensor = x0 * alphaPrev + eps * sigmaPrev

/** A pipeline built in Kotlin: the point-mass model as an in-code predictor, DDIM, a seed sweep. */
fun pipeline(centre: Tensor): SamplingPipeline = SamplingPipeline.builder()
    .predictor("point-mass", pointMassPredictor(centre), centre.shape().get(1))
    .schedule(PluginSpec.of("linear").with("numTrainTimesteps", 1000))
    .sampler(PluginSpec.of("ddim").with("steps", 20))
    .samplesPerLabel(4)
    .sweep(Sweep.of("/seed", 1.0, 2.0))
    .build()

fun main() {
    val centre = org.diffusion4j.api.tensor.ArrayTensor.of(floatArrayOf(0.5f, -0.25f), org.diffusion4j.api.tensor.Shape.of(1, 2))
    val result = pipeline(centre).sample()
    for (set in result.sets()) {
        println("${set.label()}: ${set.samples()}")
    }
}
