package org.diffusion4j.djl;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.diffusion4j.api.DiffusionError;

/**
 * A model file of the {@code djl} backend that cannot be read, or a checkpoint that is not a valid
 * diffusion4j checkpoint (bad header, a missing or foreign companion file, truncated data). An
 * {@link UncheckedIOException}, as before it had a code, so existing catch sites keep working; the
 * {@link IOException} it wraps names the file and what was wrong. Error code {@code D4J-CHECKPOINT}.
 */
public final class DjlCheckpointException extends UncheckedIOException implements DiffusionError {
    private static final long serialVersionUID = 1L;

    /** The error code. */
    public static final String CODE = "D4J-CHECKPOINT";

    /**
     * @param message what could not be read; the code is put in front
     * @param cause   the underlying read error
     */
    public DjlCheckpointException(String message, IOException cause) {
        super(DiffusionError.withCode(CODE, message), cause);
    }

    @Override
    public String code() {
        return CODE;
    }
}
