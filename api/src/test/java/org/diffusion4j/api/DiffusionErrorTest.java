package org.diffusion4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.diffusion4j.api.spi.PluginConfigException;
import org.junit.jupiter.api.Test;

class DiffusionErrorTest {

    @Test
    void theCodeStartsTheMessageOnceAndTheJdkTypeIsKept() {
        DiffusionArgumentException a = new DiffusionArgumentException("D4J-TEST", "bad shape [2, 3]");
        assertThat(a).isInstanceOf(IllegalArgumentException.class).hasMessage("D4J-TEST: bad shape [2, 3]");
        assertThat(a.code()).isEqualTo("D4J-TEST");
        // a message that already starts with its code is kept as written (formats like "D4J-CONFIG at /eta: …")
        assertThat(new DiffusionArgumentException("D4J-TEST", "D4J-TEST in run.json at /x: y"))
                .hasMessage("D4J-TEST in run.json at /x: y");
        DiffusionStateException s =
                new DiffusionStateException("D4J-TEST-STATE", "runtime failed", new RuntimeException("inner"));
        assertThat(s)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("D4J-TEST-STATE: runtime failed")
                .hasCauseInstanceOf(RuntimeException.class);
    }

    @Test
    void codeOfFindsTheFirstCodedExceptionInTheCauseChain() {
        RuntimeException coded = new DiffusionStateException("D4J-INNER", "x");
        RuntimeException wrapped = new UncheckedIOException("io", new java.io.IOException("disk", coded));
        assertThat(DiffusionError.codeOf(wrapped)).contains("D4J-INNER");
        assertThat(DiffusionError.codeOf(new DiffusionArgumentException("D4J-OUTER", "y", coded)))
                .contains("D4J-OUTER");
        assertThat(DiffusionError.codeOf(new IllegalArgumentException("plain"))).isEmpty();
    }

    @Test
    void aMalformedCodeIsRejected() {
        for (String bad : new String[] {"CONFIG", "D4J-", "D4J-config", "D4J-A--B", "D4J-A B"}) {
            assertThatThrownBy(() -> new DiffusionArgumentException(bad, "m"))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
    }

    @Test
    void thePluginSpisConfigExceptionIsACodedIllegalArgument() {
        PluginConfigException e = new PluginConfigException("/steps", "must be >= 1, got 0");
        assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .isInstanceOf(DiffusionError.class)
                .hasMessage("D4J-CONFIG at /steps: must be >= 1, got 0");
        assertThat(e.code()).isEqualTo("D4J-CONFIG");
    }
}
