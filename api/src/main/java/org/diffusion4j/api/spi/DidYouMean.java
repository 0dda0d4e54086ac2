package org.diffusion4j.api.spi;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one did-you-mean of the SDK, for misspelt plugin ids and field names: the known name nearest in
 * optimal-string-alignment distance (insertions, deletions, substitutions, adjacent transpositions;
 * Damerau 1964), offered when it is within max(1, min(3, length / 3)) edits. Case, and {@code _} against
 * {@code -}, do not count. Public through {@link PluginRegistry#suggest} and {@link PluginRegistry#didYouMean}.
 */
final class DidYouMean {
    private DidYouMean() {}

    /** The known name closest to {@code name}, if close enough to be a likely typo. */
    static Optional<String> suggest(String name, Collection<String> known) {
        String n = fold(name);
        @Nullable String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(n, fold(k));
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        if (best != null && bestD <= Math.max(1, Math.min(3, name.length() / 3))) {
            return Optional.of(best);
        }
        return Optional.empty();
    }

    /** {@code "; did you mean 'x'?"}, or {@code ""} when no known name is close. */
    static String phrase(String name, Collection<String> known) {
        return suggest(name, known).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    static String fold(String s) {
        return s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Optimal-string-alignment distance. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
