package org.diffusion4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes files so that none is ever seen half-written: each goes to a temporary file in the target's
 * folder and is renamed into place atomically when complete. Temporary files still open when the JVM
 * stops (Ctrl-C) are deleted by a shutdown hook.
 */
final class AtomicOutput {
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtomicOutput::deletePending, "diffusion4j-cleanup"));
    }

    private final List<Path> written = new ArrayList<>();

    /**
     * A new empty file {@code .<name>.<random>.part} in {@code dir}, created with the default permissions
     * (the umask's, like any other output; {@code Files.createTempFile} would make it owner-only).
     */
    static Path temporary(Path dir, String name) throws IOException {
        while (true) {
            Path p = dir.resolve("." + name + "." + Long.toUnsignedString(java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36)
                    + ".part");
            try {
                return Files.createFile(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    /** Writes what {@code body} puts into the stream to {@code target}, atomically. */
    Path write(Path target, IoConsumer body) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = temporary(dir, target.getFileName().toString());
            PENDING.add(tmp);
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    body.accept(out);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
                PENDING.remove(tmp);
            }
            written.add(target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes text (UTF-8) atomically. */
    Path writeString(Path target, String text) {
        return write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The files written so far, in order. */
    List<Path> written() {
        return List.copyOf(written);
    }

    /** Deletes every temporary file not yet renamed into place. */
    static void deletePending() {
        for (Path p : List.copyOf(PENDING)) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // best effort while the JVM stops
            }
            PENDING.remove(p);
        }
    }

    /** The number of temporary files still pending (for tests). */
    static int pendingCount() {
        return PENDING.size();
    }

    @FunctionalInterface
    interface IoConsumer {
        void accept(OutputStream out) throws IOException;
    }
}
