package org.diffusion4j.examples.kotlin

import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.data.Offset
import org.diffusion4j.api.tensor.ArrayTensor
import org.diffusion4j.api.tensor.Shape
import org.diffusion4j.pipeline.Json
import org.diffusion4j.pipeline.PipelineOptions
import org.diffusion4j.pipeline.SamplingPipeline
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
        for (set in result.sets()) {
            val x = set.samples().toFloatArray()
            for (i in 0 until 4) {
                assertThat(x[2 * i]).isCloseTo(0.5f, Offset.offset(1e-3f))
                assertThat(x[2 * i + 1]).isCloseTo(-0.25f, Offset.offset(1e-3f))
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
