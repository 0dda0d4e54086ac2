package org.diffusion4j.pipeline;

import java.util.List;
import java.util.stream.Collectors;
import org.diffusion4j.api.DiffusionArgumentException;

/**
 * A sampling or training document that does not validate: every problem found, each with its JSON
 * pointer, what was wrong and what is allowed. Error code {@code D4J-CONFIG}.
 */
public final class PipelineConfigException extends DiffusionArgumentException {
    private final String source;
    private final List<ConfigProblem> problems;

    /**
     * @param source   what was read (a file name, or {@code "configuration"})
     * @param problems at least one problem
     */
    public PipelineConfigException(String source, List<ConfigProblem> problems) {
        super("D4J-CONFIG", format(source, problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a configuration exception needs at least one problem");
        }
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** A single problem. */
    public PipelineConfigException(String source, String path, String message) {
        this(source, List.of(new ConfigProblem(path, message)));
    }

    /** What was read. */
    public String source() {
        return source;
    }

    /** The problems, in document order as far as they were found in it. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String format(String source, List<ConfigProblem> problems) {
        if (problems.size() == 1) {
            return "D4J-CONFIG in " + source + " at " + problems.get(0);
        }
        return "D4J-CONFIG: " + problems.size() + " problems in " + source + ":\n"
                + problems.stream().map(p -> "  at " + p).collect(Collectors.joining("\n"));
    }
}
