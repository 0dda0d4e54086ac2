package org.diffusion4j.kotlin

import org.assertj.core.api.Assertions.assertThat
import org.diffusion4j.api.tensor.ArrayTensor
import org.diffusion4j.api.tensor.Shape
import org.diffusion4j.api.tensor.Tensor
import org.junit.jupiter.api.Test

/**
 * Each operator is one call of the Java method, so the floats must be identical (no tolerance: the
 * same float32 operation on the same operands). Values are chosen with non-representable fractions so
 * that a wrong mapping (say times for plus, or a scalar rounded to Int) would change them.
 */
class TensorOperatorsTest {
    private val x: Tensor = ArrayTensor.of(floatArrayOf(1.1f, -2.3f, 3.7e-3f, 0f, 6.5e4f, -0.1f), Shape.of(2, 3))
    private val y: Tensor = ArrayTensor.of(floatArrayOf(0.3f, 4.9f, -1.7f, 2.2e-2f, -3f, 0.7f), Shape.of(2, 3))

    private fun same(a: Tensor, b: Tensor) {
        assertThat(a.shape()).isEqualTo(b.shape())
        assertThat(a.toFloatArray()).containsExactly(*b.toFloatArray())
    }

    @Test
    fun intAndFloatScalarsOnTheRightAreTheDoubleMethods() {
        same(x * 2, x.times(2.0))
        same(x * 3f, x.times(3.0))
        same(x / 3, x.div(3.0))
        same(x / 0.3f, x.div(0.3f.toDouble()))
        same(x + 1, x.plus(1.0))
        same(x + 0.1f, x.plus(0.1f.toDouble()))
        same(x - 7, x.minus(7.0))
        same(x - 0.7f, x.minus(0.7f.toDouble()))
    }

    @Test
    fun scalarsOnTheLeftCommute() {
        same(2.0 * x, x.times(2.0))
        same(0.3 * x, x.times(0.3))
        same(2 * x, x.times(2.0))
        same(0.3f * x, x.times(0.3f.toDouble()))
        same(1.5 + x, x.plus(1.5))
        same(4 + x, x.plus(4.0))
    }

    @Test
    fun scalarMinusTensorIsTheElementwiseDifference() {
        // a + (−b) and a − b are the same correctly rounded float32 operation, so element-wise equality is exact
        val s = 0.3
        val expected = x.toFloatArray().map { s.toFloat() - it }.toFloatArray()
        assertThat((s - x).toFloatArray()).containsExactly(*expected)
        assertThat((1 - x).toFloatArray()).containsExactly(*x.toFloatArray().map { 1f - it }.toFloatArray())
    }

    @Test
    fun javaNamedOperatorsNeedNoExtension() {
        // Tensor's own plus/unaryMinus/times: what this module must not shadow
        same(x + y, x.plus(y))
        same(-x, x.unaryMinus())
        same(x * y, x.times(y))
        same(x * 0.5, x.times(0.5))
        same(+x, x)
        // a DDIM-style update written with operators equals the fused linear combination within its
        // rounding: x·a + y·b rounds three times, linear at most three times (each op ≤ u relative), so
        // |diff| ≤ 2·3u·(|a x| + |b y|); u = 2^-24
        val a = 0.6
        val b = 0.8
        val viaOps = (x * a + b * y).toFloatArray()
        val fused = x.linear(a, y, b).toFloatArray()
        val xs = x.toFloatArray()
        val ys = y.toFloatArray()
        val u = Math.scalb(1.0, -24)
        for (i in viaOps.indices) {
            val bound = 6 * u * (Math.abs(a * xs[i]) + Math.abs(b * ys[i]))
            assertThat(Math.abs(viaOps[i].toDouble() - fused[i].toDouble())).isLessThanOrEqualTo(bound)
        }
    }
}
