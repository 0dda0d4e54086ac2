package org.diffusion4j.examples.embedding;

import java.nio.file.Path;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.pipeline.PluginSpec;
import org.diffusion4j.pipeline.SamplingPipeline;

/**
 * The embedding example: load a model and sample with DDIM + CFG in a few lines.
 * <pre>
 *   mvn -q -pl examples/embedding -am package -DskipTests
 *   java -cp ... org.diffusion4j.examples.embedding.EmbeddingExample tools/fixtures/out/gmm_eps.onnx
 * </pre>
 */
public final class EmbeddingExample {
    private EmbeddingExample() {}

    /** Samples {@code perLabel} images for each of {@code labels} with DDIM (25 steps) and CFG γ = 3. */
    public static Tensor sample(PluginSpec model, int perLabel, int... labels) {
        return SamplingPipeline.builder()
                .model(model)
                .schedule(PluginSpec.of("linear").with("numTrainTimesteps", 1000))
                .sampler(PluginSpec.of("ddim").with("steps", 25))
                .guidance(PluginSpec.of("cfg").with("guidanceScale", 3.0))
                .labels(labels)
                .samplesPerLabel(perLabel)
                .seed(42)
                .build()
                .sample()
                .sets()
                .get(0)
                .samples();
    }

    /** The model object of a class-conditional 1×8×8 ONNX file with 3 classes (the fixtures' {@code gmm_eps.onnx}). */
    public static PluginSpec onnxModel(Path onnx) {
        return PluginSpec.of("file")
                .with("file", onnx.toAbsolutePath().toString())
                .with("sampleShape", new int[] {1, 8, 8})
                .with("numClasses", 3);
    }

    public static void main(String[] args) {
        Path onnx = Path.of(args.length > 0 ? args[0] : "tools/fixtures/out/gmm_eps.onnx");
        // an ONNX file (the onnx backend is picked from the extension) with 3 classes: ∅ is sent as label 3
        Tensor x = sample(onnxModel(onnx), 4, 0, 1, 2);
        System.out.println("sampled " + x.shape() + ", range [" + x.min() + ", " + x.max() + "]");
    }
}
