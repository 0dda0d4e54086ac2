package org.diffusion4j.onnx;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the folder {@code onnxruntime-java…} that ONNX Runtime's Java loader creates in
 * {@code java.io.tmpdir} when it starts, when the JVM exits.
 *
 * <p>ONNX Runtime (1.19) creates that folder on every start, even when {@code onnxruntime.native.path}
 * names the libraries' folder, and extracts {@code libonnxruntime_providers_shared} into it, which it
 * keeps for execution providers loaded later. It marks both the file and the folder delete-on-exit, the
 * folder last; the JVM deletes in reverse order, so it tries the folder while the file is still there,
 * and an empty folder is left behind by every run. A shutdown hook (run before the delete-on-exit
 * list) deletes the files ONNX Runtime put there and then the folder. Where the folder cannot be
 * found (a loader without the field read here, or ONNX Runtime in a named module) nothing is done;
 * where a loaded library cannot be deleted (Windows) the folder stays, as before.
 */
final class NativeTempDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(NativeTempDirectory.class);
    /** The prefix ONNX Runtime gives the folder (Files.createTempDirectory("onnxruntime-java")). */
    static final String PREFIX = "onnxruntime-java";

    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private NativeTempDirectory() {}

    /** Once per JVM, after ONNX Runtime has loaded: arranges the folder's removal at exit. */
    static void removeAtExit() {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        Optional<Path> dir = loaderDirectory();
        if (dir.isEmpty()) {
            return;
        }
        Thread hook = new Thread(() -> delete(dir.get()), "d4j-onnxruntime-temp-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.debug("ONNX Runtime's temporary folder {} is removed at exit", dir.get());
    }

    /** The folder ONNX Runtime's loader made in this JVM (its static field {@code tempDirectory}). */
    static Optional<Path> loaderDirectory() {
        try {
            Field f = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            f.setAccessible(true);
            Object v = f.get(null);
            if (v instanceof Path p
                    && p.getFileName() != null
                    && p.getFileName().toString().startsWith(PREFIX)) {
                return Optional.of(p);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot find ONNX Runtime's temporary folder ({}); it stays after exit", e.toString());
        }
        return Optional.empty();
    }

    /** Deletes the plain files directly in {@code dir}, then {@code dir}; anything else stays. */
    static void delete(Path dir) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not remove ONNX Runtime's temporary folder {}: {}", dir, e.toString());
        }
    }
}
