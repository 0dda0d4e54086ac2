package org.diffusion4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/errors.md lists exactly the error codes the sources use: a code in any module's main sources
 * (Java or Kotlin) that the page does not list fails, and so does a listed code nothing uses.
 */
class ErrorCodesDocumentedTest {
    /** A code where it is used: a D4J- token (the docs' "D4J-…" placeholders have no word after the hyphen). */
    private static final Pattern USE = Pattern.compile("D4J-[A-Z0-9]+(?:-[A-Z0-9]+)*");
    /** A documented code: the first cell of a row of the page's table. */
    private static final Pattern ROW = Pattern.compile("^\\| `(D4J-[^`]*)` \\|(.*)$");

    private static final Set<String> SKIPPED_DIRECTORIES = Set.of("target", ".git", "node_modules", "build", ".idea");

    /** The repository root: the nearest folder above the working directory that has docs/errors.md. */
    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docs/errors.md")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new AssertionError("no docs/errors.md in " + Path.of("").toAbsolutePath() + " or a folder above it");
    }

    /** Every code in the main sources, with the first file that uses it. */
    static Map<String, Path> usedCodes(Path root) throws IOException {
        Map<String, Path> used = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".kt"))
                    .filter(f -> isMainSource(root.relativize(f)))
                    .forEach(f -> {
                        Matcher m = USE.matcher(read(f));
                        while (m.find()) {
                            used.putIfAbsent(m.group(), root.relativize(f));
                        }
                    });
        }
        return used;
    }

    private static boolean isMainSource(Path relative) {
        boolean main = false;
        for (int i = 0; i < relative.getNameCount(); i++) {
            String part = relative.getName(i).toString();
            if (SKIPPED_DIRECTORIES.contains(part)) {
                return false;
            }
            if (part.equals("src")
                    && i + 1 < relative.getNameCount()
                    && relative.getName(i + 1).toString().equals("main")) {
                main = true;
            }
        }
        return main;
    }

    private static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The codes the page's table documents, each with the rest of its row. */
    static Map<String, String> documentedCodes(Path root) {
        Map<String, String> documented = new TreeMap<>();
        List<String> lines = read(root.resolve("docs/errors.md")).lines().toList();
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                assertThat(documented.put(m.group(1), m.group(2)))
                        .as("%s is listed twice", m.group(1))
                        .isNull();
            }
        }
        return documented;
    }

    @Test
    void everyCodeInTheSourcesIsDocumentedAndEveryDocumentedCodeIsUsed() throws IOException {
        Path root = root();
        Map<String, Path> used = usedCodes(root);
        Map<String, String> documented = documentedCodes(root);
        // the scan found the codes the api itself throws: it reads the whole reactor, not nothing
        assertThat(used).containsKeys("D4J-CONFIG", "D4J-PLUGIN-UNKNOWN", "D4J-PLUGIN-DUPLICATE");
        Set<String> missing = new TreeSet<>(used.keySet());
        missing.removeAll(documented.keySet());
        assertThat(missing)
                .as("codes used but not in docs/errors.md (first use: %s)", used)
                .isEmpty();
        Set<String> unused = new TreeSet<>(documented.keySet());
        unused.removeAll(used.keySet());
        assertThat(unused)
                .as("codes in docs/errors.md that no main source uses")
                .isEmpty();
    }

    @Test
    void everyDocumentedCodeHasTheCodeShapeAndAllFourColumns() {
        for (Map.Entry<String, String> e : documentedCodes(root()).entrySet()) {
            assertThat(e.getKey()).matches(DiffusionError.CODE);
            // "thrown as | meaning | fix |": three non-empty cells after the code
            String[] cells = e.getValue().split("\\|");
            assertThat(cells).as("row of %s", e.getKey()).hasSizeGreaterThanOrEqualTo(3);
            for (int i = 0; i < 3; i++) {
                assertThat(cells[i]).as("column %d of %s", i + 2, e.getKey()).isNotBlank();
            }
        }
    }
}
