package org.diffusion4j.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The field tables of {@code docs/pipeline.md}, written from the documents' one description
 * ({@link Documents}). In the page each table sits between {@code <!-- fields:NAME -->} and
 * {@code <!-- /fields:NAME -->}; {@link #update} rewrites them, and a test fails when the page differs.
 */
final class DocumentTables {
    private DocumentTables() {}

    /** The generated blocks by name, in page order. */
    static Map<String, String> blocks() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sampling", table(Documents.SAMPLING));
        m.put("sampling-output", table(Documents.OUTPUT_FIELDS));
        m.put("sampling-sweep", table(Documents.SWEEP_FIELDS));
        m.put("sampling-initial-state", table(Documents.INITIAL_STATE_FIELDS));
        m.put("training", table(Documents.TRAINING));
        m.put("training-output", table(Documents.TRAIN_OUTPUT_FIELDS));
        m.put(
                "training-sample",
                "The fields the `sample` object may set: "
                        + Documents.TRAINING_SAMPLE_FIELDS.stream()
                                .map(f -> "`" + f.name() + "`")
                                .collect(Collectors.joining(", "))
                        + ".\n");
        return m;
    }

    /** A Markdown table of fields: name, meaning (with the range), default. */
    static String table(List<DocField> fields) {
        StringBuilder sb = new StringBuilder("| field | meaning | default |\n|---|---|---|\n");
        for (DocField f : fields) {
            sb.append("| `")
                    .append(f.name())
                    .append("` | ")
                    .append(f.description())
                    .append(range(f))
                    .append(" | ")
                    .append(f.defaultText())
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String range(DocField f) {
        if (f.min() == null || f.max() == null || f.plugin() != null) {
            return "";
        }
        if (f.type() == DocField.Type.INTEGER) {
            if (f.min().equals(f.max())) {
                return "";
            }
            boolean lo = f.min() != Long.MIN_VALUE;
            boolean hi = f.max() != Long.MAX_VALUE;
            return lo && hi
                    ? "; " + f.min() + ".." + f.max()
                    : lo ? "; ≥ " + f.min() : hi ? "; ≤ " + f.max() : "; any 64-bit integer";
        }
        if (f.type() == DocField.Type.ARRAY) {
            return f.min().equals(f.max())
                    ? "; " + f.min() + " entries"
                    : f.max() >= Integer.MAX_VALUE
                            ? (f.min() == 1 ? "; not empty" : "; at least " + f.min() + " entries")
                            : "; " + f.min() + " to " + f.max() + " entries";
        }
        return "";
    }

    /** {@code page} with every generated block replaced by its current text. */
    static String update(String page) {
        String out = page;
        for (Map.Entry<String, String> e : blocks().entrySet()) {
            Pattern p = Pattern.compile(
                    "(<!-- fields:" + Pattern.quote(e.getKey()) + " -->\n)(.*?)(<!-- /fields:"
                            + Pattern.quote(e.getKey()) + " -->)",
                    Pattern.DOTALL);
            Matcher m = p.matcher(out);
            if (!m.find()) {
                throw new IllegalArgumentException("the page has no block <!-- fields:" + e.getKey() + " -->");
            }
            out = m.replaceFirst(Matcher.quoteReplacement(m.group(1) + e.getValue() + m.group(3)));
        }
        return out;
    }
}
