package org.diffusion4j.api.tensor;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * An immutable tensor shape. Dimension 0 is the batch axis wherever the SDK speaks of batches.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class Shape {
    private final int[] dims;
    private final long size;

    private Shape(int[] dims) {
        long n = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(dims) + ": dimension " + i + " is negative");
            }
            n = Math.multiplyExact(n, dims[i]);
        }
        this.dims = dims;
        this.size = n;
    }

    /** A shape with the given dimensions (copied). */
    public static Shape of(int... dims) {
        return new Shape(dims.clone());
    }

    /** This shape with a batch dimension {@code batch} put in front. */
    public Shape withBatch(int batch) {
        int[] d = new int[dims.length + 1];
        d[0] = batch;
        System.arraycopy(dims, 0, d, 1, dims.length);
        return new Shape(d);
    }

    /** This shape with its first dimension replaced by {@code batch}. */
    public Shape rebatch(int batch) {
        if (dims.length == 0) {
            throw new IllegalStateException("a scalar shape has no batch axis");
        }
        int[] d = dims.clone();
        d[0] = batch;
        return new Shape(d);
    }

    /** The shape of one sample: this shape without its first (batch) dimension. */
    public Shape sampleShape() {
        if (dims.length == 0) {
            throw new IllegalStateException("a scalar shape has no batch axis");
        }
        return new Shape(Arrays.copyOfRange(dims, 1, dims.length));
    }

    public int rank() {
        return dims.length;
    }

    public int get(int axis) {
        return dims[axis];
    }

    /** Number of elements. */
    public long size() {
        return size;
    }

    /** Number of elements as an {@code int}; fails for shapes beyond 2^31 - 1 elements. */
    public int intSize() {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalStateException(
                    "shape " + this + " has " + size + " elements, more than a Java array holds");
        }
        return (int) size;
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** A copy of the dimensions as {@code long}s, the form most native runtimes take. */
    public long[] longDims() {
        long[] d = new long[dims.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims[i];
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
