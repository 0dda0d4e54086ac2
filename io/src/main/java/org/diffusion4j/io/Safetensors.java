package org.diffusion4j.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The safetensors format: an 8-byte little-endian header length {@code N}, {@code N} bytes of UTF-8
 * JSON {@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {"key": "value"}}}, then the byte buffer; offsets are relative to the buffer's start
 * and the tensors must cover it without overlap or holes.
 *
 * <p>Supported dtypes: {@code F32} and {@code F64} (little-endian). A file may hold tensors of other
 * dtypes: {@link #read(Path, String)} reads a supported tensor from it, and fails with a
 * {@link TensorFileException} naming the dtype when asked for another.
 */
public final class Safetensors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METADATA = "__metadata__";
    /** The reference implementation's limit on the header length (100 MB). */
    private static final long MAX_HEADER = 100_000_000L;

    private Safetensors() {}

    /**
     * The contents of a safetensors file.
     *
     * @param tensors  the tensors by name, in the header's order
     * @param metadata the {@code __metadata__} strings (empty if none)
     */
    public record Contents(Map<String, NdArray> tensors, Map<String, String> metadata) {
        /** Copies both maps, keeping their order. */
        public Contents {
            tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** Reads every tensor of a file (all must be F32 or F64). */
    public static Contents readAll(Path file) throws IOException {
        byte[] bytes = Npy.readBytes(file);
        Parsed p = parse(bytes, file.toString());
        Map<String, NdArray> tensors = new LinkedHashMap<>();
        for (Entry e : p.entries) {
            tensors.put(e.name, e.load(bytes, p.dataStart, file.toString()));
        }
        return new Contents(tensors, p.metadata);
    }

    /** Reads tensor {@code name} of a file. */
    public static NdArray read(Path file, String name) throws IOException {
        byte[] bytes = Npy.readBytes(file);
        Parsed p = parse(bytes, file.toString());
        for (Entry e : p.entries) {
            if (e.name.equals(name)) {
                return e.load(bytes, p.dataStart, file.toString());
            }
        }
        List<String> names = new ArrayList<>();
        p.entries.forEach(e -> names.add(e.name));
        throw new TensorFileException(file, "no tensor named '" + name + "'; the file has " + names);
    }

    /** Reads the only tensor of a file. */
    public static NdArray readSingle(Path file) throws IOException {
        byte[] bytes = Npy.readBytes(file);
        Parsed p = parse(bytes, file.toString());
        if (p.entries.size() != 1) {
            List<String> names = new ArrayList<>();
            p.entries.forEach(e -> names.add(e.name));
            throw new TensorFileException(
                    file, "holds " + p.entries.size() + " tensors " + names + ": name the one to read");
        }
        return p.entries.get(0).load(bytes, p.dataStart, file.toString());
    }

    /** Writes one tensor under {@code name}, atomically. */
    public static void write(Path file, String name, NdArray tensor) throws IOException {
        write(file, Map.of(name, tensor), Map.of());
    }

    /**
     * Writes the tensors, in the map's order, and the metadata strings, atomically (temporary file and
     * move). The header is padded with spaces to a multiple of 8 bytes so the buffer is 8-byte aligned.
     *
     * @throws IllegalArgumentException for an empty name or the reserved name {@code __metadata__}
     */
    public static void write(Path file, Map<String, NdArray> tensors, Map<String, String> metadata) throws IOException {
        byte[] bytes = toBytes(tensors, metadata);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** The bytes of a safetensors file holding {@code tensors} and {@code metadata}. */
    public static byte[] toBytes(Map<String, NdArray> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode m = header.putObject(METADATA);
            metadata.forEach(m::put);
        }
        long offset = 0;
        for (Map.Entry<String, NdArray> e : tensors.entrySet()) {
            String name = Objects.requireNonNull(e.getKey(), "tensor name");
            if (name.isEmpty() || name.equals(METADATA)) {
                throw new IllegalArgumentException("tensor name '" + name + "' is not allowed in safetensors");
            }
            NdArray a = e.getValue();
            ObjectNode t = header.putObject(name);
            t.put("dtype", a.dtype().safetensorsName());
            ArrayNode shape = t.putArray("shape");
            for (int d : a.shape()) {
                shape.add(d);
            }
            long len = (long) a.size() * a.dtype().byteSize();
            t.putArray("data_offsets").add(offset).add(offset + len);
            offset += len;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        long total = 8L + padded + offset;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "safetensors file of " + total + " bytes: larger than 2 GiB is not supported");
        }
        ByteBuffer b = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        for (NdArray a : tensors.values()) {
            Npy.putData(b, a);
        }
        return b.array();
    }

    private record Entry(String name, String dtype, int[] shape, long begin, long end) {
        NdArray load(byte[] bytes, long dataStart, String source) throws TensorFileException {
            DType t = null;
            for (DType d : DType.values()) {
                if (d.safetensorsName().equals(dtype)) {
                    t = d;
                }
            }
            if (t == null) {
                throw new TensorFileException(
                        source, "tensor '" + name + "' has dtype " + dtype + ": only F32 and F64 are supported");
            }
            int n;
            try {
                n = NdArray.sizeOf(shape);
            } catch (IllegalArgumentException e) {
                throw new TensorFileException(source, "tensor '" + name + "': " + e.getMessage());
            }
            if (end - begin != (long) n * t.byteSize()) {
                throw new TensorFileException(
                        source,
                        "tensor '" + name + "': data_offsets [" + begin + ", " + end
                                + "] hold " + (end - begin) + " bytes, shape " + Arrays.toString(shape) + " of " + dtype
                                + " needs " + (long) n * t.byteSize() + " bytes");
            }
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            b.position((int) (dataStart + begin));
            if (t == DType.F32) {
                float[] data = new float[n];
                b.asFloatBuffer().get(data);
                return NdArray.wrapFloats(data, shape);
            }
            double[] data = new double[n];
            b.asDoubleBuffer().get(data);
            return NdArray.wrapDoubles(data, shape);
        }
    }

    private record Parsed(List<Entry> entries, Map<String, String> metadata, long dataStart) {}

    private static Parsed parse(byte[] bytes, String source) throws TensorFileException {
        if (bytes.length < 8) {
            throw new TensorFileException(
                    source,
                    "truncated: " + bytes.length + " bytes, a safetensors file starts "
                            + "with an 8-byte header length");
        }
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (n < 2 || n > MAX_HEADER) {
            throw new TensorFileException(
                    source,
                    "header length " + Long.toUnsignedString(n)
                            + " is not a plausible safetensors header (not a safetensors file?)");
        }
        if (8 + n > bytes.length) {
            throw new TensorFileException(
                    source,
                    "truncated: the header needs " + n + " bytes, the file has " + (bytes.length - 8)
                            + " after the length");
        }
        JsonNode header;
        try {
            header = JSON.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new TensorFileException(source, "the header is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) {
            throw new TensorFileException(source, "the header is not a JSON object");
        }
        long dataStart = 8 + n;
        long bufferLen = bytes.length - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals(METADATA)) {
                if (!v.isObject()) {
                    throw new TensorFileException(source, "__metadata__ is not an object of strings");
                }
                for (Iterator<Map.Entry<String, JsonNode>> m = v.fields(); m.hasNext(); ) {
                    Map.Entry<String, JsonNode> kv = m.next();
                    if (!kv.getValue().isTextual()) {
                        throw new TensorFileException(source, "__metadata__." + kv.getKey() + " is not a string");
                    }
                    metadata.put(kv.getKey(), kv.getValue().asText());
                }
                continue;
            }
            String where = "tensor '" + name + "'";
            if (!v.isObject()
                    || !v.path("dtype").isTextual()
                    || !v.path("shape").isArray()
                    || !v.path("data_offsets").isArray()
                    || v.path("data_offsets").size() != 2) {
                throw new TensorFileException(
                        source,
                        where + " needs \"dtype\" (a string), \"shape\" (an array) "
                                + "and \"data_offsets\" (two integers)");
            }
            int[] shape = new int[v.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                JsonNode d = v.get("shape").get(i);
                if (!d.canConvertToInt() || !d.isIntegralNumber() || d.asInt() < 0) {
                    throw new TensorFileException(source, where + ": shape[" + i + "] = " + d + " is not a dimension");
                }
                shape[i] = d.asInt();
            }
            JsonNode b = v.get("data_offsets").get(0);
            JsonNode e = v.get("data_offsets").get(1);
            if (!b.isIntegralNumber()
                    || !e.isIntegralNumber()
                    || b.asLong() < 0
                    || e.asLong() < b.asLong()
                    || e.asLong() > bufferLen) {
                throw new TensorFileException(
                        source,
                        where + ": data_offsets [" + b + ", " + e + "] are not a range "
                                + "inside the " + bufferLen + "-byte buffer"
                                + (e.isIntegralNumber() && e.asLong() > bufferLen ? " (truncated file?)" : ""));
            }
            entries.add(new Entry(name, v.get("dtype").asText(), shape, b.asLong(), e.asLong()));
        }
        // the tensors must tile the buffer: sorted by offset, each starts where the previous ended; an empty
        // tensor ([b, b]) sorts before a non-empty one starting at b, so it never reads as an overlap
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((x, y) -> x.begin != y.begin ? Long.compare(x.begin, y.begin) : Long.compare(x.end, y.end));
        long at = 0;
        for (Entry e : sorted) {
            if (e.begin != at) {
                throw new TensorFileException(
                        source,
                        "tensor '" + e.name + "' starts at byte " + e.begin + " of the " + "buffer where " + at
                                + " was expected (" + (e.begin < at ? "overlap" : "a hole") + ")");
            }
            at = e.end;
        }
        if (at != bufferLen) {
            throw new TensorFileException(
                    source, "the tensors cover " + at + " bytes of a " + bufferLen + "-byte buffer (trailing bytes)");
        }
        return new Parsed(entries, metadata, dataStart);
    }
}
