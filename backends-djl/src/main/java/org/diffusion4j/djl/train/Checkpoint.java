package org.diffusion4j.djl.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checkpoint file: a kind, JSON metadata (configurations, step, seed) and named sections of named
 * float arrays (model weights, EMA weights, optimizer moments, the loss curve).
 *
 * <p>Format (big-endian): the magic {@code D4JCKPT1}; the kind and the metadata as UTF-8 strings
 * (int length, bytes); an int section count; per section its name, an int entry count, and per entry
 * its name, an int length and that many floats.
 *
 * <p>{@link #write} writes to a temporary file in the target's directory, forces it to disk and then
 * renames it over the target (atomically where the file system can), so an interrupted save never
 * destroys the previous checkpoint.
 *
 * @param kind     what the file holds, for example {@code unet-trainer}
 * @param meta     JSON metadata
 * @param sections named sections of named arrays
 */
public record Checkpoint(String kind, ObjectNode meta, Map<String, Map<String, float[]>> sections) {

    private static final byte[] MAGIC = "D4JCKPT1".getBytes(StandardCharsets.US_ASCII);
    static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON mapper used for checkpoint metadata. */
    public static ObjectMapper json() {
        return JSON;
    }

    /** The section {@code name}. */
    public Map<String, float[]> section(Path source, String name) throws IOException {
        Map<String, float[]> s = sections.get(name);
        if (s == null) {
            throw new IOException(source + ": checkpoint of kind '" + kind + "' has no section '" + name + "'; it has "
                    + sections.keySet());
        }
        return s;
    }

    /** Writes this checkpoint to {@code target} through a temporary file and an atomic rename. */
    public void write(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createFile(dir.resolve("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp")); // default permissions, unlike createTempFile
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream os = java.nio.channels.Channels.newOutputStream(ch);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os, 1 << 16));
                out.write(MAGIC);
                writeString(out, kind);
                writeString(out, JSON.writeValueAsString(meta));
                out.writeInt(sections.size());
                for (Map.Entry<String, Map<String, float[]>> s : sections.entrySet()) {
                    writeString(out, s.getKey());
                    out.writeInt(s.getValue().size());
                    for (Map.Entry<String, float[]> e : s.getValue().entrySet()) {
                        writeString(out, e.getKey());
                        float[] v = e.getValue();
                        out.writeInt(v.length);
                        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(v.length * 4);
                        buf.asFloatBuffer().put(v);
                        out.write(buf.array());
                    }
                }
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a checkpoint.
     *
     * @throws IOException naming the file when it is not a checkpoint or is truncated
     */
    public static Checkpoint read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new IOException(file + " is not a diffusion4j checkpoint (expected the magic D4JCKPT1)");
            }
            String kind = readString(in);
            ObjectNode meta = (ObjectNode) JSON.readTree(readString(in));
            int ns = in.readInt();
            Map<String, Map<String, float[]>> sections = new LinkedHashMap<>();
            for (int s = 0; s < ns; s++) {
                String name = readString(in);
                int n = in.readInt();
                Map<String, float[]> entries = new LinkedHashMap<>();
                for (int i = 0; i < n; i++) {
                    String key = readString(in);
                    int len = in.readInt();
                    if (len < 0) {
                        throw new IOException(file + ": corrupt entry " + name + "/" + key);
                    }
                    byte[] b = new byte[Math.multiplyExact(len, 4)];
                    in.readFully(b);
                    float[] v = new float[len];
                    java.nio.ByteBuffer.wrap(b).asFloatBuffer().get(v);
                    entries.put(key, v);
                }
                sections.put(name, entries);
            }
            return new Checkpoint(kind, meta, sections);
        } catch (EOFException e) {
            throw new IOException(file + ": checkpoint is truncated", e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (64 << 20)) {
            throw new IOException("corrupt string length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
