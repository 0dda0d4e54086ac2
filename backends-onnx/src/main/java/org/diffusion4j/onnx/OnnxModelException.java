package org.diffusion4j.onnx;

import org.diffusion4j.api.DiffusionArgumentException;

/**
 * A model file that cannot be loaded or does not fit the way it is called: missing, not ONNX,
 * truncated, wrong input names, or inputs of the wrong shape. The message says which file, what was
 * wrong and, where the model was read, lists its inputs and outputs with their types and shapes.
 * Error code {@code D4J-ONNX}.
 */
public final class OnnxModelException extends DiffusionArgumentException {

    public OnnxModelException(String message) {
        super("D4J-ONNX", message);
    }

    public OnnxModelException(String message, Throwable cause) {
        super("D4J-ONNX", message, cause);
    }
}
