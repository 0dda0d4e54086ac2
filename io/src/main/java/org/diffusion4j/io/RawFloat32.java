package org.diffusion4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Raw little-endian float32 values with no header ({@code numpy.ndarray.tofile} of a {@code <f4}
 * array, {@code torch.Tensor.numpy().tofile}): the shape is given by the caller and the file's length
 * must be exactly {@code 4 · prod(shape)} bytes.
 */
public final class RawFloat32 {

    private RawFloat32() {}

    /**
     * Reads a raw float32 file of the given shape.
     *
     * @throws TensorFileException if the file's length is not {@code 4 · prod(shape)}
     */
    public static NdArray read(Path file, int... shape) throws IOException {
        int n;
        try {
            n = NdArray.sizeOf(shape);
        } catch (IllegalArgumentException e) {
            throw new TensorFileException(
                    file, Objects.requireNonNullElse(e.getMessage(), "invalid shape " + Arrays.toString(shape)));
        }
        byte[] bytes = Npy.readBytes(file);
        if (bytes.length != 4L * n) {
            throw new TensorFileException(
                    file,
                    bytes.length + " bytes, but shape " + Arrays.toString(shape)
                            + " of little-endian float32 needs " + 4L * n
                            + (bytes.length % 4 != 0
                                    ? " (not a whole number of " + "float32 values)"
                                    : " (" + bytes.length / 4 + " values in the file)"));
        }
        float[] data = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(data);
        return NdArray.wrapFloats(data, shape.clone());
    }

    /** Writes the values of {@code array} as raw little-endian float32 (float64 rounded), atomically. */
    public static void write(Path file, NdArray array) throws IOException {
        NdArray f = array.asFloat32();
        ByteBuffer b = ByteBuffer.allocate(f.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
        Npy.putData(b, f);
        byte[] bytes = b.array();
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
