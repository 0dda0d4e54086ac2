package org.diffusion4j.evaluation;

import java.util.Arrays;
import java.util.Objects;
import org.diffusion4j.api.tensor.Shape;

/**
 * An immutable set of {@code n} images of one shape {@code [C, H, W]} (or any per-image shape), stored
 * as float32 in row-major {@code [n, ...imageShape]} order. The readers ({@link ImageReaders}) scale
 * pixels {@code 0…255} to {@code [-1, 1]} ({@code p / 127.5 − 1}), the range the SDK's models sample in.
 */
public final class ImageSet {
    private final float[] data;
    private final Shape imageShape;
    private final int size;
    private final String description;

    private ImageSet(float[] data, Shape imageShape, int size, String description) {
        this.data = data;
        this.imageShape = imageShape;
        this.size = size;
        this.description = description;
    }

    /**
     * A set from row-major {@code [n, ...imageShape]} values (copied).
     *
     * @param description what the images are, for reports and errors (a file name, a run)
     * @throws IllegalArgumentException if the values do not fill whole images, or there are none
     */
    public static ImageSet of(float[] data, Shape imageShape, String description) {
        int per = imageShape.intSize();
        if (per == 0 || data.length % per != 0) {
            throw new IllegalArgumentException(description + ": " + data.length + " values are not a whole number of "
                    + "images of shape " + imageShape);
        }
        return new ImageSet(data.clone(), imageShape, data.length / per, Objects.requireNonNull(description));
    }

    /** A set from a batch tensor's values and shape {@code [n, ...imageShape]}. */
    public static ImageSet ofBatch(float[] data, Shape batchShape, String description) {
        if (batchShape.rank() < 2 || batchShape.size() != data.length) {
            throw new IllegalArgumentException(description + ": batch shape " + batchShape + " does not describe "
                    + data.length + " values as [n, ...imageShape]");
        }
        return of(data, batchShape.sampleShape(), description);
    }

    /** Wraps without copying (for readers that own the array). */
    static ImageSet wrap(float[] data, Shape imageShape, String description) {
        if (imageShape.intSize() == 0) {
            throw new IllegalArgumentException(description + ": images of shape " + imageShape + " hold no values");
        }
        return new ImageSet(data, imageShape, data.length / imageShape.intSize(), description);
    }

    /** The number of images. */
    public int size() {
        return size;
    }

    /** The shape of one image. */
    public Shape imageShape() {
        return imageShape;
    }

    /** What the images are. */
    public String description() {
        return description;
    }

    /** Images {@code [from, to)} as row-major {@code [to − from, ...imageShape]} values (a copy). */
    public float[] batch(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        int per = imageShape.intSize();
        return Arrays.copyOfRange(data, from * per, to * per);
    }

    /** The first {@code n} images. */
    public ImageSet first(int n) {
        return new ImageSet(batch(0, n), imageShape, n, description + "[0:" + n + "]");
    }

    /** All values (a copy). */
    public float[] toFloatArray() {
        return data.clone();
    }

    /** Read access without copying, for hashing. */
    float[] view() {
        return data;
    }

    @Override
    public String toString() {
        return "ImageSet[" + description + ", " + size + " x " + imageShape + "]";
    }
}
