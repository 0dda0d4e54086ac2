/*
 * Nullable getters beside the Optional ones, and properties for the accessors that Kotlin shows only
 * as functions. The Java API returns Optional (never null); in Kotlin `?.`, `?:` and smart casts read
 * better, so each Optional getter has a `...OrNull` twin here.
 */
@file:JvmName("Nullables")

package org.diffusion4j.kotlin

import java.net.URL
import org.diffusion4j.api.Conditions
import org.diffusion4j.api.Guided
import org.diffusion4j.api.SampleRequest
import org.diffusion4j.api.Step
import org.diffusion4j.api.Timestep
import org.diffusion4j.api.spi.ModelSpec
import org.diffusion4j.api.spi.PluginContext
import org.diffusion4j.api.spi.PluginDescriptor
import org.diffusion4j.api.spi.PluginKind
import org.diffusion4j.api.spi.PluginRegistry
import org.diffusion4j.api.tensor.Tensor

/** [SampleRequest.initialState], or null when the run starts from noise. */
val SampleRequest.initialStateOrNull: Tensor?
    get() = initialState().orElse(null)

/** [SampleRequest.sampleSeeds], or null when the samples are seeded from the run seed. */
val SampleRequest.sampleSeedsOrNull: LongArray?
    get() = sampleSeeds().orElse(null)

/** [Guided.meanShift], or null when the guidance asks for no mean shift. */
val Guided.meanShiftOrNull: Tensor?
    get() = meanShift().orElse(null)

/** [Conditions.maxLabel], or null when no condition is a class label. */
val Conditions.maxLabelOrNull: Int?
    get() = maxLabel().let { if (it.isPresent) it.asInt else null }

/** [PluginRegistry.find], or null when no provider of [kind] has the id or alias [name]. */
fun <P : PluginDescriptor<*>> PluginRegistry.findOrNull(kind: PluginKind<P>, name: String): P? = find(kind, name).orElse(null)

/** [PluginDescriptor.location] (the jar or folder the provider was loaded from), or null when unknown. */
val PluginDescriptor<*>.locationOrNull: URL?
    get() = location().orElse(null)

/** [PluginContext.resource] of type [R], or null when absent or of another type: `ctx.resourceOrNull<Backend>("backend")`. */
inline fun <reified R : Any> PluginContext.resourceOrNull(name: String): R? = resource(name, R::class.java).orElse(null)

/** [ModelSpec.option], or null when the document does not set it. */
fun ModelSpec.optionOrNull(key: String): Any? = option(key).orElse(null)

/** [ModelSpec.stringOption] (the option through String.valueOf), or null when the document does not set it. */
fun ModelSpec.stringOptionOrNull(key: String): String? = stringOption(key).orElse(null)

/*
 * Timestep is a record: Kotlin shows its components as properties (t.alphaBar, t.sigmaSquared) but its
 * derived values as functions (t.alpha(), t.sigma(), t.lambda()). These make all of them read alike.
 */

/** √ᾱ_t as a property: [Timestep.alpha]. */
val Timestep.alpha: Double
    get() = alpha()

/** σ_t as a property: [Timestep.sigma]. */
val Timestep.sigma: Double
    get() = sigma()

/** log-SNR λ_t = log(α²/σ²) as a property: [Timestep.lambda]. */
val Timestep.lambda: Double
    get() = lambda()

/** [Step.isLast] as a property (Step's record components, `step.index`, `step.current`, already are). */
val Step.isLast: Boolean
    get() = isLast()

/** [Step.progress] (index / count, in [0, 1)) as a property. */
val Step.progress: Double
    get() = progress()
