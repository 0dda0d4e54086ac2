package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A parameter sweep: the run is repeated once per value, with the document field at {@code parameter}
 * (a JSON pointer such as {@code /guidance/guidanceScale}) set to the value; one grid per value.
 *
 * @param parameter the JSON pointer of the swept field, under {@code /guidance}, {@code /sampler},
 *                  {@code /schedule} or {@code /noise}, or {@code /seed}
 * @param values    the values, JSON scalars, at least one
 */
public record Sweep(String parameter, List<JsonNode> values) {

    public Sweep {
        values = values.stream().<JsonNode>map(JsonNode::deepCopy).toList();
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a sweep needs at least one value");
        }
    }

    /** A sweep over numbers. */
    public static Sweep of(String parameter, double... values) {
        java.util.List<JsonNode> l = new java.util.ArrayList<>();
        for (double v : values) {
            l.add(Json.tree(v));
        }
        return new Sweep(parameter, l);
    }

    /** The last pointer segment, for labels: {@code guidanceScale}. */
    public String shortName() {
        return parameter.substring(parameter.lastIndexOf('/') + 1);
    }
}
