package org.diffusion4j.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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

    private static final ObjectMapper JSON = new ObjectMapper();

    private Safetensors() {}

    /** One float32 tensor: its shape and row-major data. */
    record Entry(long[] shape, float[] data) {}

    /** A file's metadata and tensors, in file order. */
    record Contents(Map<String, String> metadata, Map<String, Entry> tensors) {}

    /** Writes {@code tensors} (in map order) with {@code metadata} to {@code out}. */
    static void write(OutputStream out, Map<String, String> metadata, Map<String, Entry> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                throw new IllegalArgumentException("a tensor cannot be named __metadata__");
            }
            Entry t = e.getValue();
            if (elements(t.shape()) != t.data().length) {
                throw new IllegalArgumentException("tensor '" + e.getKey() + "': shape " + Arrays.toString(t.shape())
                        + " needs " + elements(t.shape()) + " values, got " + t.data().length);
            }
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", "F32");
            var shape = n.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long bytes = 4L * t.data().length;
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        out.write(head.array());
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (Entry t : tensors.values()) {
            for (float f : t.data()) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(f);
            }
        }
        out.write(buf.array(), 0, buf.position());
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
     * Reads a whole file.
     *
     * @throws IOException naming the file (and the tensor) when it is not valid safetensors, or holds a
     *                     dtype other than F32
     */
    static Contents read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        if (all.length < 8) {
            throw new IOException(file + ": not a safetensors file (" + all.length
                    + " bytes, shorter than the 8-byte header length)");
        }
        ByteBuffer in = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        long n = in.getLong();
        if (n < 2 || n > MAX_HEADER || n > all.length - 8L) {
            throw new IOException(file + ": not a safetensors file (header length " + Long.toUnsignedString(n)
                    + " for a file of " + all.length + " bytes)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(all, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException(file + ": the safetensors header is not JSON: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new IOException(file + ": the safetensors header is not a JSON object");
        }
        int body = 8 + (int) n;
        long bodyLength = all.length - (long) body;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Object[]> spans = new ArrayList<>(); // name, begin, end
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new IOException(file + ": __metadata__ must be an object of strings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new IOException(file + ": __metadata__." + kv.getKey() + " must be a string");
                    }
                    metadata.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            String where = file + ": tensor '" + name + "'";
            String dtype = v.path("dtype").asText("");
            if (!dtype.equals("F32")) {
                throw new IOException(where + " has dtype '" + dtype + "'; only F32 (float32) is supported");
            }
            JsonNode s = v.path("shape");
            JsonNode o = v.path("data_offsets");
            if (!s.isArray()
                    || !o.isArray()
                    || o.size() != 2
                    || !o.get(0).canConvertToLong()
                    || !o.get(1).canConvertToLong()) {
                throw new IOException(where + " needs a shape array and data_offsets [begin, end]");
            }
            long[] shape = new long[s.size()];
            for (int i = 0; i < shape.length; i++) {
                if (!s.get(i).canConvertToLong() || s.get(i).asLong() < 0) {
                    throw new IOException(where + " has a bad shape " + s);
                }
                shape[i] = s.get(i).asLong();
            }
            long begin = o.get(0).asLong();
            long end = o.get(1).asLong();
            if (begin < 0 || end < begin || end > bodyLength) {
                throw new IOException(where + ": data_offsets " + o + " outside the data of " + bodyLength + " bytes");
            }
            long elements = elements(shape);
            if (elements < 0 || elements > bodyLength / 4 || end - begin != 4 * elements) {
                throw new IOException(where + ": shape " + s + " needs " + 4 * elements + " bytes but data_offsets " + o
                        + " span " + (end - begin));
            }
            spans.add(new Object[] {name, begin, end});
            shapes.put(name, shape);
        }
        List<Object[]> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparingLong((Object[] a) -> (Long) a[1]).thenComparingLong(a -> (Long) a[2]));
        long pos = 0;
        for (Object[] sp : sorted) {
            if ((Long) sp[1] != pos) {
                throw new IOException(
                        file + ": tensor '" + sp[0] + "' starts at byte " + sp[1] + " of the data, expected " + pos
                                + ((Long) sp[1] < pos ? " (tensors overlap)" : " (a hole in the data)"));
            }
            pos = (Long) sp[2];
        }
        if (pos != bodyLength) {
            throw new IOException(
                    file + ": the tensors cover " + pos + " bytes of data but the file has " + bodyLength);
        }
        Map<String, Entry> tensors = new LinkedHashMap<>();
        for (Object[] sp : spans) {
            String name = (String) sp[0];
            long begin = (Long) sp[1];
            float[] data = new float[Math.toIntExact(((Long) sp[2] - begin) / 4)];
            ByteBuffer.wrap(all, body + (int) begin, data.length * 4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(data);
            // every span's name was put into shapes in the header loop above
            long[] shape = Objects.requireNonNull(shapes.get(name), name);
            tensors.put(name, new Entry(shape, data));
        }
        return new Contents(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
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
