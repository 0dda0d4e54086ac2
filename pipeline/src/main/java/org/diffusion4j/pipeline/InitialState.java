package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.TensorFiles;
import org.jspecify.annotations.Nullable;

/**
 * A given initial state x_T of a sampling document ({@code "initialState": {"file": "x_T.npy"}}): a tensor
 * file of shape {@code [samples, ...sampleShape]}, relative to the document's folder. A {@code .npy}
 * file, a {@code .safetensors} file (its {@code tensor}, or its only one) or raw little-endian float32
 * with its {@code shape}. Immutable.
 *
 * @param file   the file as the document names it
 * @param tensor the tensor's name in a safetensors file, or null for its only tensor
 * @param shape  the declared shape; empty when the file says it
 */
public record InitialState(String file, @Nullable String tensor, int[] shape) {

    public InitialState {
        shape = shape.clone();
    }

    /** The initial state in {@code file} (format from the name; a raw file needs {@link #withShape}). */
    public static InitialState of(String file) {
        return new InitialState(file, null, new int[0]);
    }

    /** This state with a declared shape. */
    public InitialState withShape(int... s) {
        return new InitialState(file, tensor, s);
    }

    /** This state naming a tensor of a safetensors file. */
    public InitialState withTensor(String name) {
        return new InitialState(file, name, shape);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The format the file's name says. */
    public TensorFiles.Format format() {
        return asFile().format();
    }

    /** The tensor name, when one is given. */
    public Optional<String> tensorName() {
        return asFile().tensorName();
    }

    /**
     * Reads the file, resolved against {@code base}, as float32 and checks its shape against the run's
     * batch shape {@code expected}.
     *
     * @throws PipelineConfigException at {@code /initialState} naming the file and both shapes, or why the
     *                                 file cannot be read
     */
    float[] read(Path base, int[] expected, String source) {
        NdArray a = asFile().read(base, "initialState", source);
        if (!a.hasShape(expected)) {
            throw new PipelineConfigException(
                    source,
                    "/initialState",
                    "the initial state '" + file + "' has shape "
                            + Arrays.toString(a.shape()) + " but the run's batch has shape " + Arrays.toString(expected)
                            + " (samples, ...sampleShape)");
        }
        return a.toFloatArray();
    }

    /** The same file as a {@link TensorFile}. */
    public TensorFile asFile() {
        return new TensorFile(file, tensor, shape);
    }

    ObjectNode toJson() {
        return asFile().toJson();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InitialState s && s.asFile().equals(asFile());
    }

    @Override
    public int hashCode() {
        return asFile().hashCode();
    }

    @Override
    public String toString() {
        return "InitialState[" + toJson() + "]";
    }
}
