package org.diffusion4j.evaluation;

import org.diffusion4j.api.tensor.Shape;

/** Runs a feature model over an image set in batches. */
public final class Features {

    private Features() {}

    /**
     * The feature vectors of all images, one row per image.
     *
     * @throws IllegalArgumentException if the model returns the wrong number of rows, rows of different
     *                                  lengths, or a value that is not finite (naming the image)
     */
    public static float[][] of(FeatureModel model, ImageSet images) {
        float[][] out = new float[images.size()][];
        int b = model.batchSize();
        int d = -1;
        for (int from = 0; from < images.size(); from += b) {
            int to = Math.min(images.size(), from + b);
            Shape bs = images.imageShape().withBatch(to - from);
            float[][] f = model.features(images.batch(from, to), bs);
            if (f.length != to - from) {
                throw new IllegalArgumentException("feature model " + model.id() + " returned " + f.length
                        + " rows for a batch of " + (to - from) + " images");
            }
            for (int i = 0; i < f.length; i++) {
                if (d < 0) {
                    d = f[i].length;
                }
                if (f[i].length != d || d == 0) {
                    throw new IllegalArgumentException(
                            "feature model " + model.id() + " returned " + f[i].length + " features for image "
                                    + (from + i) + " of " + images.description() + ", " + d + " before");
                }
                for (int j = 0; j < d; j++) {
                    if (!Float.isFinite(f[i][j])) {
                        throw new IllegalArgumentException("feature model " + model.id() + ": feature " + j
                                + " of image " + (from + i) + " of " + images.description() + " is " + f[i][j]);
                    }
                }
                out[from + i] = f[i].clone();
            }
        }
        return out;
    }
}
