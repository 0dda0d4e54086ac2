package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The field tables of docs/pipeline.md are those written from the documents' description. Regenerate with
 * {@code mvn -pl pipeline -am verify -Dtest=DocumentTablesTest -Dsurefire.failIfNoSpecifiedTests=false -Dd4j.writeDocs=true}.
 */
class DocumentTablesTest {
    static final Path PAGE = Path.of("../docs/pipeline.md");

    @Test
    void docsTablesAreTheGeneratedOnes() throws IOException {
        String page = Files.readString(PAGE);
        String updated = DocumentTables.update(page);
        if (Boolean.getBoolean("d4j.writeDocs")) {
            Files.writeString(PAGE, updated);
        }
        assertThat(page)
                .as("the field tables of docs/pipeline.md are stale; regenerate (see class comment)")
                .isEqualTo(updated);
    }

    @Test
    void aTableHasOneRowPerFieldWithItsRangeAndDefault() {
        String t = DocumentTables.table(Documents.SAMPLING);
        assertThat(t.lines().count()).isEqualTo(2 + Documents.SAMPLING.size());
        assertThat(t)
                .contains("| `samplesPerLabel` | grid columns; 1.." + Documents.SAMPLES_PER_LABEL.max() + " | 8 |")
                .contains("| `model` | ")
                .contains(" | required |");
    }

    @Test
    void aStaleBlockIsRewrittenAndAMissingOneIsAnError() {
        String page = DocumentTables.update(blocksPage("stale"));
        assertThat(page).doesNotContain("stale").contains("| `seed` |");
        assertThat(DocumentTables.update(page)).isEqualTo(page);
        assertThatThrownBy(() -> DocumentTables.update("no blocks")).hasMessageContaining("fields:sampling");
    }

    private static String blocksPage(String body) {
        StringBuilder sb = new StringBuilder("# page\n");
        for (String name : DocumentTables.blocks().keySet()) {
            sb.append("<!-- fields:")
                    .append(name)
                    .append(" -->\n")
                    .append(body)
                    .append("\n<!-- /fields:")
                    .append(name)
                    .append(" -->\n");
        }
        return sb.toString();
    }
}
