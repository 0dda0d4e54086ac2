package org.diffusion4j.api.tensor;

import java.util.List;
import org.apiguardian.api.API;

/**
 * Makes tensors of one implementation (pure Java, or a backend's device tensors). Samplers create
 * their noise and initial states through the factory of the run, so a whole run stays on one device.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface TensorFactory {

    /** A short name for messages, for example {@code "java"} or {@code "djl:gpu(0)"}. */
    String name();

    /** A tensor holding a copy of {@code data} with the given shape. */
    Tensor of(float[] data, Shape shape);

    /** A tensor of zeros. */
    default Tensor zeros(Shape shape) {
        return of(new float[shape.intSize()], shape);
    }

    /** A tensor filled with {@code value}. */
    default Tensor full(Shape shape, float value) {
        float[] d = new float[shape.intSize()];
        java.util.Arrays.fill(d, value);
        return of(d, shape);
    }

    /** Concatenates tensors along the batch axis; the other dimensions must agree. */
    default Tensor concat(List<Tensor> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        Shape first = parts.get(0).shape();
        Shape sample = first.sampleShape();
        int batch = 0;
        for (Tensor t : parts) {
            if (!t.shape().sampleShape().equals(sample)) {
                throw new IllegalArgumentException(
                        "concat: shapes " + first + " and " + t.shape() + " differ outside the batch axis");
            }
            batch += t.batchSize();
        }
        float[] out = new float[Math.toIntExact((long) batch * sample.size())];
        int pos = 0;
        for (Tensor t : parts) {
            float[] d = t.toFloatArray();
            System.arraycopy(d, 0, out, pos, d.length);
            pos += d.length;
        }
        return of(out, sample.withBatch(batch));
    }

    /**
     * Opens a scope on the calling thread: the tensors this factory makes on that thread until the scope
     * closes are freed when it closes ({@link TensorScope}). Factories whose memory the garbage collector
     * manages, like the pure-Java one, return {@link TensorScope#NONE}; device factories free native
     * memory deterministically this way.
     */
    default TensorScope openScope() {
        return TensorScope.NONE;
    }

    /** {@code t} as a tensor of this factory (itself when it already is one). */
    default Tensor adopt(Tensor t) {
        return t.factory() == this ? t : of(t.toFloatArray(), t.shape());
    }
}
