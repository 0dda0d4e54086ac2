package org.diffusion4j.djl.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;

/**
 * A float32 {@link Tensor} over a DJL {@link NDArray} that stays on its factory's device: arithmetic
 * runs in PyTorch on that device, and only {@link #toFloatArray()}, {@link #get} and the scalar
 * reductions copy to the host.
 *
 * <p>Immutable like every tensor (no operation changes the array). The array is freed when the scope
 * the tensor was made in closes, at once by {@link #close()}, or, made outside every scope, when the
 * tensor becomes unreachable; see {@link DjlTensorFactory} for the memory model. Operations with a tensor of another factory copy it to this device first.
 */
public final class DjlTensor implements Tensor, AutoCloseable {

    private final NDArray array;
    private final Shape shape;
    private final DjlTensorFactory factory;
    private final Cleaner.Cleanable cleanable;

    DjlTensor(NDArray array, DjlTensorFactory factory) {
        this.array = array;
        this.shape = DjlTensorFactory.sdkShape(array.getShape());
        this.factory = factory;
        this.cleanable = factory.register(this, array);
    }

    /**
     * The underlying array, for code that runs DJL operations itself. It stays owned by this tensor:
     * do not close or change it, and do not use it after this tensor is unreachable.
     */
    public NDArray array() {
        return array;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DjlTensorFactory factory() {
        return factory;
    }

    Cleaner.Cleanable cleanable() {
        return cleanable;
    }

    /** Frees the native memory now; the tensor cannot be used afterwards. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    @Override
    public float[] toFloatArray() {
        return array.toFloatArray();
    }

    @Override
    public float get(int... index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates; shape " + shape + " has rank " + shape.rank());
        }
        long[] idx = new long[index.length];
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape.get(i)) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + shape);
            }
            idx[i] = index[i];
        }
        return array.getFloat(idx);
    }

    private NDArray operand(Tensor other, String op) {
        if (!shape.equals(other.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + shape + " and " + other.shape() + " differ");
        }
        return factory.borrow(other);
    }

    private DjlTensor result(NDArray r) {
        return factory.wrap(r);
    }

    /** Runs one operation in a scope that frees its temporaries and views; keeps only the result. */
    private DjlTensor scoped(java.util.function.Supplier<NDArray> op) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return result(op.get());
        }
    }

    @Override
    public Tensor plus(Tensor other) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return result(array.add(operand(other, "plus")));
        }
    }

    @Override
    public Tensor plus(double scalar) {
        return scoped(() -> array.add((float) scalar));
    }

    @Override
    public Tensor minus(Tensor other) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return result(array.sub(operand(other, "minus")));
        }
    }

    @Override
    public Tensor minus(double scalar) {
        return scoped(() -> array.sub((float) scalar));
    }

    @Override
    public Tensor times(Tensor other) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return result(array.mul(operand(other, "times")));
        }
    }

    @Override
    public Tensor times(double scalar) {
        return scoped(() -> array.mul((float) scalar));
    }

    @Override
    public Tensor div(Tensor other) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return result(array.div(operand(other, "div")));
        }
    }

    @Override
    public Tensor div(double scalar) {
        return scoped(() -> array.div((float) scalar));
    }

    @Override
    public Tensor unaryMinus() {
        return scoped(() -> array.neg());
    }

    @Override
    public Tensor linear(double a, Tensor other, double b) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray y = operand(other, "linear");
            NDArray r = array.mul((float) a);
            r.addi(y.mul((float) b));
            return result(r);
        }
    }

    @Override
    public Tensor linear(double a, Tensor y, double b, Tensor z, double c) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray ys = operand(y, "linear");
            NDArray zs = operand(z, "linear");
            NDArray r = array.mul((float) a);
            r.addi(ys.mul((float) b));
            r.addi(zs.mul((float) c));
            return result(r);
        }
    }

    @Override
    public Tensor sqrt() {
        return scoped(() -> array.sqrt());
    }

    @Override
    public Tensor abs() {
        return scoped(() -> array.abs());
    }

    @Override
    public Tensor square() {
        return scoped(() -> array.square());
    }

    @Override
    public Tensor exp() {
        return scoped(() -> array.exp());
    }

    @Override
    public Tensor clamp(double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
        }
        return scoped(() -> array.clip((float) lo, (float) hi));
    }

    @Override
    public double sum() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return array.toType(DataType.FLOAT64, false).sum().getDouble();
        }
    }

    @Override
    public double max() {
        if (shape.size() == 0) {
            throw new IllegalStateException("max of an empty tensor");
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return array.max().getFloat();
        }
    }

    @Override
    public double min() {
        if (shape.size() == 0) {
            throw new IllegalStateException("min of an empty tensor");
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            return array.min().getFloat();
        }
    }

    @Override
    public double norm() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray d = array.toType(DataType.FLOAT64, false);
            return Math.sqrt(d.mul(d).sum().getDouble());
        }
    }

    @Override
    public boolean allFinite() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            // one reduction instead of four elementwise ops: a finite sum means every element is finite (NaN and ±∞
            // propagate through a sum); a sum that overflowed from finite elements falls back to the elementwise test
            if (Float.isFinite(array.sum().getFloat())) {
                return true;
            }
            return !array.isNaN().logicalOr(array.isInfinite()).any().getBoolean();
        }
    }

    @Override
    public Tensor slice(int from, int to) {
        int b = batchSize();
        if (from < 0 || to > b || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") outside batch of " + b);
        }
        // a view, not a copy: no operation changes a tensor's array, so sharing the storage is safe (PyTorch keeps it
        // alive for as long as the view exists, whatever happens to this tensor)
        return scoped(() -> array.get(from + ":" + to));
    }

    @Override
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != shape.size()) {
            throw new IllegalArgumentException("reshape " + shape + " to " + newShape + ": sizes differ");
        }
        return scoped(() -> array.reshape(DjlTensorFactory.djlShape(newShape))); // a view where PyTorch can, as slice
    }

    @Override
    public Tensor timesPerSample(double[] scales) {
        int b = batchSize();
        if (scales.length != b) {
            throw new IllegalArgumentException("timesPerSample: " + scales.length + " scales for a batch of " + b);
        }
        float[] f = new float[b];
        for (int i = 0; i < b; i++) {
            f[i] = (float) scales[i];
        }
        long[] bShape = new long[shape.rank()];
        Arrays.fill(bShape, 1);
        bShape[0] = b;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray s = factory.manager().create(f, new ai.djl.ndarray.types.Shape(bShape));
            return result(array.mul(s));
        }
    }

    @Override
    public String toString() {
        return "DjlTensor" + shape + "@" + factory.name();
    }
}
