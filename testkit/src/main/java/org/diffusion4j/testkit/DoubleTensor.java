package org.diffusion4j.testkit;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;

/**
 * A double-precision tensor for tests: with it a sampler's arithmetic has unit roundoff 2^-53, so a
 * convergence ladder measures the discretisation error down to ~1e-12 instead of float32's ~1e-6 floor.
 */
public final class DoubleTensor implements Tensor {
    /** Makes {@code DoubleTensor}s (a request's {@code tensors(...)}). */
    public static final TensorFactory FACTORY = new TensorFactory() {
        @Override
        public String name() {
            return "double (test)";
        }

        @Override
        public Tensor of(float[] data, Shape shape) {
            double[] d = new double[data.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = data[i];
            }
            return new DoubleTensor(d, shape);
        }
    };

    private final double[] data;
    private final Shape shape;

    /** A tensor over {@code data} (not copied) of the given shape. */
    public DoubleTensor(double[] data, Shape shape) {
        this.data = data;
        this.shape = shape;
    }

    /** A copy of the values, row-major, in double. */
    public double[] values() {
        return data.clone();
    }

    /** The values of any tensor, widened to double. */
    public static DoubleTensor of(Tensor t) {
        if (t instanceof DoubleTensor d) {
            return d;
        }
        return (DoubleTensor) FACTORY.of(t.toFloatArray(), t.shape());
    }

    private Tensor map(DoubleUnaryOperator f) {
        double[] o = new double[data.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = f.applyAsDouble(data[i]);
        }
        return new DoubleTensor(o, shape);
    }

    private Tensor zip(Tensor other, DoubleBinaryOperator f) {
        double[] b = of(other).data;
        double[] o = new double[data.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = f.applyAsDouble(data[i], b[i]);
        }
        return new DoubleTensor(o, shape);
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public TensorFactory factory() {
        return FACTORY;
    }

    @Override
    public float[] toFloatArray() {
        float[] f = new float[data.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) data[i];
        }
        return f;
    }

    @Override
    public float get(int... index) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Tensor plus(Tensor other) {
        return zip(other, Double::sum);
    }

    @Override
    public Tensor plus(double s) {
        return map(v -> v + s);
    }

    @Override
    public Tensor minus(Tensor other) {
        return zip(other, (a, b) -> a - b);
    }

    @Override
    public Tensor minus(double s) {
        return map(v -> v - s);
    }

    @Override
    public Tensor times(Tensor other) {
        return zip(other, (a, b) -> a * b);
    }

    @Override
    public Tensor times(double s) {
        return map(v -> v * s);
    }

    @Override
    public Tensor div(Tensor other) {
        return zip(other, (a, b) -> a / b);
    }

    @Override
    public Tensor div(double s) {
        return map(v -> v / s);
    }

    @Override
    public Tensor unaryMinus() {
        return map(v -> -v);
    }

    @Override
    public Tensor linear(double a, Tensor other, double b) {
        return zip(other, (x, y) -> a * x + b * y);
    }

    @Override
    public Tensor linear(double a, Tensor y, double b, Tensor z, double c) {
        double[] yy = of(y).data;
        double[] zz = of(z).data;
        double[] o = new double[data.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = a * data[i] + b * yy[i] + c * zz[i];
        }
        return new DoubleTensor(o, shape);
    }

    @Override
    public Tensor sqrt() {
        return map(Math::sqrt);
    }

    @Override
    public Tensor abs() {
        return map(Math::abs);
    }

    @Override
    public Tensor square() {
        return map(v -> v * v);
    }

    @Override
    public Tensor exp() {
        return map(Math::exp);
    }

    @Override
    public Tensor clamp(double lo, double hi) {
        return map(v -> Math.min(hi, Math.max(lo, v)));
    }

    @Override
    public double sum() {
        double s = 0;
        for (double v : data) {
            s += v;
        }
        return s;
    }

    @Override
    public double max() {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : data) {
            m = Math.max(m, v);
        }
        return m;
    }

    @Override
    public double min() {
        double m = Double.POSITIVE_INFINITY;
        for (double v : data) {
            m = Math.min(m, v);
        }
        return m;
    }

    @Override
    public double norm() {
        double s = 0;
        for (double v : data) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    @Override
    public boolean allFinite() {
        for (double v : data) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Tensor slice(int from, int to) {
        int per = (int) (data.length / shape.get(0));
        double[] o = java.util.Arrays.copyOfRange(data, from * per, to * per);
        return new DoubleTensor(o, shape.sampleShape().withBatch(to - from));
    }

    @Override
    public Tensor reshape(Shape s) {
        return new DoubleTensor(data, s);
    }

    @Override
    public Tensor timesPerSample(double[] scales) {
        int per = (int) (data.length / shape.get(0));
        double[] o = new double[data.length];
        for (int i = 0; i < o.length; i++) {
            o[i] = data[i] * scales[i / per];
        }
        return new DoubleTensor(o, shape);
    }
}
