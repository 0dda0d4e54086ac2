package org.diffusion4j.api.tensor;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * The pure-Java {@link Tensor}: a row-major {@code float[]} and a {@link Shape}. It needs no native
 * code. Every operation is a single allocation-free loop over primitive arrays (beside the one result
 * array), so the JIT can vectorise it.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ArrayTensor implements Tensor {

    /** The factory of pure-Java tensors. */
    public static final TensorFactory FACTORY = new TensorFactory() {
        @Override
        public String name() {
            return "java";
        }

        @Override
        public Tensor of(float[] data, Shape shape) {
            return ArrayTensor.of(data, shape);
        }

        @Override
        public Tensor zeros(Shape shape) {
            return new ArrayTensor(new float[shape.intSize()], shape);
        }

        @Override
        public String toString() {
            return "java";
        }
    };

    private final float[] data;
    private final Shape shape;

    private ArrayTensor(float[] data, Shape shape) {
        this.data = data;
        this.shape = shape;
    }

    /** A tensor holding a copy of {@code data}. */
    public static ArrayTensor of(float[] data, Shape shape) {
        checkSize(data.length, shape);
        return new ArrayTensor(data.clone(), shape);
    }

    /** A tensor that takes ownership of {@code data}: the caller must not change the array afterwards. */
    public static ArrayTensor wrap(float[] data, Shape shape) {
        checkSize(data.length, shape);
        return new ArrayTensor(data, shape);
    }

    /** A batch of row vectors: shape {@code [rows.length, rows[0].length]}. */
    public static ArrayTensor ofRows(float[][] rows) {
        int n = rows.length;
        int d = n == 0 ? 0 : rows[0].length;
        float[] out = new float[n * d];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has length " + rows[i].length + ", row 0 has " + d);
            }
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return new ArrayTensor(out, Shape.of(n, d));
    }

    private static void checkSize(int length, Shape shape) {
        if (length != shape.size()) {
            throw new IllegalArgumentException(
                    "data has " + length + " elements but shape " + shape + " needs " + shape.size());
        }
    }

    /** The backing array, for {@link InPlace} (never handed out). */
    float[] array() {
        return data;
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
        return data.clone();
    }

    @Override
    public float get(int... index) {
        if (index.length != shape.rank()) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " coordinates; shape " + shape + " has rank " + shape.rank());
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            int d = shape.get(i);
            if (index[i] < 0 || index[i] >= d) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + shape);
            }
            flat = flat * d + index[i];
        }
        return data[flat];
    }

    private float[] operand(Tensor other, String op) {
        if (!shape.equals(other.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + shape + " and " + other.shape() + " differ");
        }
        return other instanceof ArrayTensor a ? a.data : other.toFloatArray();
    }

    @Override
    public Tensor plus(Tensor other) {
        float[] b = operand(other, "plus");
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] + b[i];
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor plus(double scalar) {
        float s = (float) scalar;
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] + s;
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor minus(Tensor other) {
        float[] b = operand(other, "minus");
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] - b[i];
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor minus(double scalar) {
        return plus(-scalar);
    }

    @Override
    public Tensor times(Tensor other) {
        float[] b = operand(other, "times");
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] * b[i];
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor times(double scalar) {
        float s = (float) scalar;
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] * s;
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor div(Tensor other) {
        float[] b = operand(other, "div");
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] / b[i];
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor div(double scalar) {
        float s = (float) scalar;
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] / s;
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor unaryMinus() {
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = -a[i];
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor linear(double a, Tensor other, double b) {
        float[] y = operand(other, "linear");
        float fa = (float) a;
        float fb = (float) b;
        float[] x = data;
        float[] r = new float[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = fa * x[i] + fb * y[i];
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor linear(double a, Tensor y, double b, Tensor z, double c) {
        float[] ys = operand(y, "linear");
        float[] zs = operand(z, "linear");
        float fa = (float) a;
        float fb = (float) b;
        float fc = (float) c;
        float[] x = data;
        float[] r = new float[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = fa * x[i] + fb * ys[i] + fc * zs[i];
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor sqrt() {
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) Math.sqrt(a[i]);
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor abs() {
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.abs(a[i]);
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor square() {
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = a[i] * a[i];
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor exp() {
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) Math.exp(a[i]);
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public Tensor clamp(double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " exceeds upper bound " + hi);
        }
        float l = (float) lo;
        float h = (float) hi;
        float[] a = data;
        float[] r = new float[a.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.min(h, Math.max(l, a[i]));
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public double sum() {
        double s = 0;
        for (float v : data) {
            s += v;
        }
        return s;
    }

    @Override
    public double max() {
        if (data.length == 0) {
            throw new IllegalStateException("max of an empty tensor");
        }
        float m = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            m = Math.max(m, v);
        }
        return m;
    }

    @Override
    public double min() {
        if (data.length == 0) {
            throw new IllegalStateException("min of an empty tensor");
        }
        float m = Float.POSITIVE_INFINITY;
        for (float v : data) {
            m = Math.min(m, v);
        }
        return m;
    }

    @Override
    public double norm() {
        double s = 0;
        for (float v : data) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    @Override
    public boolean allFinite() {
        // A max-of-|v| reduction: Math.max propagates NaN, and |±∞| = +∞. JDK 17's C2 vectorises it but reduces
        // every vector to a scalar inside the loop, so it costs about 3 passes of a fused loop; still the fastest
        // formulation measured (an OR of the raw bits or of an exponent test does not vectorise: C2 does not
        // vectorise Float.floatToRawIntBits), see docs/benchmarks.md.
        float[] a = data;
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i]));
        }
        return m < Float.POSITIVE_INFINITY;
    }

    @Override
    public Tensor slice(int from, int to) {
        int b = batchSize();
        if (from < 0 || to > b || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") outside batch of " + b);
        }
        int per = (int) (shape.size() / Math.max(1, b));
        return new ArrayTensor(Arrays.copyOfRange(data, from * per, to * per), shape.rebatch(to - from));
    }

    @Override
    public Tensor reshape(Shape newShape) {
        if (newShape.size() != shape.size()) {
            throw new IllegalArgumentException("reshape " + shape + " to " + newShape + ": sizes differ");
        }
        return new ArrayTensor(data, newShape);
    }

    @Override
    public Tensor timesPerSample(double[] scales) {
        int b = batchSize();
        if (scales.length != b) {
            throw new IllegalArgumentException("timesPerSample: " + scales.length + " scales for a batch of " + b);
        }
        int per = (int) (shape.size() / Math.max(1, b));
        float[] r = new float[data.length];
        for (int s = 0; s < b; s++) {
            float f = (float) scales[s];
            int off = s * per;
            for (int i = off; i < off + per; i++) {
                r[i] = data[i] * f;
            }
        }
        return new ArrayTensor(r, shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArrayTensor t && shape.equals(t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        int n = Math.min(data.length, 8);
        StringBuilder sb = new StringBuilder("ArrayTensor").append(shape).append('[');
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[i]);
        }
        return sb.append(data.length > n ? ", ...]" : "]").toString();
    }
}
