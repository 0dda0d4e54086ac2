package org.diffusion4j.djl.data;

import java.util.List;
import org.diffusion4j.api.tensor.Shape;

/** An {@link ImageDataset} over 8-bit pixels, mapped to [−1, 1] by p/127.5 − 1. */
final class ByteImages implements ImageDataset {
    private final byte[] pixels;
    private final byte[] labels;
    private final Shape imageShape;
    private final int per;
    private final int numClasses;
    private final List<String> names;

    ByteImages(byte[] pixels, byte[] labels, Shape imageShape, int numClasses, List<String> names) {
        this.pixels = pixels;
        this.labels = labels;
        this.imageShape = imageShape;
        this.per = imageShape.intSize();
        this.numClasses = numClasses;
        this.names = List.copyOf(names);
        if ((long) labels.length * per != pixels.length) {
            throw new IllegalArgumentException(labels.length + " labels for " + pixels.length / per + " images");
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public Shape imageShape() {
        return imageShape;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public void copyImage(int i, float[] dst, int offset) {
        int base = i * per;
        for (int j = 0; j < per; j++) {
            dst[offset + j] = (pixels[base + j] & 0xFF) / 127.5f - 1f;
        }
    }

    @Override
    public int label(int i) {
        return labels[i];
    }

    @Override
    public List<String> classNames() {
        return names;
    }
}
