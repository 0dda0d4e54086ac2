package org.diffusion4j.pipeline;

/**
 * One thing wrong with a configuration document.
 *
 * @param path    where: a JSON pointer into the document ({@code /guidance/guidanceScale}), {@code ""} for
 *                the whole document
 * @param message what is wrong and what would be allowed
 */
public record ConfigProblem(String path, String message) {

    @Override
    public String toString() {
        return (path.isEmpty() ? "/" : path) + ": " + message;
    }
}
