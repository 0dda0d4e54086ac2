package org.diffusion4j.examples.kotlin

import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.data.Offset
import org.diffusion4j.api.Prediction
import org.diffusion4j.api.PredictionType
import org.diffusion4j.api.Timestep
import org.diffusion4j.api.tensor.ArrayTensor
import org.diffusion4j.api.tensor.Shape
import org.diffusion4j.pipeline.Json
import org.diffusion4j.pipeline.PipelineOptions
import org.diffusion4j.pipeline.PluginSpec
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
    fun predictionReadsWithoutBackticks() {
        // convertTo and x0 replace `as` (a Kotlin hard keyword) and sample() (which returned x̂0)
        val t = Timestep.ofAlphaBar(3.0, 0.64) // α = 0.8, σ = 0.6
        val x = ArrayTensor.of(floatArrayOf(0.8f), Shape.of(1, 1))
        val eps = Prediction(PredictionType.EPSILON, ArrayTensor.of(floatArrayOf(0.5f), Shape.of(1, 1)), x, t)
        val asSample = eps.convertTo(PredictionType.SAMPLE)
        assertThat(asSample.type()).isEqualTo(PredictionType.SAMPLE)
        assertThat(asSample.x0()).isSameAs(asSample.value())
        // x̂0 = (x − σ ε)/α = (0.8 − 0.3)/0.8 = 0.625; bound: one float32 linear with coefficients 1/α, −σ/α
        // rounded from double: ≤ 3 u (|x|/α + σ|ε|/α) = 3 u · 1.375, u = 2^-24
        assertThat(eps.x0().toFloatArray()[0].toDouble()).isCloseTo(0.625, Offset.offset(3 * Math.scalb(1.0, -24) * 1.375))
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

    @Test
    fun theNamedSamplersRunFromKotlinByNameAndFactory() {
        // By their user-facing names through JSON plugin specs, and by the Java factories. Each of these ends with
        // the step onto σ = 0 that returns D = x̂0, which for the point mass is the centre whatever the state: only
        // the last model call's rounding remains, bounded as for DDIM above with the last level σ_min (Karras) or
        // the plan's last level, and |x| ≤ |c| + 6 (σ ≤ 1): u (9 (|c| + 6)/α_last + 8 |c|), ×2 safety.
        val u = Math.scalb(1.0, -24)
        val schedule = Schedules.linear(1000)
        val alphaLast = minOf(schedule.alphaBar(0), schedule.plan(10).get(9).current().alphaBar()).let { Math.sqrt(it) }
        fun tol(c: Double): Float = (2 * u * (9 * (Math.abs(c) + 6) / alphaLast + 8 * Math.abs(c))).toFloat()
        val names = listOf("euler", "Euler a", "heun", "DPM++ 2M Karras", "DPM++ 2M SDE", "unipc")
        for (name in names) {
            val result = SamplingPipeline.builder()
                .predictor("point-mass", pointMassPredictor(centre), 2)
                .schedule(PluginSpec.of("linear").with("numTrainTimesteps", 1000))
                .sampler(PluginSpec.of(name).with("steps", 10))
                .samplesPerLabel(4)
                .build()
                .sample()
            val x = result.sets()[0].samples().toFloatArray()
            for (i in 0 until 4) {
                assertThat(x[2 * i]).`as`(name).isCloseTo(0.5f, Offset.offset(tol(0.5)))
                assertThat(x[2 * i + 1]).`as`(name).isCloseTo(-0.25f, Offset.offset(tol(-0.25)))
            }
        }
        val karras: org.diffusion4j.api.Sampler = org.diffusion4j.samplers.Samplers.dpmpp2mKarras(10)
        assertThat(karras.toString()).isEqualTo("DpmSolverPlusPlus2M[steps=10, spacing=karras(rho=7.0)]")
        // the solver options by JSON field, and a diffusers-style loop of single steps (SigmaStepper) in Kotlin
        val options = listOf(
            PluginSpec.of("unipc").with("solverOrder", 3).with("solverType", "bh1").with("disableCorrector", listOf(1)),
            PluginSpec.of("dpmpp_2m").with("solverOrder", 3).with("spacing", "karras"))
        for (spec in options) {
            val x = SamplingPipeline.builder().predictor("point-mass", pointMassPredictor(centre), 2)
                .schedule(PluginSpec.of("linear").with("numTrainTimesteps", 1000)).sampler(spec.with("steps", 10))
                .samplesPerLabel(1).build().sample().sets()[0].samples().toFloatArray()
            assertThat(x[0]).isCloseTo(0.5f, Offset.offset(tol(0.5)))
        }
        val stepper = org.diffusion4j.samplers.Samplers.unipc(10, org.diffusion4j.samplers.SigmaSpacing.karras())
            .stepper(schedule, org.diffusion4j.api.PredictionType.EPSILON)
        var x: org.diffusion4j.api.tensor.Tensor = ArrayTensor.of(floatArrayOf(0.3f, -1.1f), Shape.of(1, 2)) * stepper.initNoiseSigma()
        for (i in 0 until stepper.calls()) {
            val out = pointMassPredictor(centre).predict(stepper.scaleModelInput(x, i), stepper.level(i),
                org.diffusion4j.api.Conditions.unconditional(1))
            x = stepper.step(out, i, x)
        }
        val last = stepper.result(x).toFloatArray()
        assertThat(last[0]).isCloseTo(0.5f, Offset.offset(tol(0.5)))
        assertThat(last[1]).isCloseTo(-0.25f, Offset.offset(tol(-0.25)))
    }
}
