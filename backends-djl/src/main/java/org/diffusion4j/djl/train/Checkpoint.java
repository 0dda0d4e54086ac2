package org.diffusion4j.djl.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A checkpoint: a kind, JSON metadata (the network's configuration), JSON state (the trainer's
 * configuration, step, update counts, RNG position), and named sections of named float arrays (the
 * weights in section {@code model}; EMA weights, optimizer moments, the loss curve). Immutable: the
 * constructor copies what it is given and the accessors return copies.
 *
 * <h2>Files</h2>
 * A checkpoint is written as <a href="https://huggingface.co/docs/safetensors">safetensors</a>, readable
 * by PyTorch, diffusers and {@code tools/fixtures/safetensors_check.py} (see {@link Safetensors} for the
 * layout):
 * <ul>
 *   <li>the file itself: the {@code model} section, one float32 tensor per parameter under the
 *   parameter's name and with its shape, and the {@code __metadata__} {@code format} =
 *   {@value #FORMAT}, {@code kind}, {@code meta} (the metadata as a JSON string), {@code save} (an id
 *   of this save) and, when there is one, {@code companion} (the companion's file name);</li>
 *   <li>the companion {@link #companionOf(Path) NAME.state.safetensors} beside it, when the checkpoint has
 *   state or other sections: tensors named {@code section/name} (for a trainer {@code ema/…},
 *   {@code adam.m/…}, {@code adam.v/…}, {@code losses/loss}) and the {@code __metadata__}
 *   {@code format} = {@value #STATE_FORMAT}, {@code kind}, {@code state} (JSON) and the same
 *   {@code save} id, so that a file and a companion of two different saves are never mixed.</li>
 * </ul>
 * {@link #write} writes both to temporary files in the target's directory, forces them to disk and
 * renames them into place (atomically where the file system can), companion first: an interrupted save
 * leaves no half-written file, and at worst a companion whose save id does not match, which
 * {@link #read} reports.
 *
 * <p>{@link #read} also reads the format of earlier versions (one big-endian file starting with the
 * magic {@code D4JCKPT1}: kind, metadata JSON, then sections of named arrays); there the metadata also
 * serves as the state.
 */
public final class Checkpoint {

    /** {@code __metadata__.format} of a checkpoint file. */
    public static final String FORMAT = "diffusion4j.checkpoint.v2";
    /** {@code __metadata__.format} of a companion file. */
    public static final String STATE_FORMAT = "diffusion4j.state.v2";
    /** The section stored in the checkpoint file itself. */
    public static final String MODEL = "model";

    private static final byte[] LEGACY_MAGIC = "D4JCKPT1".getBytes(StandardCharsets.US_ASCII);
    static final ObjectMapper JSON = new ObjectMapper();

    private final String kind;
    private final ObjectNode meta;
    private final ObjectNode state;
    private final Map<String, Map<String, float[]>> sections;
    private final Map<String, long[]> shapes;

    /**
     * @param kind     what the file holds, for example {@code unet-trainer}
     * @param meta     metadata stored in the checkpoint file (copied)
     * @param state    state stored in the companion file (copied; empty for none)
     * @param sections named sections of named arrays (copied)
     * @param shapes   the shape of each array name (a parameter's shape, shared by its weights, EMA and
     *                 moments); names without one are stored flat
     */
    public Checkpoint(
            String kind,
            JsonNode meta,
            JsonNode state,
            Map<String, Map<String, float[]>> sections,
            Map<String, long[]> shapes) {
        if (!meta.isObject() || !state.isObject()) {
            throw new IllegalArgumentException("checkpoint metadata and state must be JSON objects");
        }
        this.kind = kind;
        this.meta = ((ObjectNode) meta).deepCopy();
        this.state = ((ObjectNode) state).deepCopy();
        Map<String, Map<String, float[]>> s = new LinkedHashMap<>();
        sections.forEach((name, entries) -> {
            Map<String, float[]> copy = new LinkedHashMap<>();
            entries.forEach((k, v) -> copy.put(k, v.clone()));
            s.put(name, Collections.unmodifiableMap(copy));
        });
        this.sections = Collections.unmodifiableMap(s);
        Map<String, long[]> sh = new LinkedHashMap<>();
        shapes.forEach((k, v) -> sh.put(k, v.clone()));
        this.shapes = Collections.unmodifiableMap(sh);
    }

    /** A checkpoint without state and with flat arrays. */
    public Checkpoint(String kind, JsonNode meta, Map<String, Map<String, float[]>> sections) {
        this(kind, meta, JSON.createObjectNode(), sections, Map.of());
    }

    /** A copy of the JSON mapper used for checkpoint metadata. */
    public static ObjectMapper json() {
        return JSON.copy();
    }

    public String kind() {
        return kind;
    }

    /** A copy of the metadata. */
    public ObjectNode meta() {
        return meta.deepCopy();
    }

    /** A copy of the state (for a checkpoint of the first format, the metadata). */
    public ObjectNode state() {
        return state.deepCopy();
    }

    /** The names of the sections, in order. */
    public Set<String> sectionNames() {
        return sections.keySet();
    }

    /** The section {@code name}: a fresh map of copies. */
    public Map<String, float[]> section(Path source, String name) throws IOException {
        Map<String, float[]> s = sections.get(name);
        if (s == null) {
            throw new IOException(source + ": checkpoint of kind '" + kind + "' has no section '" + name + "'; it has "
                    + sections.keySet());
        }
        Map<String, float[]> copy = new LinkedHashMap<>();
        s.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    /** The companion file of checkpoint {@code file}: {@code NAME.state.safetensors} (NAME without {@code .safetensors}). */
    public static Path companionOf(Path file) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return file.resolveSibling(stem + ".state.safetensors");
    }

    /** Whether {@code file} is a checkpoint of either format (by its first bytes and metadata). */
    public static boolean isCheckpoint(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            if (java.util.Arrays.equals(in.readNBytes(LEGACY_MAGIC.length), LEGACY_MAGIC)) {
                return true;
            }
        }
        if (!Safetensors.looksLike(file)) {
            return false;
        }
        return FORMAT.equals(Safetensors.read(file).metadata().get("format"));
    }

    /** Writes this checkpoint to {@code target} (and its companion) through temporary files and atomic renames. */
    public void write(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IllegalArgumentException("checkpoint path " + target + " has no parent directory to write into");
        }
        Files.createDirectories(dir);
        String save = UUID.randomUUID().toString();
        Map<String, Safetensors.Entry> own = new LinkedHashMap<>();
        Map<String, Safetensors.Entry> rest = new LinkedHashMap<>();
        sections.forEach((section, entries) -> entries.forEach((name, v) -> {
            if (section.equals(MODEL)) {
                own.put(name, entry(name, v));
            } else {
                rest.put(section + "/" + name, entry(name, v));
            }
        }));
        boolean companion = !rest.isEmpty() || !state.isEmpty();
        Path companionFile = companionOf(target.toAbsolutePath());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("kind", kind);
        metadata.put("meta", JSON.writeValueAsString(meta));
        metadata.put("save", save);
        if (companion) {
            metadata.put("companion", companionFile.getFileName().toString());
        }
        List<Path> temps = new ArrayList<>();
        try {
            Path companionTemp = null;
            if (companion) {
                Map<String, String> m = new LinkedHashMap<>();
                m.put("format", STATE_FORMAT);
                m.put("kind", kind);
                m.put("state", JSON.writeValueAsString(state));
                m.put("save", save);
                companionTemp = temp(dir, companionFile, temps);
                writeFile(companionTemp, m, rest);
            }
            Path mainTemp = temp(dir, target, temps);
            writeFile(mainTemp, metadata, own);
            if (companionTemp != null) {
                move(companionTemp, companionFile);
            }
            move(mainTemp, target);
        } finally {
            for (Path t : temps) {
                Files.deleteIfExists(t);
            }
        }
    }

    private Safetensors.Entry entry(String name, float[] v) {
        long[] shape = shapes.get(name);
        if (shape == null || Safetensors.elements(shape) != v.length) {
            shape = new long[] {v.length};
        }
        return new Safetensors.Entry(shape, v);
    }

    /** A new empty file beside {@code target}, with default permissions (unlike createTempFile). */
    private static Path temp(Path dir, Path target, List<Path> temps) throws IOException {
        Path t = Files.createFile(dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp"));
        temps.add(t);
        return t;
    }

    private static void writeFile(Path file, Map<String, String> metadata, Map<String, Safetensors.Entry> tensors)
            throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            Safetensors.write(out, metadata, tensors);
            out.flush();
            ch.force(true);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Reads a checkpoint of either format, with its companion when it has one.
     *
     * @throws IOException naming the file when it is not a checkpoint, is truncated or corrupt, or its
     *                     companion is missing or belongs to another save
     */
    public static Checkpoint read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            if (java.util.Arrays.equals(in.readNBytes(LEGACY_MAGIC.length), LEGACY_MAGIC)) {
                return readLegacy(file);
            }
        }
        if (!Safetensors.looksLike(file)) {
            throw new IOException(
                    file + " is not a diffusion4j checkpoint (neither safetensors nor the magic D4JCKPT1)");
        }
        Safetensors.Contents c = Safetensors.read(file);
        Map<String, String> m = c.metadata();
        if (!FORMAT.equals(m.get("format"))) {
            throw new IOException(
                    file + " is a safetensors file but not a diffusion4j checkpoint (__metadata__.format is "
                            + (m.containsKey("format") ? "'" + m.get("format") + "'" : "missing") + ", expected '"
                            + FORMAT + "')");
        }
        String kind = required(file, m, "kind");
        ObjectNode meta = object(file, "__metadata__.meta", required(file, m, "meta"));
        Map<String, Map<String, float[]>> sections = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> model = new LinkedHashMap<>();
        c.tensors().forEach((name, e) -> {
            model.put(name, e.data());
            shapes.put(name, e.shape());
        });
        sections.put(MODEL, model);
        ObjectNode state = JSON.createObjectNode();
        String companionName = m.get("companion");
        if (companionName != null) {
            Path cf = file.resolveSibling(companionName);
            if (!Files.isRegularFile(cf)) {
                throw new IOException(file + ": its companion " + cf + " (optimizer state, EMA) is missing");
            }
            Safetensors.Contents s = Safetensors.read(cf);
            if (!STATE_FORMAT.equals(s.metadata().get("format"))) {
                throw new IOException(
                        cf + " is not a diffusion4j state file (__metadata__.format should be '" + STATE_FORMAT + "')");
            }
            if (!required(file, m, "save").equals(s.metadata().get("save"))) {
                throw new IOException(cf + " belongs to another save than " + file
                        + " (__metadata__.save differs: a save was interrupted between the two renames)");
            }
            state = object(cf, "__metadata__.state", required(cf, s.metadata(), "state"));
            for (Map.Entry<String, Safetensors.Entry> e : s.tensors().entrySet()) {
                int slash = e.getKey().indexOf('/');
                if (slash <= 0) {
                    throw new IOException(cf + ": tensor '" + e.getKey() + "' is not named section/name");
                }
                sections.computeIfAbsent(e.getKey().substring(0, slash), k -> new LinkedHashMap<>())
                        .put(e.getKey().substring(slash + 1), e.getValue().data());
            }
        }
        return new Checkpoint(kind, meta, state, sections, shapes);
    }

    private static String required(Path file, Map<String, String> m, String key) throws IOException {
        String v = m.get(key);
        if (v == null) {
            throw new IOException(file + ": __metadata__." + key + " is missing");
        }
        return v;
    }

    private static ObjectNode object(Path file, String where, String json) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(json);
        } catch (IOException e) {
            throw new IOException(file + ": " + where + " is not JSON: " + e.getMessage(), e);
        }
        if (n == null || !n.isObject()) {
            throw new IOException(file + ": " + where + " is not a JSON object");
        }
        return (ObjectNode) n;
    }

    /** The first format: big-endian, magic D4JCKPT1. */
    private static Checkpoint readLegacy(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            in.readNBytes(LEGACY_MAGIC.length);
            String kind = readString(in);
            ObjectNode meta = object(file, "metadata", readString(in));
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
            return new Checkpoint(kind, meta, meta, sections, Map.of());
        } catch (EOFException e) {
            throw new IOException(file + ": checkpoint is truncated", e);
        }
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
