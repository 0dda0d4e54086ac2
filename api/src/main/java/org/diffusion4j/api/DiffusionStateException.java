package org.diffusion4j.api;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A failure of the environment rather than of the input, with an error code: two plugins claiming one
 * name, a native runtime that fails on a valid call. The message starts with the code and says what
 * failed and what to check. An {@link IllegalStateException}, so existing catch sites keep working.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class DiffusionStateException extends IllegalStateException implements DiffusionError {
    private static final long serialVersionUID = 1L;

    /** The error code. */
    private final String code;

    /**
     * @param code    the error code, {@code D4J-...}, documented in {@code docs/errors.md}
     * @param message what failed; {@code code + ": "} is put in front unless it already starts with the code
     */
    public DiffusionStateException(String code, String message) {
        this(code, message, null);
    }

    /**
     * @param code    the error code, {@code D4J-...}, documented in {@code docs/errors.md}
     * @param message what failed; {@code code + ": "} is put in front unless it already starts with the code
     * @param cause   the underlying exception, or null
     */
    public DiffusionStateException(String code, String message, @Nullable Throwable cause) {
        super(DiffusionError.withCode(code, message), cause);
        this.code = code;
    }

    @Override
    public final String code() {
        return code;
    }
}
