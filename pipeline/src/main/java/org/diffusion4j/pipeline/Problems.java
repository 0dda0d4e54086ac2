package org.diffusion4j.pipeline;

import java.util.ArrayList;
import java.util.List;

/** Collects the problems of one document so that all of them are reported at once. */
final class Problems {
    private final List<ConfigProblem> list = new ArrayList<>();

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
