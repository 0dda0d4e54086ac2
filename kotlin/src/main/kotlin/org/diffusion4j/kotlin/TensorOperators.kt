/*
 * Scalar operators on Tensor that Kotlin cannot take from the Java methods alone.
 *
 * Tensor's own methods are named plus/minus/times/div/unaryMinus, so `x + y`, `x * 0.5` and `-x`
 * already work in Kotlin without this module. What does not: an Int or Float scalar (`x * 2`: Kotlin
 * converts no number type implicitly) and a scalar on the left (`2.0 * x`). Each operator here is one
 * call of the Java method, so it gives the same floats as the Java call.
 */
@file:JvmName("TensorOperators")

package org.diffusion4j.kotlin

import org.diffusion4j.api.tensor.Tensor

/** `x * 2`: [Tensor.times] with the scalar as a double. */
operator fun Tensor.times(scalar: Int): Tensor = times(scalar.toDouble())

/** `x * 2f`: [Tensor.times] with the scalar as a double. */
operator fun Tensor.times(scalar: Float): Tensor = times(scalar.toDouble())

/** `x / 2`: [Tensor.div] with the scalar as a double. */
operator fun Tensor.div(scalar: Int): Tensor = div(scalar.toDouble())

/** `x / 2f`: [Tensor.div] with the scalar as a double. */
operator fun Tensor.div(scalar: Float): Tensor = div(scalar.toDouble())

/** `x + 1`: [Tensor.plus] with the scalar as a double. */
operator fun Tensor.plus(scalar: Int): Tensor = plus(scalar.toDouble())

/** `x + 1f`: [Tensor.plus] with the scalar as a double. */
operator fun Tensor.plus(scalar: Float): Tensor = plus(scalar.toDouble())

/** `x - 1`: [Tensor.minus] with the scalar as a double. */
operator fun Tensor.minus(scalar: Int): Tensor = minus(scalar.toDouble())

/** `x - 1f`: [Tensor.minus] with the scalar as a double. */
operator fun Tensor.minus(scalar: Float): Tensor = minus(scalar.toDouble())

/** `+x`: the tensor itself. */
operator fun Tensor.unaryPlus(): Tensor = this

/** `2.0 * x`: `x.times(2.0)` (multiplication commutes exactly in floating point). */
operator fun Double.times(x: Tensor): Tensor = x.times(this)

/** `2f * x`: `x.times(2.0)`. */
operator fun Float.times(x: Tensor): Tensor = x.times(this.toDouble())

/** `2 * x`: `x.times(2.0)`. */
operator fun Int.times(x: Tensor): Tensor = x.times(this.toDouble())

/** `1.0 + x`: `x.plus(1.0)` (addition commutes exactly in floating point). */
operator fun Double.plus(x: Tensor): Tensor = x.plus(this)

/** `1 + x`: `x.plus(1.0)`. */
operator fun Int.plus(x: Tensor): Tensor = x.plus(this.toDouble())

/**
 * `1.0 - x`: `x.unaryMinus().plus(1.0)`. Negation is exact, and a + (−b) rounds exactly as a − b,
 * so this is the element-wise difference rounded once.
 */
operator fun Double.minus(x: Tensor): Tensor = x.unaryMinus().plus(this)

/** `1 - x`: `x.unaryMinus().plus(1.0)`. */
operator fun Int.minus(x: Tensor): Tensor = x.unaryMinus().plus(this.toDouble())
