package org.diffusion4j.api.spi;

import java.util.List;
import org.apiguardian.api.API;
import org.diffusion4j.api.DiffusionArgumentException;

/** No provider of a kind has the requested name. Error code {@code D4J-PLUGIN-UNKNOWN}. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class UnknownPluginException extends DiffusionArgumentException {
    private final PluginKind<?> kind;
    private final String name;
    private final List<String> known;

    public UnknownPluginException(PluginKind<?> kind, String name, List<String> known, String suggestion) {
        super(
                "D4J-PLUGIN-UNKNOWN",
                "no " + kind.label() + " named '" + name + "'"
                        + (suggestion.isEmpty() ? "." : "; did you mean '" + suggestion + "'?")
                        + " Available " + kind.label() + "s: " + String.join(", ", known));
        this.kind = kind;
        this.name = name;
        this.known = List.copyOf(known);
    }

    public PluginKind<?> kind() {
        return kind;
    }

    /** The name that was asked for. */
    public String name() {
        return name;
    }

    /** The ids that exist. */
    public List<String> known() {
        return known;
    }
}
