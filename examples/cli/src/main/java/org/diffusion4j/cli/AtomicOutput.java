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
    /** Folders created for outputs: deleted at a stop only when still empty. */
    private static final Set<Path> CREATED_FOLDERS = ConcurrentHashMap.newKeySet();

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
            Path p = dir.resolve("." + name + "."
                    + Long.toUnsignedString(
                            java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36) + ".part");
            try {
                return Files.createFile(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    /** A new empty folder {@code .<name>.<random>} in {@code dir}, deleted with its content if the JVM stops first. */
    static Path temporaryDirectory(Path dir, String name) throws IOException {
        while (true) {
            Path p = dir.resolve("." + name.replaceFirst("^\\.", "") + "."
                    + Long.toUnsignedString(
                            java.util.concurrent.ThreadLocalRandom.current().nextLong(), 36));
            try {
                Path d = Files.createDirectory(p);
                PENDING.add(d);
                return d;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    /** Deletes the folder {@code p}, if it is still empty, when the JVM stops before {@link #untrack}. */
    static void track(Path p) {
        CREATED_FOLDERS.add(p);
    }

    static void untrack(Path p) {
        PENDING.remove(p);
        CREATED_FOLDERS.remove(p);
    }

    /** Writes what {@code body} puts into the stream to {@code target}, atomically. */
    Path write(Path target, IoConsumer body) {
        try {
            Path dir = target.toAbsolutePath().getParent();
            if (dir == null) {
                throw new IOException(target + ": not a file path (it has no parent folder)");
            }
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
        List<Path> deepestFirst = new ArrayList<>(PENDING);
        deepestFirst.sort(
                java.util.Comparator.comparingInt((Path p) -> p.toAbsolutePath().getNameCount())
                        .reversed());
        for (Path p : deepestFirst) {
            try {
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    OutputSet.deleteTree(p);
                } else {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // best effort while the JVM stops
            }
            PENDING.remove(p);
        }
        List<Path> folders = new ArrayList<>(CREATED_FOLDERS);
        folders.sort(
                java.util.Comparator.comparingInt((Path p) -> p.toAbsolutePath().getNameCount())
                        .reversed());
        for (Path p : folders) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // not empty: not only ours
            }
            CREATED_FOLDERS.remove(p);
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
