package org.diffusion4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The axes of an evaluation sweep ({@code "sweep": [{"parameter": "/guidance/guidanceScale", "values":
 * [...]}, ...]}) and their combinations: the first axis is the plots' x axis (numbers), each combination
 * of the other axes' values is one series. A combination is applied to a sampling document by setting
 * each axis's field (a JSON pointer to a field of an object of the document).
 */
final class SweepAxes {

    /** One axis: a JSON pointer into the sampling document and its values. */
    record Axis(String pointer, List<JsonNode> values) {
        Axis {
            values = List.copyOf(values);
        }

        /** The pointer's last segment, unescaped ({@code ~1} → {@code /}, {@code ~0} → {@code ~}). */
        String field() {
            return unescape(pointer.substring(pointer.lastIndexOf('/') + 1));
        }

        /** The pointer of the object that holds the field. */
        String parent() {
            return pointer.substring(0, pointer.lastIndexOf('/'));
        }
    }

    /**
     * One setting of every axis.
     *
     * @param values one value per axis, in axis order
     * @param axes   the indices of each value in its axis
     */
    record Combination(List<JsonNode> values, int[] axes) {}

    private final List<Axis> axes;
    private final List<String> names;

    SweepAxes(List<Axis> axes) {
        this.axes = List.copyOf(axes);
        Map<String, Integer> count = new HashMap<>();
        axes.forEach(a -> count.merge(a.field(), 1, Integer::sum));
        List<String> n = new ArrayList<>();
        for (Axis a : axes) {
            n.add(count.getOrDefault(a.field(), 0) > 1 ? a.pointer() : a.field());
        }
        this.names = List.copyOf(n);
    }

    List<Axis> axes() {
        return axes;
    }

    /** The name of axis {@code i} in labels: its field, or its pointer when two axes share the field name. */
    String name(int i) {
        return names.get(i);
    }

    /** Every combination, the first axis varying fastest (so a series' points are adjacent). */
    List<Combination> combinations() {
        List<Combination> out = new ArrayList<>();
        int[] idx = new int[axes.size()];
        while (true) {
            List<JsonNode> v = new ArrayList<>();
            for (int a = 0; a < axes.size(); a++) {
                v.add(axes.get(a).values().get(idx[a]));
            }
            out.add(new Combination(List.copyOf(v), idx.clone()));
            int a = 0;
            while (a < axes.size() && ++idx[a] == axes.get(a).values().size()) {
                idx[a] = 0;
                a++;
            }
            if (a == axes.size()) {
                return out;
            }
        }
    }

    /** The series of a combination: the other axes' settings, {@code "type=ddim, steps=10"}; one axis: "samples". */
    String series(Combination c) {
        if (axes.size() == 1) {
            return "samples";
        }
        StringBuilder sb = new StringBuilder();
        for (int a = 1; a < axes.size(); a++) {
            sb.append(a == 1 ? "" : ", ")
                    .append(name(a))
                    .append('=')
                    .append(text(c.values().get(a)));
        }
        return sb.toString();
    }

    /** Every axis's setting, by name, for reports. */
    Map<String, JsonNode> settings(Combination c) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (int a = 0; a < axes.size(); a++) {
            m.put(axes.get(a).pointer(), c.values().get(a));
        }
        return m;
    }

    /** A copy of {@code doc} with the combination's values set (the parents were checked to be objects). */
    ObjectNode apply(ObjectNode doc, Combination c) {
        ObjectNode d = doc.deepCopy();
        for (int a = 0; a < axes.size(); a++) {
            Axis axis = axes.get(a);
            ((ObjectNode) d.at(axis.parent()))
                    .set(axis.field(), c.values().get(a).deepCopy());
        }
        return d;
    }

    private static String text(JsonNode v) {
        return v.isTextual() ? v.asText() : v.toString();
    }

    private static String unescape(String s) {
        return s.replace("~1", "/").replace("~0", "~");
    }
}
