/**
 * JSON-configured sampling and training runs: one documented format for each, strictly validated
 * with JSON-pointer error messages, every {@code type} resolved through the plugin registry, and a
 * fluent builder that writes the same JSON back. See {@code docs/pipeline.md}.
 *
 * <p>For maintainers: each document's fields are described once, in {@code Documents} (package-private;
 * it says how to add a field), and the parsers, the JSON Schemas of {@code docs/schema/} and the field
 * tables of {@code docs/pipeline.md} are derived from it. {@code SamplingResolver} resolves a sampling
 * document in named steps; {@code PluginBinder} binds every {@code {"type": ...}} object, whatever its
 * plugin kind, through the one {@link org.diffusion4j.api.spi.PluginRegistry}.
 */
@NullMarked
package org.diffusion4j.pipeline;

import org.jspecify.annotations.NullMarked;
