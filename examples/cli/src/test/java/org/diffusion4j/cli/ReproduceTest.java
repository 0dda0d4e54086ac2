package org.diffusion4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * docs/reproduce.md's worked example as a test: the JSON documents of {@code tools/fixtures/out/reproduce}
 * against the samples of the PyTorch loop of {@code tools/fixtures/make_reproduce.py} (DDIM-20, clip to
 * [−1, 1], CFG γ = 3, on the tiny UNet; x_T from one torch generator seeded 42), on ONNX Runtime here and
 * TorchScript there. {@code ddim_cfg.json} draws x_T from the torch-cpu noise's batch generator,
 * {@code ddim_cfg_x_T.json} reads the x_T file the loop saved.
 */
class ReproduceTest {
    static final Path DIR = Path.of("../../tools/fixtures/out/reproduce");
    /**
     * Every step's ε is two float32 evaluations of the UNet (PyTorch and ONNX Runtime), each within
     * {@link FixtureBounds#tinyUnet()} of the exact value relative to max(1, |ε|), amplified by CFG's
     * |γ| + |1 − γ| = 5, plus the update's own roundings; over 20 steps that is
     * {@link FixtureBounds#trajectory}: 20 · (5 · 2 · 2.4e-4 + γ_3) ≈ 4.9e-2, relative to max(1, |x|). x̂0 is
     * clipped to [−1, 1] (1-Lipschitz: it adds no error) and the samples lie in [−1, 1], so the bound is
     * absolute here.
     */
    static final double TOL =
            FixtureBounds.trajectory(2 * FixtureBounds.tinyUnet(), 20, FixtureBounds.cfgAmplification(3));

    @ParameterizedTest
    @ValueSource(strings = {"ddim_cfg.json", "ddim_cfg_x_T.json"})
    void theJsonDocumentReproducesThePyTorchLoop(String doc, @TempDir Path out) throws IOException {
        NdArray want = Npy.read(DIR.resolve("samples.npy"));
        assertThat(want.shape()).containsExactly(4, 1, 8, 8);
        // through the command line, as a user runs it: the samples come back as the .npy it writes
        CliTest.Run r = CliTest.run("sample", "-q", "--config", DIR.resolve(doc).toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String name = doc.replace(".json", ".npy");
        NdArray got = Npy.read(out.resolve(name));
        assertThat(got.shape()).containsExactly(want.shape());
        float[] g = got.toFloatArray();
        float[] w = want.toFloatArray();
        double worst = 0;
        for (int i = 0; i < g.length; i++) {
            worst = Math.max(worst, Math.abs(g[i] - w[i]) / Math.max(1, Math.abs(w[i])));
        }
        System.out.printf("%s: max |java - pytorch| / max(1, |x|) = %.3g (bound %.3g)%n", doc, worst, TOL);
        assertThat(worst).as("%s against make_reproduce.py's samples", doc).isLessThanOrEqualTo(TOL);
        assertThat(Files.exists(out.resolve(doc.replace(".json", ".png")))).isTrue();
    }

    @org.junit.jupiter.api.Test
    void theTorchBatchGeneratorDrawsTheLoopsXTBitForBit() throws IOException {
        NdArray xT = Npy.read(DIR.resolve("x_T.npy"));
        float[] drawn = org.diffusion4j.noise.torch.TorchNoise.avx2()
                .open(42, 4)
                .next(org.diffusion4j.api.tensor.Shape.of(1, 8, 8));
        assertThat(drawn).containsExactly(xT.toFloatArray());
    }
}
