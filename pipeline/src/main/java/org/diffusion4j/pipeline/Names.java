package org.diffusion4j.pipeline;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Did-you-mean for misspelt field and plugin names (edit distance, as the plugin registry does). */
final class Names {
    private Names() {
    }

    /** The known name closest to {@code name}, if it is close enough to be a likely typo. */
    static Optional<String> suggest(String name, Collection<String> known) {
        String n = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(n, k.toLowerCase(Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        boolean close = best != null && bestD <= Math.max(1, Math.min(3, name.length() / 3));
        return close ? Optional.of(best) : Optional.empty();
    }

    /** "; did you mean 'x'?" or "". */
    static String didYouMean(String name, Collection<String> known) {
        return suggest(name, known).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
