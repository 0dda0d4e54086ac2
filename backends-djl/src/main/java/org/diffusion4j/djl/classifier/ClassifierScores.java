package org.diffusion4j.djl.classifier;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import org.diffusion4j.api.DiffusionArgumentException;
import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlCheckpointException;
import org.diffusion4j.djl.tensor.DjlTensorFactory;

/**
 * A {@link ClassifierModel}'s logits {@code [B, K]} at one model time as a {@link ScoreModel} (for
 * evaluation: class accuracy, or the logits as the feature space of the Fréchet distance). Runs in chunks
 * of at most {@code batchSize} images (0: the whole batch at once). Thread-safe (the forward pass is).
 */
public final class ClassifierScores implements ScoreModel {
    private final ClassifierModel model;
    private final double modelTime;
    private final int batchSize;

    /**
     * @param model     the classifier (its owner closes it)
     * @param modelTime the model time of the images: 0 for clean images (the first step of the
     *                  schedule the classifier was trained with)
     * @param batchSize images per forward pass; 0 for the whole batch
     */
    public ClassifierScores(ClassifierModel model, double modelTime, int batchSize) {
        if (!Double.isFinite(modelTime) || batchSize < 0) {
            throw new IllegalArgumentException(
                    "modelTime must be finite and batchSize >= 0, got " + modelTime + " and " + batchSize);
        }
        this.model = model;
        this.modelTime = modelTime;
        this.batchSize = batchSize;
    }

    @Override
    public Tensor apply(Tensor images) {
        ClassifierConfig c = model.config();
        Shape want = Shape.of(c.imageChannels(), c.imageSize(), c.imageSize());
        if (images.shape().rank() != 4 || !images.shape().sampleShape().equals(want)) {
            throw new DiffusionArgumentException(
                    DjlCheckpointException.CODE,
                    "the classifier takes images [B, " + want.get(0) + ", " + want.get(1) + ", " + want.get(2)
                            + "], got " + images.shape());
        }
        int b = images.shape().get(0);
        int per = want.intSize();
        int chunk = batchSize > 0 ? batchSize : Math.max(1, b);
        float[] x = images.toFloatArray();
        float[] out = new float[Math.multiplyExact(b, c.numClasses())];
        for (int from = 0; from < b; from += chunk) {
            int n = Math.min(chunk, b - from);
            try (NDManager call = model.manager().newSubManager();
                    NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray xa = call.create(
                        Arrays.copyOfRange(x, from * per, (from + n) * per),
                        DjlTensorFactory.djlShape(want.withBatch(n)));
                double[] t = new double[n];
                Arrays.fill(t, modelTime);
                float[] logits = model.forward(call, xa, t, false).toFloatArray();
                System.arraycopy(logits, 0, out, from * c.numClasses(), logits.length);
            }
        }
        return images.factory().of(out, Shape.of(b, c.numClasses()));
    }

    @Override
    public String toString() {
        return "ClassifierScores[" + model.config().numClasses() + " classes, model time " + modelTime + "]";
    }
}
