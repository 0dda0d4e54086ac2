/**
 * JSON-configured sampling and training runs: one documented format for each, strictly validated
 * with JSON-pointer error messages, every {@code type} resolved through the plugin registry, and a
 * fluent builder that writes the same JSON back. See {@code docs/pipeline.md}.
 */
@NullMarked
package org.diffusion4j.pipeline;

import org.jspecify.annotations.NullMarked;
