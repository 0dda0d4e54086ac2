/**
 * The {@code diffusion4j} command line: {@code sample}, {@code train}, {@code validate}, {@code plugins}
 * and {@code schema}, built on the JSON pipeline.
 */
@NullMarked
package org.diffusion4j.cli;

import org.jspecify.annotations.NullMarked;
