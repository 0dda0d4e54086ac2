package org.diffusion4j.api;

import java.util.Optional;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * What every exception the SDK throws for a documented reason has in common: a stable error code
 * ({@code D4J-CONFIG}, {@code D4J-PLUGIN-UNKNOWN}, ...) that starts its message and is listed, with its
 * meaning and fix, in {@code docs/errors.md}. Search for the code, not for the message.
 *
 * <p>Two classes implement it, one per kind of failure, so that each keeps the JDK type callers already
 * catch: {@link DiffusionArgumentException} (an {@link IllegalArgumentException}: bad input — a document,
 * a file, a shape, a name) and {@link DiffusionStateException} (an {@link IllegalStateException}: the
 * environment — two plugins claiming a name, a native runtime failing). Catch either, or catch
 * {@link RuntimeException} and ask {@link #codeOf(Throwable)}:
 * <pre>{@code
 * try { ... } catch (RuntimeException e) {
 *     String code = DiffusionError.codeOf(e).orElse("unexpected");
 * }
 * }</pre>
 * Not a {@link java.lang.Error}: the name says what it describes, an error of a diffusion4j call.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface DiffusionError {

    /** The shape of a code: {@code D4J-} then upper-case words joined by hyphens. */
    Pattern CODE = Pattern.compile("D4J-[A-Z0-9]+(-[A-Z0-9]+)*");

    /** The stable error code, for example {@code D4J-CONFIG}. */
    String code();

    /**
     * The code of {@code t} or of the first exception in its chain of causes that has one; empty when
     * none has (an exception the SDK does not document, or one from elsewhere).
     */
    static Optional<String> codeOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DiffusionError e) {
                return Optional.of(e.code());
            }
        }
        return Optional.empty();
    }

    /** {@code message} with {@code code + ": "} in front unless it already starts with the code. */
    static String withCode(String code, String message) {
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException(
                    "error code '" + code + "' is not D4J- followed by upper-case words joined by hyphens");
        }
        return message.startsWith(code) ? message : code + ": " + message;
    }
}
