package org.diffusion4j.pipeline;

import java.util.List;

/**
 * What checking a document found: the problems that stop it from running, and the warnings about settings
 * that work but are deprecated (each with what to write instead). {@code diffusion4j validate} prints both
 * and fails only on problems.
 *
 * @param problems what is wrong, each at its JSON path; empty when the document is valid
 * @param warnings deprecated settings, each at its JSON path
 */
public record Validation(List<ConfigProblem> problems, List<ConfigProblem> warnings) {

    public Validation {
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
    }

    /** True when the document has no problem (warnings do not count). */
    public boolean valid() {
        return problems.isEmpty();
    }
}
