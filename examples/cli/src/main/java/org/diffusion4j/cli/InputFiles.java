package org.diffusion4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * Checks of the files named by options, before anything runs: a problem is a bad argument (exit 2, one
 * plain line naming the option and the file), never a Java exception.
 */
final class InputFiles {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private InputFiles() {}

    /**
     * {@code file} must be a readable file. A missing file is left to the document reader, which reports
     * it as a {@code D4J-CONFIG} problem (exit 2) when {@code missingIsError} is false.
     */
    static void requireFile(CommandLine cl, String option, Path file, boolean missingIsError) {
        if (Files.isDirectory(file)) {
            throw new CommandLine.ParameterException(cl, option + ": " + file + " is a folder, not a file");
        }
        if (!Files.exists(file)) {
            if (missingIsError) {
                throw new CommandLine.ParameterException(cl, option + ": no such file: " + file.toAbsolutePath());
            }
            return;
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CommandLine.ParameterException(
                    cl,
                    option + ": cannot read " + file
                            + (Files.isRegularFile(file) ? " (permission denied)" : " (not a regular file)"));
        }
    }

    /** {@code file} must be a readable PNG file (checked by its 8-byte signature). */
    static void requirePng(CommandLine cl, String option, Path file) {
        requireFile(cl, option, file, true);
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(PNG_SIGNATURE.length);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(
                    cl, option + ": cannot read " + file + " (" + e.getMessage() + ")");
        }
        if (!Arrays.equals(head, PNG_SIGNATURE)) {
            throw new CommandLine.ParameterException(
                    cl, option + ": " + file + " is not a PNG file;" + " give a PNG written by 'diffusion4j sample'");
        }
    }

    /** The folder holding {@code file} (an input checked by {@link #requireFile} or {@link #requirePng}). */
    static Path folderOf(CommandLine cl, String option, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            throw new CommandLine.ParameterException(
                    cl, option + ": " + file + " is not a file (it has no parent folder)");
        }
        return dir;
    }
}
