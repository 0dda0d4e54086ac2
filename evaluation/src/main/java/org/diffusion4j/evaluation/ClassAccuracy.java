package org.diffusion4j.evaluation;

import org.diffusion4j.api.tensor.Shape;

/**
 * The fraction of images a classifier assigns to the class they were meant to show: the predicted class
 * of an image is the index of its largest logit (the first one on a tie).
 */
public final class ClassAccuracy {

    /**
     * The result.
     *
     * @param correct images whose predicted class is their label
     * @param total   images
     */
    public record Result(int correct, int total) {
        /** {@code correct / total}. */
        public double value() {
            return (double) correct / total;
        }
    }

    private ClassAccuracy() {}

    /**
     * Classifies {@code images} in batches and compares with {@code labels}.
     *
     * @throws IllegalArgumentException if the label count differs from the image count, a label is
     *                                  negative, or the classifier returns the wrong number of rows or a
     *                                  row too short for a label
     */
    public static Result of(Classifier classifier, ImageSet images, int[] labels, int batchSize) {
        if (labels.length != images.size()) {
            throw new IllegalArgumentException(
                    images.description() + ": " + images.size() + " images but " + labels.length + " labels");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize " + batchSize + " is not positive");
        }
        int correct = 0;
        for (int from = 0; from < images.size(); from += batchSize) {
            int to = Math.min(images.size(), from + batchSize);
            Shape bs = images.imageShape().withBatch(to - from);
            float[][] logits = classifier.logits(images.batch(from, to), bs);
            if (logits.length != to - from) {
                throw new IllegalArgumentException(
                        "the classifier returned " + logits.length + " rows for a batch of " + (to - from) + " images");
            }
            for (int i = 0; i < logits.length; i++) {
                int label = labels[from + i];
                if (label < 0 || label >= logits[i].length) {
                    throw new IllegalArgumentException("label " + label + " of image " + (from + i)
                            + " is not a class of a " + "classifier with " + logits[i].length + " logits");
                }
                if (argmax(logits[i], from + i) == label) {
                    correct++;
                }
            }
        }
        return new Result(correct, images.size());
    }

    static int argmax(float[] v, int image) {
        int best = 0;
        for (int i = 0; i < v.length; i++) {
            if (Float.isNaN(v[i])) {
                throw new IllegalArgumentException("logit " + i + " of image " + image + " is NaN");
            }
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
