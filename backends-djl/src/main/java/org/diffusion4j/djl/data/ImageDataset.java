package org.diffusion4j.djl.data;

import org.diffusion4j.api.tensor.Shape;

/**
 * A labelled image data set held in memory, pixels scaled to [−1, 1] (the range diffusion models are
 * trained on). Immutable and thread-safe.
 */
public interface ImageDataset {

    /** Number of images. */
    int size();

    /** The shape of one image: {@code [C, H, W]}. */
    Shape imageShape();

    /** Number of classes; labels are in {@code [0, numClasses)}. */
    int numClasses();

    /** Copies image {@code i} (C·H·W values in [−1, 1], row-major) into {@code dst} at {@code offset}. */
    void copyImage(int i, float[] dst, int offset);

    /** The label of image {@code i}. */
    int label(int i);

    /** Human-readable class names, {@code numClasses()} of them. */
    default java.util.List<String> classNames() {
        java.util.List<String> l = new java.util.ArrayList<>();
        for (int k = 0; k < numClasses(); k++) {
            l.add(Integer.toString(k));
        }
        return l;
    }
}
