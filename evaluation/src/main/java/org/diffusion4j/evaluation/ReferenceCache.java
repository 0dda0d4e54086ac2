package org.diffusion4j.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.diffusion4j.io.AtomicFiles;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.jspecify.annotations.Nullable;

/**
 * Reference statistics cached in a directory, keyed by a SHA-256 hash of the inputs: the feature
 * model's id, the image shape and count, and every image value's bits. An entry is four files named by
 * the key: {@code <key>.features.npy} (float32 {@code [n, d]}), {@code <key>.mean.npy} and
 * {@code <key>.cov.npy} (float64), and {@code <key>.json} (what the entry is), each written atomically,
 * the JSON last. An entry whose files are missing, unreadable or inconsistent is recomputed and
 * rewritten; the cache never changes a result, only saves the feature model's work.
 */
public final class ReferenceCache {
    /** Bump when the entry's layout or the statistics' definition changes. */
    static final String FORMAT = "diffusion4j-reference-statistics/1";

    private final Path directory;

    /** A cache in {@code directory} (created when first written). */
    public ReferenceCache(Path directory) {
        this.directory = directory;
    }

    /** The cache directory. */
    public Path directory() {
        return directory;
    }

    /** The cache key of {@code reference} under {@code model}: hex SHA-256. */
    public static String key(FeatureModel model, ImageSet reference) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        md.update((FORMAT + "\n" + model.id() + "\n" + reference.imageShape() + "\n" + reference.size() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        float[] v = reference.view();
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            if (!b.hasRemaining()) {
                md.update(b.array(), 0, b.position());
                b.clear();
            }
            b.putFloat(x);
        }
        md.update(b.array(), 0, b.position());
        return HexFormat.of().formatHex(md.digest());
    }

    /** The statistics of {@code reference} under {@code model}: from the cache, else computed and stored. */
    public ReferenceStatistics get(FeatureModel model, ImageSet reference) {
        String key = key(model, reference);
        ReferenceStatistics cached = load(key, model.id(), reference.size());
        if (cached != null) {
            return cached;
        }
        ReferenceStatistics s = ReferenceStatistics.compute(model, reference);
        store(key, s, reference);
        return s;
    }

    /** Whether an entry for these inputs is present. */
    public boolean contains(FeatureModel model, ImageSet reference) {
        return Files.isRegularFile(directory.resolve(key(model, reference) + ".json"));
    }

    /** The cached entry, or null when it is absent, unreadable or for other inputs. */
    private @Nullable ReferenceStatistics load(String key, String modelId, int n) {
        Path json = directory.resolve(key + ".json");
        if (!Files.isRegularFile(json)) {
            return null;
        }
        try {
            JsonNode meta = new ObjectMapper().readTree(json.toFile());
            if (!FORMAT.equals(meta.path("format").asText())
                    || !modelId.equals(meta.path("featureModel").asText())
                    || meta.path("n").asInt(-1) != n) {
                return null;
            }
            NdArray f = Npy.read(directory.resolve(key + ".features.npy"));
            NdArray mean = Npy.read(directory.resolve(key + ".mean.npy"));
            NdArray cov = Npy.read(directory.resolve(key + ".cov.npy"));
            int[] fs = f.shape();
            if (fs.length != 2 || fs[0] != n || !mean.hasShape(fs[1]) || !cov.hasShape(fs[1], fs[1])) {
                return null;
            }
            int d = fs[1];
            float[] fv = f.toFloatArray();
            float[][] features = new float[n][];
            for (int i = 0; i < n; i++) {
                features[i] = java.util.Arrays.copyOfRange(fv, i * d, (i + 1) * d);
            }
            double[] cv = cov.toDoubleArray();
            double[][] c = new double[d][];
            for (int i = 0; i < d; i++) {
                c[i] = java.util.Arrays.copyOfRange(cv, i * d, (i + 1) * d);
            }
            return new ReferenceStatistics(modelId, features, GaussianStatistics.of(mean.toDoubleArray(), c, n));
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable entry is recomputed and rewritten
        }
    }

    private void store(String key, ReferenceStatistics s, ImageSet reference) {
        int n = s.size();
        int d = s.statistics().dimension();
        float[] fv = new float[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(s.features()[i], 0, fv, i * d, d);
        }
        double[] cv = new double[d * d];
        double[][] c = s.statistics().covarianceView();
        for (int i = 0; i < d; i++) {
            System.arraycopy(c[i], 0, cv, i * d, d);
        }
        ObjectMapper om = new ObjectMapper();
        ObjectNode meta = om.createObjectNode()
                .put("format", FORMAT)
                .put("featureModel", s.featureModelId())
                .put("n", n)
                .put("dimension", d)
                .put("reference", reference.description())
                .put("imageShape", reference.imageShape().toString());
        try {
            Npy.write(directory.resolve(key + ".features.npy"), NdArray.ofFloats(fv, n, d));
            Npy.write(
                    directory.resolve(key + ".mean.npy"),
                    NdArray.ofDoubles(s.statistics().meanView(), d));
            Npy.write(directory.resolve(key + ".cov.npy"), NdArray.ofDoubles(cv, d, d));
            byte[] bytes = om.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta);
            AtomicFiles.write(directory.resolve(key + ".json"), out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the reference statistics cache in " + directory + ": " + e.getMessage(), e);
        }
    }
}
