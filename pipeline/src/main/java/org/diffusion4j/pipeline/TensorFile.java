package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Safetensors;
import org.diffusion4j.io.TensorFiles;
import org.jspecify.annotations.Nullable;

/**
 * A tensor file named by a document ({@code {"file": "emb.npy"}}), relative to the document's folder: a
 * {@code .npy} file, a {@code .safetensors} file (its {@code tensor}, or its only one) or raw
 * little-endian float32 with its {@code shape}. Immutable. Used by {@code sampleEmbeddings}; the
 * {@code initialState} object ({@link InitialState}) has the same fields and reads through this class.
 *
 * @param file   the file as the document names it
 * @param tensor the tensor's name in a safetensors file, or null for its only tensor
 * @param shape  the declared shape; empty when the file says it
 */
public record TensorFile(String file, @Nullable String tensor, int[] shape) {

    public TensorFile {
        shape = shape.clone();
    }

    /** The tensor in {@code file} (format from the name; a raw file needs {@link #withShape}). */
    public static TensorFile of(String file) {
        return new TensorFile(file, null, new int[0]);
    }

    /** This file with a declared shape. */
    public TensorFile withShape(int... s) {
        return new TensorFile(file, tensor, s);
    }

    /** This file naming a tensor of a safetensors file. */
    public TensorFile withTensor(String name) {
        return new TensorFile(file, name, shape);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The format the file's name says. */
    public TensorFiles.Format format() {
        return TensorFiles.Format.of(Path.of(file));
    }

    /** The tensor name, when one is given. */
    public Optional<String> tensorName() {
        return Optional.ofNullable(tensor);
    }

    /**
     * Reads the file, resolved against {@code base}, and checks it against its declared shape.
     *
     * @param field the document field that names the file ({@code initialState}), for the error paths
     * @throws PipelineConfigException at {@code /<field>/file} saying why the file cannot be read, or at
     *                                 {@code /<field>/shape} naming both shapes
     */
    NdArray read(Path base, String field, String source) {
        Path p = base.resolve(file);
        NdArray a;
        try {
            if (format() == TensorFiles.Format.SAFETENSORS && tensor != null) {
                a = Safetensors.read(p, tensor);
            } else if (format() == TensorFiles.Format.RAW_F32) {
                a = TensorFiles.read(p, shape);
            } else {
                a = TensorFiles.read(p);
            }
        } catch (IOException | RuntimeException e) {
            throw new PipelineConfigException(
                    source,
                    "/" + field + "/file",
                    "cannot read the " + what(field) + " '" + file + "' (" + p + "): " + e.getMessage());
        }
        if (shape.length > 0 && !a.hasShape(shape)) {
            throw new PipelineConfigException(
                    source,
                    "/" + field + "/shape",
                    "the " + what(field) + " '" + file + "' has shape " + Arrays.toString(a.shape()) + " but /" + field
                            + "/shape says " + Arrays.toString(shape));
        }
        return a;
    }

    /** What the field's file holds, for messages. */
    static String what(String field) {
        return switch (field) {
            case "initialState" -> "initial state";
            case "sampleEmbeddings" -> "sample embeddings";
            default -> field;
        };
    }

    ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("file", file);
        if (tensor != null) {
            o.put("tensor", tensor);
        }
        if (shape.length > 0) {
            ArrayNode a = o.putArray("shape");
            for (int d : shape) {
                a.add(d);
            }
        }
        return o;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorFile s
                && s.file.equals(file)
                && java.util.Objects.equals(s.tensor, tensor)
                && Arrays.equals(s.shape, shape);
    }

    @Override
    public int hashCode() {
        return file.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "TensorFile[" + toJson() + "]";
    }
}
