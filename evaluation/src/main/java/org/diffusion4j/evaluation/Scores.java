package org.diffusion4j.evaluation;

import org.diffusion4j.api.spi.ScoreModel;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;

/** Runs a {@link ScoreModel} on host images and checks its answer. */
final class Scores {
    private Scores() {}

    /** One row per image of {@code model}'s output for {@code images} of shape {@code batchShape}. */
    static float[][] rows(ScoreModel model, float[] images, Shape batchShape) {
        Tensor out = model.apply(ArrayTensor.wrap(images, batchShape));
        int b = batchShape.get(0);
        if (out.shape().rank() != 2 || out.shape().get(0) != b) {
            throw new IllegalArgumentException("the score model returned shape " + out.shape() + " for images "
                    + batchShape + "; [" + b + ", K] (one row of K scores per image) is expected");
        }
        float[] v = out.toFloatArray();
        int k = out.shape().get(1);
        float[][] rows = new float[b][k];
        for (int i = 0; i < b; i++) {
            System.arraycopy(v, i * k, rows[i], 0, k);
        }
        return rows;
    }
}
