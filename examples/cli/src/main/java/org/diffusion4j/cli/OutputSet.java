package org.diffusion4j.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The output files of one run, committed together or not at all. They are written into a staging
 * folder next to the target ({@code .<name>.<random>.staging}: beside a new output folder, inside an
 * existing one), so the same file system; {@link #commit} then renames the staging folder into place
 * (a new output folder: one atomic rename) or moves each file into the existing folder, putting back
 * what it replaced if a move fails. {@link #abort} (and a shutdown hook, for Ctrl-C) deletes the
 * staging folder and the folders that {@link #open} created. The folder is checked when the set is
 * opened, before the run: a file, a path under a file or a folder that cannot be written in fails
 * there.
 */
final class OutputSet implements AutoCloseable {
    private final Path dir;
    private final Path staging;
    private final boolean dirIsNew;
    private final List<Path> createdParents;
    private final List<String> names = new ArrayList<>();
    private boolean done;

    private OutputSet(Path dir, Path staging, boolean dirIsNew, List<Path> createdParents) {
        this.dir = dir;
        this.staging = staging;
        this.dirIsNew = dirIsNew;
        this.createdParents = createdParents;
    }

    /** Why {@code dir} cannot take the outputs, or empty when it can (without creating anything). */
    static Optional<String> problem(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            return Optional.of(dir + " is a file, not a folder");
        }
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS) && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return Optional.of(dir + " has no existing parent folder");
        }
        if (!Files.isDirectory(existing)) {
            return Optional.of(dir + " is under " + existing + ", which is a file, not a folder");
        }
        if (!Files.isWritable(existing)) {
            return Optional.of("cannot write in " + existing + " (no write permission)"
                    + (existing.equals(abs) ? "" : "; it would hold " + dir));
        }
        return Optional.empty();
    }

    /**
     * Checks {@code dir} and creates the staging folder, so that a folder that cannot take the outputs
     * fails now rather than after the run.
     *
     * @throws IllegalArgumentException saying why the folder cannot be used
     */
    static OutputSet open(Path dir) {
        Optional<String> p = problem(dir);
        if (p.isPresent()) {
            throw new IllegalArgumentException(p.get());
        }
        Path abs = dir.toAbsolutePath().normalize();
        List<Path> created = new ArrayList<>();
        try {
            boolean isNew = !Files.isDirectory(abs);
            // a new folder is not a root (a root always exists), so it has a parent
            Path parent = isNew ? Objects.requireNonNull(abs.getParent()) : abs;
            List<Path> missing = new ArrayList<>();
            for (Path q = parent; q != null && !Files.isDirectory(q); q = q.getParent()) {
                missing.add(0, q);
            }
            for (Path q : missing) {
                Files.createDirectory(q);
                created.add(0, q);
                AtomicOutput.track(q);
            }
            Path staging = AtomicOutput.temporaryDirectory(
                    parent, (isNew ? abs.getFileName().toString() : "diffusion4j") + ".staging");
            return new OutputSet(abs, staging, isNew, created);
        } catch (IOException e) {
            deleteQuietly(created);
            throw new IllegalArgumentException("cannot write in " + dir + ": " + reason(e), e);
        }
    }

    /** The folder the outputs go to. */
    Path dir() {
        return dir;
    }

    /** Where {@code name} will be once committed. */
    Path target(String name) {
        return dir.resolve(name);
    }

    /** Writes what {@code body} puts into the stream as {@code name} (staged until {@link #commit}). */
    Path write(String name, AtomicOutput.IoConsumer body) {
        if (names.contains(name)) {
            throw new IllegalStateException("output " + name + " written twice");
        }
        Path f = staging.resolve(name);
        try (OutputStream out = Files.newOutputStream(f)) {
            body.accept(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target(name) + ": " + reason(e), e);
        }
        names.add(name);
        return target(name);
    }

    /** Writes text (UTF-8), staged. */
    Path writeString(String name, String text) {
        return write(name, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** The outputs, by their final paths, in the order written. */
    List<Path> files() {
        return names.stream().map(this::target).toList();
    }

    /**
     * Puts every staged output in place, or none.
     *
     * @throws UncheckedIOException when they cannot be put in place; then none is, and nothing is left
     */
    void commit() {
        try {
            if (dirIsNew && !Files.exists(dir)) {
                try {
                    Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(staging, dir);
                }
            } else {
                if (dirIsNew) {
                    Files.createDirectories(dir);
                }
                moveInto();
            }
            done = true;
            AtomicOutput.untrack(staging);
            createdParents.forEach(AtomicOutput::untrack);
            deleteTree(staging);
        } catch (IOException e) {
            abort();
            throw new UncheckedIOException(
                    "cannot write the outputs into " + dir + ": " + reason(e) + "; none of them was written", e);
        }
    }

    /** Moves each file into the existing folder; on a failure puts back what was replaced and removes what was moved. */
    private void moveInto() throws IOException {
        Path backup = staging.resolve(".replaced");
        Files.createDirectory(backup);
        List<String> moved = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        try {
            for (String n : names) {
                Path t = target(n);
                if (Files.exists(t, LinkOption.NOFOLLOW_LINKS)) {
                    if (Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS)) {
                        throw new FileSystemException(t.toString(), null, "a folder is in the way of this output file");
                    }
                    move(t, backup.resolve(n));
                    replaced.add(n);
                }
                move(staging.resolve(n), t);
                moved.add(n);
            }
        } catch (IOException e) {
            for (String n : moved) {
                Files.deleteIfExists(target(n));
            }
            for (String n : replaced) {
                move(backup.resolve(n), target(n));
            }
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes the staged outputs and the folders {@link #open} created; nothing of the run is left. */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        try {
            deleteTree(staging);
        } catch (IOException e) {
            // best effort; the shutdown hook tries again
        }
        AtomicOutput.untrack(staging);
        deleteQuietly(createdParents);
    }

    /** Aborts unless committed. */
    @Override
    public void close() {
        abort();
    }

    private static void deleteQuietly(List<Path> emptyFolders) {
        for (Path q : emptyFolders) {
            try {
                Files.deleteIfExists(q);
            } catch (IOException e) {
                // not empty any more: someone else's files
            }
            AtomicOutput.untrack(q);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** An I/O failure in words, without exception class names. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException a) {
            return "permission denied (" + a.getFile() + ")";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException a) {
            return a.getFile() + " already exists";
        }
        if (e instanceof java.nio.file.NoSuchFileException a) {
            return "no such file or folder " + a.getFile();
        }
        if (e instanceof java.nio.file.NotDirectoryException a) {
            return a.getFile() + " is not a folder";
        }
        if (e instanceof java.nio.file.DirectoryNotEmptyException a) {
            return "a folder is in the way: " + a.getFile();
        }
        if (e instanceof FileSystemException f) {
            return (f.getFile() == null ? "" : f.getFile() + ": ") + (f.getReason() == null ? "failed" : f.getReason());
        }
        return e.getMessage() == null ? "input/output error" : e.getMessage();
    }
}
