package org.diffusion4j.io;

import java.util.Arrays;
import java.util.Objects;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;

/**
 * An immutable n-dimensional array of float32 or float64 values in row-major (C) order, as read from or
 * written to a tensor file. A rank-0 array (shape {@code []}) holds one value.
 */
public final class NdArray {
    private final DType dtype;
    private final int[] shape;
    private final float[] floats;
    private final double[] doubles;

    private NdArray(DType dtype, int[] shape, float[] floats, double[] doubles) {
        this.dtype = dtype;
        this.shape = shape;
        this.floats = floats;
        this.doubles = doubles;
    }

    /**
     * A float32 array of the given shape; {@code data} is copied.
     *
     * @throws IllegalArgumentException if {@code data.length} is not the product of the dimensions, or a
     *                                  dimension is negative
     */
    public static NdArray ofFloats(float[] data, int... shape) {
        checkSize(data.length, shape);
        return new NdArray(DType.F32, shape.clone(), data.clone(), new double[0]);
    }

    /** A float64 array of the given shape; {@code data} is copied. */
    public static NdArray ofDoubles(double[] data, int... shape) {
        checkSize(data.length, shape);
        return new NdArray(DType.F64, shape.clone(), new float[0], data.clone());
    }

    /** The values and shape of a tensor, as float32. */
    public static NdArray of(Tensor tensor) {
        return ofFloats(tensor.toFloatArray(), tensor.shape().dims());
    }

    /** Without copying: for the readers, which own the arrays they pass. */
    static NdArray wrapFloats(float[] data, int[] shape) {
        return new NdArray(DType.F32, shape, data, new double[0]);
    }

    static NdArray wrapDoubles(double[] data, int[] shape) {
        return new NdArray(DType.F64, shape, new float[0], data);
    }

    /** The element count of {@code shape}, as an int. */
    static int sizeOf(int[] shape) {
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + ": dimension " + i + " is negative");
            }
            n *= shape[i];
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(
                        "shape " + Arrays.toString(shape) + " has more than 2^31 - 9 elements");
            }
        }
        return (int) n;
    }

    private static void checkSize(int length, int[] shape) {
        Objects.requireNonNull(shape, "shape");
        int n = sizeOf(shape);
        if (n != length) {
            throw new IllegalArgumentException(
                    length + " values do not fill shape " + Arrays.toString(shape) + " (" + n + " elements)");
        }
    }

    /** The element type. */
    public DType dtype() {
        return dtype;
    }

    /** The dimensions (a copy). */
    public int[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** The number of elements. */
    public int size() {
        return dtype == DType.F32 ? floats.length : doubles.length;
    }

    /** The values as float32 (a copy; float64 values are rounded to nearest). */
    public float[] toFloatArray() {
        if (dtype == DType.F32) {
            return floats.clone();
        }
        float[] out = new float[doubles.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) doubles[i];
        }
        return out;
    }

    /** The values as float64 (a copy; float32 values are exact in double). */
    public double[] toDoubleArray() {
        if (dtype == DType.F64) {
            return doubles.clone();
        }
        double[] out = new double[floats.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = floats[i];
        }
        return out;
    }

    /** Value {@code i} in row-major order, as a double. */
    public double get(int i) {
        return dtype == DType.F32 ? floats[i] : doubles[i];
    }

    /** This array as float32 (itself if it is float32). */
    public NdArray asFloat32() {
        return dtype == DType.F32 ? this : wrapFloats(toFloatArray(), shape);
    }

    /** This array as float64 (itself if it is float64). */
    public NdArray asFloat64() {
        return dtype == DType.F64 ? this : wrapDoubles(toDoubleArray(), shape);
    }

    /** The same values with another shape of the same size. */
    public NdArray reshape(int... newShape) {
        checkSize(size(), newShape);
        return new NdArray(dtype, newShape.clone(), floats, doubles);
    }

    /** Whether the shape equals {@code expected}. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The SDK shape of this array. */
    public Shape sdkShape() {
        return Shape.of(shape);
    }

    /** A float32 tensor of this array's values and shape. */
    public Tensor toTensor(TensorFactory factory) {
        return factory.of(toFloatArray(), sdkShape());
    }

    /** Read access for the writers, without copying. */
    float[] floatsView() {
        return floats;
    }

    double[] doublesView() {
        return doubles;
    }

    /** Equal dtype, shape and bit patterns of every value. */
    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray a
                && a.dtype == dtype
                && Arrays.equals(a.shape, shape)
                && Arrays.equals(a.floats, floats)
                && Arrays.equals(a.doubles, doubles);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(floats), Arrays.hashCode(doubles));
    }

    @Override
    public String toString() {
        return "NdArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
