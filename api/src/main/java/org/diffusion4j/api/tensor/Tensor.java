package org.diffusion4j.api.tensor;

import org.apiguardian.api.API;

/**
 * An immutable float32 N-d array: the one array type that samplers, schedules and guidance see.
 *
 * <p>Every operation returns a new tensor; none changes its receiver, so a tensor can be shared
 * freely between threads.
 *
 * <h2>Lending</h2>
 * A tensor stays unchanged for as long as its holder may use it. Two holders have a shorter right of
 * use, stated by the interfaces that hand them the tensor: the state x that a sampler passes to a
 * {@link org.diffusion4j.api.NoisePredictor} (and through {@link org.diffusion4j.api.GuidanceContext} to
 * guidance) is <em>lent</em> for the duration of the call, and a sampler may reuse its storage for a
 * later state, or free it, once the call has returned. A predictor or guidance that keeps data across
 * calls copies it ({@link #toFloatArray()}). Every other tensor (the initial state a caller gives, the
 * tensors a sampler returns or hands to a listener, a predictor's outputs) is never written after it
 * was made.
 *
 * <h2>Native memory</h2>
 * Tensors of device factories hold native memory. They are freed when their
 * {@link TensorFactory#openScope() scope} closes (or, outside any scope, when the garbage collector
 * finds them unreachable); a tensor used after its scope closed fails with an exception. The arithmetic is named {@code plus}, {@code minus}, {@code times},
 * {@code div} and {@code unaryMinus} so that Kotlin code can write {@code x * a + eps * b}.
 * Binary tensor operations need equal shapes (no broadcasting): a mismatch is an
 * {@link IllegalArgumentException} naming both shapes. Scalars are taken as {@code double} and
 * applied in float32.
 *
 * <p>Implementations: {@link ArrayTensor} (pure Java, the default) and the backends' own tensors,
 * which keep data on their device. Operations between tensors of different factories convert the
 * argument to the receiver's factory.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface Tensor {

    /** The shape; dimension 0 is the batch axis. */
    Shape shape();

    /** The factory that made this tensor and makes its results. */
    TensorFactory factory();

    /** A fresh copy of the elements in row-major order. */
    float[] toFloatArray();

    /** The element at the given index (one coordinate per axis). Kotlin: {@code x[i, j]}. */
    float get(int... index);

    /** Batch size: the first dimension. */
    default int batchSize() {
        return shape().get(0);
    }

    /** Number of elements. */
    default long size() {
        return shape().size();
    }

    Tensor plus(Tensor other);

    Tensor plus(double scalar);

    Tensor minus(Tensor other);

    Tensor minus(double scalar);

    /** Elementwise product. */
    Tensor times(Tensor other);

    Tensor times(double scalar);

    /** Elementwise quotient. */
    Tensor div(Tensor other);

    Tensor div(double scalar);

    Tensor unaryMinus();

    /**
     * The fused linear combination {@code a * this + b * other} in one pass: the workhorse of every
     * sampler update.
     */
    Tensor linear(double a, Tensor other, double b);

    /** The fused combination {@code a * this + b * y + c * z} in one pass. */
    Tensor linear(double a, Tensor y, double b, Tensor z, double c);

    Tensor sqrt();

    Tensor abs();

    Tensor square();

    Tensor exp();

    /** Elementwise clamp to {@code [lo, hi]}. */
    Tensor clamp(double lo, double hi);

    /** Sum of all elements, accumulated in double. */
    double sum();

    /** Mean of all elements, accumulated in double. */
    default double mean() {
        return sum() / size();
    }

    double max();

    double min();

    /** The Euclidean norm of all elements, accumulated in double. */
    double norm();

    /** True when every element is finite. */
    boolean allFinite();

    /** Samples {@code [from, to)} along the batch axis. */
    Tensor slice(int from, int to);

    /** The same elements with a new shape of equal size. */
    Tensor reshape(Shape shape);

    /** Multiplies sample {@code i} (along the batch axis) by {@code scales[i]}. */
    Tensor timesPerSample(double[] scales);
}
