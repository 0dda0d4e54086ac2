package org.diffusion4j.onnx;

import java.nio.file.Path;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;

/**
 * A noisy classifier's gradient ∇_{x_t} log p(y | x_t) from an ONNX model whose output IS that
 * gradient (ONNX Runtime cannot differentiate a logits model). Samples with the null condition get a
 * zero gradient and are not sent to the model. Thread-safe, like {@link OnnxNoisePredictor}.
 */
public final class OnnxClassifierGradient implements ClassifierGradient, AutoCloseable {
    private final OnnxModel model;

    OnnxClassifierGradient(OnnxModel model) {
        this.model = model;
    }

    @Override
    public Tensor gradLogProb(Tensor x, Timestep time, Conditions labels) {
        int b = x.batchSize();
        if (labels.size() != b) {
            throw new IllegalArgumentException(labels.size() + " labels for a batch of " + b);
        }
        int[] rows = new int[b];
        int n = 0;
        for (int i = 0; i < b; i++) {
            Condition c = labels.get(i);
            if (c instanceof Condition.Label) {
                rows[n++] = i;
            } else if (!c.isUnconditional()) {
                throw new IllegalArgumentException("sample " + i + " is conditioned on an embedding; the classifier "
                        + model.file().getFileName() + " takes class labels");
            }
        }
        if (n == b) {
            return x.factory().of(model.evaluate(x, time, labels), x.shape());
        }
        Shape shape = x.shape();
        int per = shape.sampleShape().intSize();
        float[] grad = new float[shape.intSize()];
        if (n > 0) {
            float[] xs = x.toFloatArray();
            float[] sub = new float[n * per];
            Condition[] subLabels = new Condition[n];
            for (int j = 0; j < n; j++) {
                System.arraycopy(xs, rows[j] * per, sub, j * per, per);
                subLabels[j] = labels.get(rows[j]);
            }
            float[] g = model.evaluate(x.factory().of(sub, shape.rebatch(n)), time, Conditions.of(subLabels));
            for (int j = 0; j < n; j++) {
                System.arraycopy(g, j * per, grad, rows[j] * per, per);
            }
        }
        return x.factory().of(grad, shape);
    }

    /** The model file. */
    public Path file() {
        return model.file();
    }

    /** Frees the native session. */
    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return "OnnxClassifierGradient[" + model.file().getFileName() + ": "
                + model.signature().describe() + "]";
    }
}
