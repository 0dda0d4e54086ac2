package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A reference to a plugin as it appears in a document: {@code {"type": "ddim", "steps": 50}}. The
 * {@code type} is a provider id or alias; the other fields are the provider's configuration, bound
 * strictly to its config type when the pipeline is built. Immutable: {@link #with} returns a copy.
 */
public final class PluginSpec {
    private final String type;
    private final ObjectNode config;

    private PluginSpec(String type, ObjectNode config) {
        if (type.isBlank()) {
            throw new IllegalArgumentException("a plugin type must not be blank");
        }
        this.type = type;
        ObjectNode c = config.deepCopy();
        c.remove("type");
        this.config = c;
    }

    /** The plugin {@code type} with its default configuration. */
    public static PluginSpec of(String type) {
        return new PluginSpec(type, Json.object());
    }

    /**
     * The plugin {@code type} configured by {@code config}: a config record (for example
     * {@code new SamplerConfigs.Ddim(...)}; null components are left out), a {@code Map} or a JSON object.
     */
    public static PluginSpec of(String type, Object config) {
        JsonNode n = config instanceof JsonNode j ? j : Json.tree(config);
        if (!(n instanceof ObjectNode o)) {
            throw new IllegalArgumentException(
                    "the configuration of plugin '" + type + "' must be a JSON object, got " + n);
        }
        return new PluginSpec(type, o);
    }

    /** The plugin of a document object {@code {"type": ..., ...}}. */
    public static PluginSpec fromJson(ObjectNode node) {
        JsonNode t = node.get("type");
        if (t == null || !t.isTextual()) {
            throw new IllegalArgumentException("a plugin object needs a string field \"type\", got " + node);
        }
        return new PluginSpec(t.asText(), node);
    }

    /** This plugin with one more (or a replaced) configuration field. */
    public PluginSpec with(String field, Object value) {
        if (field.equals("type")) {
            throw new IllegalArgumentException("use PluginSpec.of to change the type");
        }
        ObjectNode c = config.deepCopy();
        c.set(field, Json.tree(value));
        return new PluginSpec(type, c);
    }

    /** This plugin with several more configuration fields. */
    public PluginSpec with(Map<String, ?> fields) {
        PluginSpec s = this;
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            s = s.with(e.getKey(), e.getValue());
        }
        return s;
    }

    /** The plugin name as written. */
    public String type() {
        return type;
    }

    /** A copy of the configuration fields (without {@code type}). */
    public ObjectNode config() {
        return config.deepCopy();
    }

    /** {@code {"type": ..., ...config}}. */
    public ObjectNode toJson() {
        ObjectNode o = Json.object();
        o.put("type", type);
        for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            o.set(e.getKey(), e.getValue().deepCopy());
        }
        return o;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PluginSpec p && p.type.equals(type) && p.config.equals(config);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + config.hashCode();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
