package org.diffusion4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.diffusion4j.djl.unet.UNetModel;
import org.junit.jupiter.api.Test;

/**
 * What a library user sees on stderr (slf4j-simple at its defaults) when building a network: no DJL
 * CUDA-probe warning (logged twice per process by DJL when a CUDA runtime is installed without a usable
 * driver) and no PyTorch "AutoNonVariableTypeMode is deprecated" warning (printed natively, so only a
 * separate process shows it).
 */
class LibraryLogNoiseTest {

    /** The child: loads the engine and builds a small UNet with seeded weights. */
    public static void main(String[] args) {
        try (UNetModel m = UNetModel.create(TestNets.tinyUNet(2), DjlRuntime.device("cpu", false), 1)) {
            System.out.println(m.parameterCount());
        }
    }

    @Test
    void buildingANetworkPrintsNoCudaOrAutogradWarning() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(
                        List.of(java, "-Dai.djl.offline=true", "-cp", cp, LibraryLogNoiseTest.class.getName()))
                .start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        String err = read(p.getErrorStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(out.get().trim()).matches("\\d+");
        assertThat(err).doesNotContain("CudaUtils", "AutoNonVariableTypeMode");
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
