package org.diffusion4j.examples.kotlin

import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.data.Offset
import org.diffusion4j.api.tensor.ArrayTensor
import org.diffusion4j.api.tensor.Shape
import org.diffusion4j.pipeline.Json
import org.diffusion4j.pipeline.PipelineOptions
import org.diffusion4j.pipeline.SamplingPipeline
import org.diffusion4j.schedules.Schedules
import org.junit.jupiter.api.Test

class KotlinExampleTest {
    private val centre = ArrayTensor.of(floatArrayOf(0.5f, -0.25f), Shape.of(1, 2))

    @Test
    fun operatorsAreTheFusedLinearCombination() {
        val x = ArrayTensor.of(floatArrayOf(1f, 2f, 3f), Shape.of(1, 3))
        val eps = ArrayTensor.of(floatArrayOf(-1f, 0.5f, 4f), Shape.of(1, 3))
        val viaOperators = x * 0.3 + eps * 0.7
        assertThat(viaOperators.toFloatArray()).containsExactly(*x.linear(0.3, eps, 0.7).toFloatArray())
        assertThat((-x).toFloatArray()).containsExactly(-1f, -2f, -3f)
        assertThat(ddimUpdate(x, eps, 0.6, 0.8).toFloatArray()).containsExactly(*x.linear(0.6, eps, 0.8).toFloatArray())
    }

    @Test
    fun aKotlinLambdaPredictorSamplesItsPointMass() {
        // the exact ε of a point mass: deterministic DDIM lands on the point (set_alpha_to_one)
        val result = pipeline(centre).sample()
        assertThat(result.sets()).hasSize(2)
        // Bound (u = 2^-24): exactly, x̂0 = (x − σ ε̂)/α = c at every step whatever x is, so a rounding error in a
        // state is annihilated by the next step and only the last step's rounding remains. There
        // ε̂ = (x − α c)/σ (three float32 ops) and x = x/α − (σ/α) ε̂ (one linear, previous level clean):
        // ≤ u (9 |x_0|/α_0 + 8 |c|), with the last state |x_0| ≤ |c| + (σ_0/σ_T)·6 (DDIM scales x − α c by
        // σ_p/σ; |x_T| ≤ 6, P(|z| > 6) ≈ 2e-9 per draw). ×2 safety.
        val u = Math.scalb(1.0, -24)
        val plan = Schedules.linear(1000).plan(20)
        val first = plan.get(0).current()
        val last = plan.get(19).current()
        fun tol(c: Double): Float =
            (2 * u * (9 * (Math.abs(c) + last.sigma() / first.sigma() * 6) / last.alpha() + 8 * Math.abs(c))).toFloat()
        for (set in result.sets()) {
            val x = set.samples().toFloatArray()
            for (i in 0 until 4) {
                assertThat(x[2 * i]).isCloseTo(0.5f, Offset.offset(tol(0.5)))
                assertThat(x[2 * i + 1]).isCloseTo(-0.25f, Offset.offset(tol(-0.25)))
            }
        }
    }

    @Test
    fun theKotlinBuiltPipelineRoundTripsThroughJson() {
        val p = pipeline(centre)
        val json = p.toJson()
        val options = PipelineOptions.defaults().withResource("point-mass", pointMassPredictor(centre))
        val read = SamplingPipeline.fromJson(Json.parse(Json.write(json), "kotlin"), options)
        assertThat(read.toJson()).isEqualTo(json)
        assertThat(json.at("/model/type").asText()).isEqualTo("resource")
    }
}
