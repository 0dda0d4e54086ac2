package org.diffusion4j.kotlin

import java.nio.file.Path
import java.util.OptionalInt
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.diffusion4j.api.Condition
import org.diffusion4j.api.Conditions
import org.diffusion4j.api.Guided
import org.diffusion4j.api.Prediction
import org.diffusion4j.api.PredictionType
import org.diffusion4j.api.SampleRequest
import org.diffusion4j.api.Schedule
import org.diffusion4j.api.Step
import org.diffusion4j.api.StepPlan
import org.diffusion4j.api.Timestep
import org.diffusion4j.api.spi.ModelSpec
import org.diffusion4j.api.spi.PluginContext
import org.diffusion4j.api.spi.PluginKind
import org.diffusion4j.api.spi.PluginRegistry
import org.diffusion4j.api.tensor.ArrayTensor
import org.diffusion4j.api.tensor.Shape
import org.diffusion4j.api.tensor.Tensor
import org.junit.jupiter.api.Test

class ConditionsAndNullablesTest {

    /** A schedule the builder only stores (nothing here samples). */
    private object FixedSchedule : Schedule {
        override fun at(modelTime: Double): Timestep = Timestep.ofAlphaBar(modelTime, 0.5)
        override fun plan(steps: Int): StepPlan = throw UnsupportedOperationException("not sampled")
        override fun trainingTime(u: Double): Timestep = Timestep.ofAlphaBar(u, 0.5)
        override fun trainSteps(): OptionalInt = OptionalInt.empty()
    }

    @Test
    fun labelsFromAListEqualTheVarargFactory() {
        assertThat(labels(listOf(0, 3, 9))).isEqualTo(Conditions.labels(0, 3, 9))
        assertThat(listOf(2, 2).toConditions()).isEqualTo(Conditions.labels(2, 2))
        assertThat(labels(emptyList())).isEqualTo(Conditions.labels())
    }

    @Test
    fun nullLabelIsTheNullCondition() {
        val c = labels(listOf(1, null))
        assertThat(c).isEqualTo(Conditions.of(Condition.label(1), Condition.none()))
        assertThat(c.anyUnconditional()).isTrue()
        assertThat(conditionsOf(Condition.label(1), Condition.none())).isEqualTo(c)
        assertThat(c.toList()).containsExactly(Condition.label(1), Condition.none())
    }

    @Test
    fun negativeLabelFailsAsInJava() {
        assertThatThrownBy { labels(listOf(0, -1)) }.isInstanceOf(IllegalArgumentException::class.java)
            .hasMessageContaining("-1")
    }

    @Test
    fun maxLabelOrNull() {
        assertThat(labels(listOf(4, null, 7)).maxLabelOrNull).isEqualTo(7)
        assertThat(Conditions.unconditional(3).maxLabelOrNull).isNull()
    }

    private fun Conditions.toList(): List<Condition> {
        val out = ArrayList<Condition>()
        for (c in this) out.add(c)
        return out
    }

    private fun request(init: Tensor?, seeds: LongArray?): SampleRequest {
        val b = SampleRequest.builder()
            .predictor { x, _, _ -> x }
            .schedule(FixedSchedule)
            .batchSize(2)
            .sampleShape(1)
        if (init != null) b.initialState(init)
        if (seeds != null) b.sampleSeeds(*seeds)
        return b.build()
    }

    @Test
    fun sampleRequestNullables() {
        val x0 = ArrayTensor.of(floatArrayOf(1f, 2f), Shape.of(2, 1))
        val given = request(x0, longArrayOf(5, 6))
        assertThat(given.initialStateOrNull).isSameAs(given.initialState().get())
        assertThat(given.sampleSeedsOrNull).containsExactly(5L, 6L)
        val plain = request(null, null)
        assertThat(plain.initialStateOrNull).isNull()
        assertThat(plain.sampleSeedsOrNull).isNull()
    }

    @Test
    fun guidedMeanShiftOrNull() {
        val v = ArrayTensor.of(floatArrayOf(1f), Shape.of(1, 1))
        val p = Prediction(PredictionType.EPSILON, v, v, Timestep.ofAlphaBar(0.0, 0.5))
        assertThat(Guided.of(p).meanShiftOrNull).isNull()
        val g = ArrayTensor.of(floatArrayOf(0.25f), Shape.of(1, 1))
        assertThat(Guided.of(p).plusMeanShift(g).meanShiftOrNull).isSameAs(g)
    }

    @Test
    fun registryAndContextNullables() {
        val registry = PluginRegistry.of(emptyList())
        assertThat(registry.findOrNull(PluginKind.SAMPLER, "ddim")).isNull()
        val ctx = PluginContext(registry, mapOf("answer" to 42))
        assertThat(ctx.resourceOrNull<Int>("answer")).isEqualTo(42)
        assertThat(ctx.resourceOrNull<String>("answer")).isNull() // another type
        assertThat(ctx.resourceOrNull<Int>("missing")).isNull()
    }

    @Test
    fun modelSpecNullables() {
        val spec = ModelSpec(Path.of("m.onnx"), PredictionType.EPSILON, mapOf("input" to "x", "n" to 3))
        assertThat(spec.stringOptionOrNull("input")).isEqualTo("x")
        assertThat(spec.stringOptionOrNull("n")).isEqualTo("3")
        assertThat(spec.optionOrNull("n")).isEqualTo(3)
        assertThat(spec.optionOrNull("absent")).isNull()
    }

    @Test
    fun timestepPropertiesAreTheMethods() {
        // closed forms: ᾱ = 0.64 → α = 0.8, σ = 0.6, λ = log(0.64/0.36); the properties call the methods
        val t = Timestep.ofAlphaBar(10.0, 0.64)
        assertThat(t.alpha).isEqualTo(t.alpha())
        assertThat(t.sigma).isEqualTo(t.sigma())
        assertThat(t.lambda).isEqualTo(t.lambda())
        // |fl(√fl(0.64)) − 0.8| ≤ ¼ ulp (0.64's representation error, halved by the root) + ½ ulp (sqrt's
        // rounding) < 1 ulp of 0.8; ×2 safety
        assertThat(t.alpha).isCloseTo(0.8, org.assertj.core.data.Offset.offset(Math.ulp(0.8) * 2))
        assertThat(t.alphaBar).isEqualTo(0.64)
    }

    @Test
    fun stepPropertiesAreTheMethods() {
        val a = Timestep.ofAlphaBar(10.0, 0.5)
        val b = Timestep.ofAlphaBar(5.0, 0.8)
        val first = Step(0, 4, a, b)
        val last = Step(3, 4, a, b)
        assertThat(first.isLast).isFalse()
        assertThat(last.isLast).isTrue()
        // index / count exactly: 3/4 is representable
        assertThat(last.progress).isEqualTo(0.75)
        assertThat(first.progress).isEqualTo(first.progress())
    }
}
