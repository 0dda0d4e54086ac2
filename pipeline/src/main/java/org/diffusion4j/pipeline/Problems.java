package org.diffusion4j.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects the problems of one document so that all of them are reported at once. */
final class Problems {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("org.diffusion4j.pipeline");
    private final List<ConfigProblem> list = new ArrayList<>();
    private final Set<ConfigProblem> warnings = new LinkedHashSet<>();

    /** A setting that works but is deprecated (once per path and message, however often it is met). */
    void warn(String path, String message) {
        warnings.add(new ConfigProblem(path, message));
    }

    void addWarnings(List<ConfigProblem> more) {
        warnings.addAll(more);
    }

    /** Logs each warning once, as {@code <source>: <path>: <message>}. */
    void logWarnings(String source) {
        for (ConfigProblem w : warnings) {
            LOG.warn("{}: {}", source, w);
        }
    }

    List<ConfigProblem> warnings() {
        return List.copyOf(warnings);
    }

    Validation validation() {
        return new Validation(list(), warnings());
    }

    void add(String path, String message) {
        list.add(new ConfigProblem(path, message));
    }

    void addAll(List<ConfigProblem> more) {
        list.addAll(more);
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    int size() {
        return list.size();
    }

    List<ConfigProblem> list() {
        return List.copyOf(list);
    }

    void throwIfAny(String source) {
        if (!list.isEmpty()) {
            throw new PipelineConfigException(source, list);
        }
    }
}
