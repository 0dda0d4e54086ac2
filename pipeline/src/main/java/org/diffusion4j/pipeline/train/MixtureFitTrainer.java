package org.diffusion4j.pipeline.train;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.spi.TrainerProvider;
import org.jspecify.annotations.Nullable;

/**
 * Trainer {@code mixture-fit}: fits a class-conditional isotropic Gaussian N(μ_k, s_k² I) per label to
 * labelled 2-D data by stochastic maximum likelihood, so that the exact-score model of the fitted
 * mixture (model source {@code gaussian-mixture}) is the trained denoiser. It needs no network and no
 * native code; the schedule does not enter the fit (the exact score holds at every noise level).
 *
 * <p>Per step, for the samples x of class k in the mini-batch (NLL = d·log s + |x − μ|²/(2s²) + const):
 * <pre>
 *   μ_k     ← μ_k + η · mean(x − μ_k)                          (gradient step preconditioned by s²)
 *   log s_k ← log s_k − η/2 · (1 − mean|x − μ_k|² / (d s_k²))   (gradient step preconditioned by 1/(2d))
 * </pre>
 * Mixture weights are the label frequencies of the data set.
 */
public final class MixtureFitTrainer implements TrainerProvider<MixtureFitTrainer.Config> {

    /**
     * @param data         {@code three-blobs} (default): labelled draws from the test kit's 2-D mixture
     * @param samples      data set size (default 3000)
     * @param batchSize    samples per step (default 256)
     * @param learningRate η in (0, 1] (default 0.1)
     */
    public record Config(
            @Nullable String data,
            @Nullable Integer samples,
            @Nullable Integer batchSize,
            @Nullable Double learningRate) {}

    @Override
    public String id() {
        return "mixture-fit";
    }

    @Override
    public String description() {
        return "maximum-likelihood fit of a class-conditional Gaussian mixture (exact-score model, no network)";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public void check(Config c) {
        if (c.data() != null && !c.data().equals("three-blobs")) {
            throw new IllegalArgumentException("unknown data '" + c.data() + "'; known: three-blobs");
        }
        if (c.samples() != null && (c.samples() < 3 || c.samples() > 10_000_000)) {
            throw new IllegalArgumentException("samples must be in [3, 10000000], got " + c.samples());
        }
        if (c.batchSize() != null && c.batchSize() < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + c.batchSize());
        }
        if (c.learningRate() != null && !(c.learningRate() > 0 && c.learningRate() <= 1)) {
            throw new IllegalArgumentException("learningRate must be in (0, 1], got " + c.learningRate());
        }
    }

    @Override
    public Trainer create(Config c) {
        check(c);
        int n = c.samples() == null ? 3000 : c.samples();
        int batch = c.batchSize() == null ? 256 : c.batchSize();
        double eta = c.learningRate() == null ? 0.1 : c.learningRate();
        return (request, listener) -> fit(GaussianMixture.threeBlobs2d(), n, batch, eta, request, listener);
    }

    private static TrainResult fit(
            GaussianMixture truth, int n, int batch, double eta, TrainRequest req, TrainListener listener) {
        GaussianMixture.Draws data = truth.sample(n, req.seed());
        float[] x = data.x().toFloatArray();
        int[] y = data.labels();
        int d = truth.dim();
        int k = truth.components();
        double[] weights = new double[k];
        for (int label : y) {
            weights[label] += 1.0 / n;
        }
        double[][] mu = new double[k][d];
        double[] logS = new double[k];
        SdkNoise.Normal rng = SdkNoise.normal(req.seed() ^ 0x5DEECE66DL);
        List<Double> losses = new ArrayList<>();
        Path last = null;
        for (long step = 1; step <= req.steps(); step++) {
            double[][] sum = new double[k][d];
            double[] sq = new double[k];
            int[] count = new int[k];
            double loss = 0;
            for (int b = 0; b < batch; b++) {
                int i = (int) (rng.nextUniform() * n);
                int label = y[i];
                double s2 = Math.exp(2 * logS[label]);
                double r2 = 0;
                for (int j = 0; j < d; j++) {
                    double diff = x[i * d + j] - mu[label][j];
                    sum[label][j] += diff;
                    r2 += diff * diff;
                }
                sq[label] += r2;
                count[label]++;
                loss += d * logS[label] + r2 / (2 * s2) + 0.5 * d * Math.log(2 * Math.PI) - Math.log(weights[label]);
            }
            for (int c = 0; c < k; c++) {
                if (count[c] == 0) {
                    continue;
                }
                double s2 = Math.exp(2 * logS[c]);
                for (int j = 0; j < d; j++) {
                    mu[c][j] += eta * sum[c][j] / count[c];
                }
                logS[c] -= eta / 2 * (1 - sq[c] / count[c] / (d * s2));
            }
            losses.add(loss / batch);
            listener.onStep(step, req.steps(), loss / batch);
            if (listener.cancelled()) {
                throw new CancellationException("training cancelled after " + step + " of " + req.steps() + " steps");
            }
            if ((req.checkpointEvery() > 0 && step % req.checkpointEvery() == 0) || step == req.steps()) {
                last = save(
                        req.outputDir().resolve(step == req.steps() ? "model.json" : "checkpoint-" + step + ".json"),
                        model(weights, mu, logS),
                        step);
            }
        }
        if (last == null) {
            throw new IllegalArgumentException("steps must be >= 1, got " + req.steps());
        }
        return new TrainResult(last, losses, model(weights, mu, logS), Optional.of("java"));
    }

    private static ObjectNode model(double[] weights, double[][] mu, double[] logS) {
        ObjectNode m = Json.object();
        m.put("type", "gaussian-mixture");
        ArrayNode w = m.putArray("weights");
        ArrayNode means = m.putArray("means");
        ArrayNode stds = m.putArray("stds");
        for (int c = 0; c < weights.length; c++) {
            w.add(weights[c]);
            ArrayNode row = means.addArray();
            for (double v : mu[c]) {
                row.add(v);
            }
            stds.add(Math.exp(logS[c]));
        }
        return m;
    }

    private static Path save(Path file, ObjectNode model, long step) {
        ObjectNode ckpt = Json.object();
        ckpt.put("kind", "mixture-fit");
        ckpt.put("step", step);
        ckpt.set("model", model);
        try {
            // a fresh name with the default permissions (createTempFile would make the checkpoint owner-only)
            Path dir = file.toAbsolutePath().getParent();
            if (dir == null) {
                throw new IOException(file + ": not a file path (it has no parent folder)");
            }
            Path tmp = Files.createFile(dir.resolve("." + file.getFileName() + "."
                    + Long.toUnsignedString(
                            java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part"));
            try {
                Files.writeString(tmp, Json.write(ckpt));
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
        }
    }
}
