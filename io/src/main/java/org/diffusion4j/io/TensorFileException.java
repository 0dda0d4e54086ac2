package org.diffusion4j.io;

import java.io.IOException;
import java.nio.file.Path;

/** A tensor file that cannot be read as asked: its message names the file and what was wrong. */
public final class TensorFileException extends IOException {
    private final String file;

    /** An error in {@code file} (a path, or a description of the source). */
    public TensorFileException(String file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    /** An error in {@code file}. */
    public TensorFileException(Path file, String message) {
        this(file.toString(), message);
    }

    /** The file (or source description) the error is about. */
    public String file() {
        return file;
    }
}
