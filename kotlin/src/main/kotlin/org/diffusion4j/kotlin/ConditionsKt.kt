/*
 * Building condition batches from Kotlin collections. Conditions.labels takes an int vararg, which
 * a Kotlin List<Int> reaches only through `*list.toIntArray()`; these take the collection itself.
 */
@file:JvmName("ConditionsKt")

package org.diffusion4j.kotlin

import org.diffusion4j.api.Condition
import org.diffusion4j.api.Conditions

/**
 * One condition per sample from class labels; `null` is the null condition ∅ of classifier-free
 * guidance: `labels(listOf(0, 1, null))`. A negative label fails as in [Condition.label].
 */
fun labels(labels: Iterable<Int?>): Conditions =
    Conditions.of(labels.map { if (it == null) Condition.none() else Condition.label(it) })

/** `listOf(0, 1, 2).toConditions()`: the same as [labels]. */
fun Iterable<Int?>.toConditions(): Conditions = labels(this)

/** A batch of the given conditions: `conditionsOf(Condition.label(3), Condition.none())`. */
fun conditionsOf(vararg conditions: Condition): Conditions = Conditions.of(conditions.toList())

/** `for (c in batch)`: the conditions in order ([Conditions.get] already serves `batch[i]`). */
operator fun Conditions.iterator(): Iterator<Condition> = asList().iterator()

