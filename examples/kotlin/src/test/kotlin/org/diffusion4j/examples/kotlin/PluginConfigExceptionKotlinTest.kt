package org.diffusion4j.examples.kotlin

import org.assertj.core.api.Assertions.assertThat
import org.diffusion4j.api.spi.PluginConfigException
import org.junit.jupiter.api.Test

/** A Kotlin plugin reports a plain validation failure: no cause needed, and a null cause is allowed (issue 9, class 13). */
class PluginConfigExceptionKotlinTest {
    private fun checkSteps(steps: Int) {
        if (steps % 2 != 0) {
            throw PluginConfigException("/steps", "must be even, got $steps")
        }
    }

    @Test
    fun aKotlinPluginThrowsAValidationFailureWithoutACause() {
        val e = runCatching { checkSteps(3) }.exceptionOrNull() as PluginConfigException
        assertThat(e.path()).isEqualTo("/steps")
        assertThat(e.cause).isNull()
        assertThat(e).hasMessage("D4J-CONFIG at /steps: must be even, got 3")
        val noCause: Throwable? = null
        assertThat(PluginConfigException("", "the whole object is wrong", noCause)).hasMessage("D4J-CONFIG at /: the whole object is wrong")
    }
}
