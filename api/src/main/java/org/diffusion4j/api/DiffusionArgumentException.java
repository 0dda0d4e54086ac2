package org.diffusion4j.api;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Bad input, with an error code: a document that does not validate, a model file that does not load or
 * fit, an unknown name. The message starts with the code and says what was wrong, where, and what would
 * be right. An {@link IllegalArgumentException}, so existing catch sites keep working.
 *
 * <p>Module-specific subclasses ({@code PluginConfigException}, {@code PipelineConfigException},
 * {@code OnnxModelException}, ...) add the details callers act on (a JSON path, a list of problems).
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public class DiffusionArgumentException extends IllegalArgumentException implements DiffusionError {
    private static final long serialVersionUID = 1L;

    /** The error code. */
    private final String code;

    /**
     * @param code    the error code, {@code D4J-...}, documented in {@code docs/errors.md}
     * @param message what was wrong; {@code code + ": "} is put in front unless it already starts with the code
     */
    public DiffusionArgumentException(String code, String message) {
        this(code, message, null);
    }

    /**
     * @param code    the error code, {@code D4J-...}, documented in {@code docs/errors.md}
     * @param message what was wrong; {@code code + ": "} is put in front unless it already starts with the code
     * @param cause   the underlying exception, or null
     */
    public DiffusionArgumentException(String code, String message, @Nullable Throwable cause) {
        super(DiffusionError.withCode(code, message), cause);
        this.code = code;
    }

    @Override
    public final String code() {
        return code;
    }
}
