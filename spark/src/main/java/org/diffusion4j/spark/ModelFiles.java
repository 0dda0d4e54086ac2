package org.diffusion4j.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Model files named by URI ({@code file:}, {@code hdfs:}, {@code s3a:}, any scheme a Hadoop file system
 * is configured for) copied once per JVM to a local temporary file, through Hadoop's file system layer.
 * A plain path (no scheme) is used as it is.
 */
final class ModelFiles {
    private static final Map<String, Path> COPIES = new ConcurrentHashMap<>();

    private ModelFiles() {}

    /** The Hadoop configuration's entries, to rebuild it on an executor (Configuration is not serializable). */
    static final class Conf implements Serializable {
        private static final long serialVersionUID = 1L;
        private final HashMap<String, String> entries = new HashMap<>();

        Conf(Configuration c) {
            for (Map.Entry<String, String> e : c) {
                entries.put(e.getKey(), e.getValue());
            }
        }

        Configuration get() {
            Configuration c = new Configuration(false);
            entries.forEach(c::set);
            return c;
        }
    }

    /** True when {@code name} is a URI with a scheme (two letters or more, so that C:\ stays a path). */
    static boolean isUri(String name) {
        int colon = name.indexOf(':');
        return colon >= 2 && name.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    }

    /**
     * The local copy of {@code uri}, made on first use in this JVM and kept until it exits.
     *
     * @throws UncheckedIOException naming the URI when it cannot be read
     */
    static Path local(String uri, Conf conf) {
        return COPIES.computeIfAbsent(uri, u -> copy(u, conf.get()));
    }

    private static Path copy(String uri, Configuration conf) {
        try {
            URI u = new URI(uri);
            org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(u);
            FileSystem fs = src.getFileSystem(conf);
            Path dir = Files.createTempDirectory("diffusion4j-model-");
            String name = src.getName().isEmpty() ? "model" : src.getName();
            Path dst = dir.resolve(hash(uri).substring(0, 12) + "-" + name);
            try (var in = fs.open(src)) {
                Files.copy(in, dst, StandardCopyOption.REPLACE_EXISTING);
            }
            dst.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            return dst;
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            throw new UncheckedIOException(new IOException("cannot read model file " + uri + ": " + e, e));
        }
    }

    private static String hash(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
