package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that runs an ONNX model leaves no {@code onnxruntime-java*} folder in its temporary directory.
 * The run is a child JVM with {@code java.io.tmpdir} set to a fresh folder, so the check sees only that
 * run's leftovers (and the test JVM's own ONNX Runtime folder is not involved).
 */
class NativeTempDirectoryTest {

    /** The child: opens the backend, runs linear.onnx once, prints ONNX Runtime's folder, exits. */
    public static final class RunOnce {
        public static void main(String[] args) {
            try (OnnxBackend backend = OnnxBackend.open();
                    OnnxNoisePredictor p = backend.loadPredictor(ModelSpec.of(Path.of(args[0])))) {
                float[] out = p.predict(
                                ArrayTensor.of(new float[64], Shape.of(1, 1, 8, 8)),
                                Timestep.ofAlphaBar(10, 0.5),
                                Conditions.labels(0))
                        .toFloatArray();
                System.out.println("ran " + out.length);
            }
            System.out.println("folder "
                    + NativeTempDirectory.loaderDirectory().map(Path::toString).orElse("none"));
        }
    }

    @Test
    void anOnnxRunLeavesNoNativeLibraryFolder(@TempDir Path tmp) throws Exception {
        Path model = Fixtures.onnx("linear").toAbsolutePath();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + tmp,
                RunOnce.class.getName(),
                model.toString()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains("ran 64");
        // ONNX Runtime did make its folder in our temporary directory during the run ...
        assertThat(output).as(output).contains("folder " + tmp.resolve(NativeTempDirectory.PREFIX));
        // ... and nothing of it is left
        assertThat(leftovers(tmp)).as(output).isEmpty();
    }

    private static List<Path> leftovers(Path tmp) throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith(NativeTempDirectory.PREFIX))
                    .toList();
        }
    }
}
