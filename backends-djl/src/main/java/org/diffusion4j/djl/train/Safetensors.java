package org.diffusion4j.djl.train;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusion4j.io.DType;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.TensorFileException;

/**
 * The safetensors format (the weight format of diffusers and the Hugging Face ecosystem), float32 only:
 * <pre>
 *   8 bytes      N, the header length, unsigned little-endian
 *   N bytes      a UTF-8 JSON object: per tensor {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]},
 *                and optionally "__metadata__": {string: string}; padded with spaces to a multiple of 8
 *   the rest     the tensors' bytes, little-endian, row-major; offsets are relative to this part
 * </pre>
 * The reader checks what the format promises: offsets inside the body, sizes equal to the shapes' byte
 * counts, tensors neither overlapping nor leaving holes, and names every problem with the file and the
 * tensor.
 */
final class Safetensors {

    /** Largest header accepted, as the reference implementation's limit. */
    static final long MAX_HEADER = 100L << 20;

    private Safetensors() {}

    /** One float32 tensor: its shape and row-major data. */
    record Entry(long[] shape, float[] data) {}

    /** A file's metadata and tensors, in file order. */
    record Contents(Map<String, String> metadata, Map<String, Entry> tensors) {}

    /**
     * Writes {@code tensors} (in map order) with {@code metadata} to {@code out}, through the SDK's tensor
     * file codec ({@link org.diffusion4j.io.Safetensors}), so checkpoints and tensor files are one format.
     */
    static void write(OutputStream out, Map<String, String> metadata, Map<String, Entry> tensors) throws IOException {
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            Entry t = e.getValue();
            if (elements(t.shape()) != t.data().length) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "': shape " + Arrays.toString(t.shape())
                        + " needs " + elements(t.shape()) + " values, got " + t.data().length);
            }
            arrays.put(e.getKey(), NdArray.ofFloats(t.data(), intShape(e.getKey(), t.shape())));
        }
        out.write(org.diffusion4j.io.Safetensors.toBytes(arrays, metadata));
    }

    /** Whether {@code file} starts like a safetensors file (a plausible length, then a JSON object). */
    static boolean looksLike(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(9).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // fill
            }
            if (b.hasRemaining()) {
                return false;
            }
            b.flip();
            long n = b.getLong();
            return n >= 2 && n <= Math.min(MAX_HEADER, ch.size() - 8) && b.get() == '{';
        }
    }

    /**
     * Reads a whole file (through {@link org.diffusion4j.io.Safetensors}, which checks the offsets, sizes,
     * overlaps and holes), keeping float32 tensors only.
     *
     * @throws IOException naming the file (and the tensor) when it is not valid safetensors, or holds a
     *                     dtype other than F32
     */
    static Contents read(Path file) throws IOException {
        org.diffusion4j.io.Safetensors.Contents c = org.diffusion4j.io.Safetensors.readAll(file);
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NdArray> e : c.tensors().entrySet()) {
            NdArray a = e.getValue();
            if (a.dtype() != DType.F32) {
                throw new TensorFileException(
                        file,
                        "tensor '" + e.getKey() + "' has dtype " + a.dtype().safetensorsName()
                                + ": a checkpoint holds F32 tensors only");
            }
            long[] shape = Arrays.stream(a.shape()).asLongStream().toArray();
            tensors.put(e.getKey(), new Entry(shape, a.toFloatArray()));
        }
        return new Contents(c.metadata(), tensors);
    }

    private static int[] intShape(String name, long[] shape) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor '" + name + "': dimension " + shape[i] + " out of range");
            }
            out[i] = (int) shape[i];
        }
        return out;
    }

    /** The number of elements of a shape; -1 when it overflows. */
    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }
}
