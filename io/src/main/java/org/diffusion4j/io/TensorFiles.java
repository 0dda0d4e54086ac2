package org.diffusion4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads and writes a tensor file by its name's extension: {@code .npy} ({@link Npy}),
 * {@code .safetensors} ({@link Safetensors}: the only tensor, or a named one), anything else raw
 * little-endian float32 ({@link RawFloat32}, which needs the shape).
 */
public final class TensorFiles {

    /** The formats. */
    public enum Format {
        /** NumPy {@code .npy}. */
        NPY,
        /** safetensors. */
        SAFETENSORS,
        /** Raw little-endian float32 with a separately given shape. */
        RAW_F32;

        /** The format a file name implies: {@code .npy}, {@code .safetensors}, else raw float32. */
        public static Format of(Path file) {
            String name = file.getFileName() == null
                    ? ""
                    : file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".npy")) {
                return NPY;
            }
            if (name.endsWith(".safetensors")) {
                return SAFETENSORS;
            }
            return RAW_F32;
        }
    }

    private TensorFiles() {}

    /**
     * Reads a {@code .npy} file or a safetensors file holding one tensor.
     *
     * @throws TensorFileException for a raw file (its shape must be given: {@link #read(Path, int[])})
     */
    public static NdArray read(Path file) throws IOException {
        return switch (Format.of(file)) {
            case NPY -> Npy.read(file);
            case SAFETENSORS -> Safetensors.readSingle(file);
            case RAW_F32 ->
                throw new TensorFileException(
                        file, "not .npy or .safetensors: a raw float32 file needs " + "its shape");
        };
    }

    /**
     * Reads a tensor file of any format and checks its shape against {@code shape}.
     *
     * @throws TensorFileException naming both shapes when they differ
     */
    public static NdArray read(Path file, int... shape) throws IOException {
        NdArray a = Format.of(file) == Format.RAW_F32 ? RawFloat32.read(file, shape) : read(file);
        if (!a.hasShape(shape)) {
            throw new TensorFileException(
                    file, "shape " + Arrays.toString(a.shape()) + " where " + Arrays.toString(shape) + " was expected");
        }
        return a;
    }

    /** Writes {@code array} in the format its name implies (safetensors under the name {@code tensor}). */
    public static void write(Path file, NdArray array) throws IOException {
        switch (Format.of(file)) {
            case NPY -> Npy.write(file, array);
            case SAFETENSORS -> Safetensors.write(file, "tensor", array);
            case RAW_F32 -> RawFloat32.write(file, array);
        }
    }
}
