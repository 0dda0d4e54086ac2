package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.spi.PluginDescriptor;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginProvider;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;
import org.diffusion4j.pipeline.spi.TrainerProvider;

/**
 * Writes the JSON Schemas (draft 2020-12) of sampling and training documents for the plugins at hand.
 * The documents' own fields come from their one description ({@link Documents}: types, ranges,
 * defaults, descriptions); each plugin object is a {@code oneOf} of the known providers (their config
 * records' components as properties, nothing else allowed) plus any other {@code type} (a plugin the
 * schema's writer did not know). The schemas in {@code docs/schema/} are generated with the built-in
 * plugins; the command line's {@code schema} command writes one for whatever is on its class path.
 */
public final class SchemaGenerator {
    private SchemaGenerator() {}

    /** The schema of sampling documents. */
    public static ObjectNode sampleSchema(PluginRegistry registry, ModelSources models) {
        ObjectNode s = header(
                "sample-run",
                "diffusion4j sampling run",
                "One sampling run: model, schedule, sampler, guidance, labels, seed, output. See docs/pipeline.md.");
        s.setAll(objectSchema(Documents.SAMPLING));
        ObjectNode defs = s.putObject("$defs");
        for (PluginKind<?> k : PluginKind.values()) {
            defs.set(defName(k), pluginDef(k.label(), entries(registry, k)));
        }
        defs.set(
                defName(ModelSourceProvider.KIND),
                pluginDef("model", entries(models.registry(), ModelSourceProvider.KIND)));
        return s;
    }

    /** The schema of training documents; {@code registry} has the trainers ({@link TrainerProvider#KIND}). */
    public static ObjectNode trainSchema(PluginRegistry registry, ModelSources models) {
        ObjectNode s = header(
                "train-run",
                "diffusion4j training run",
                "One training run: trainer, schedule, steps, seed, output, and the sampling document made for the trained model."
                        + " See docs/pipeline.md.");
        s.setAll(objectSchema(Documents.TRAINING));
        ObjectNode defs = s.putObject("$defs");
        for (PluginKind<?> k : PluginKind.values()) {
            defs.set(defName(k), pluginDef(k.label(), entries(registry, k)));
        }
        defs.set(defName(TrainerProvider.KIND), pluginDef("trainer", entries(registry, TrainerProvider.KIND)));
        return s;
    }

    /** The {@code $defs} entry of a kind's plugin objects: its label ({@code model} for model sources). */
    static String defName(PluginKind<?> kind) {
        return kind == ModelSourceProvider.KIND ? "model" : kind.label().replace(' ', '-');
    }

    private static ObjectNode header(String id, String title, String description) {
        ObjectNode s = Json.object();
        s.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        s.put("$id", "https://diffusion4j.org/schema/" + id + ".schema.json");
        s.put("title", title);
        s.put("description", description);
        return s;
    }

    /** An object of exactly these fields: required ones listed, nested objects described by their own fields. */
    static ObjectNode objectSchema(List<DocField> fields) {
        ObjectNode o = Json.object();
        o.put("type", "object");
        ArrayNode required = o.putArray("required");
        fields.stream().filter(DocField::isRequired).forEach(f -> required.add(f.name()));
        if (required.isEmpty()) {
            o.remove("required");
        }
        o.put("additionalProperties", false);
        ObjectNode props = o.putObject("properties");
        for (DocField f : fields) {
            ObjectNode fs = f.schema();
            Documents.nested(Documents.SAMPLING, f).ifPresent(nested -> {
                ObjectNode n = objectSchema(nested);
                n.remove("type");
                fs.setAll(n);
            });
            props.set(f.name(), fs);
        }
        return o;
    }

    private static List<Entry> entries(PluginRegistry registry, PluginKind<?> kind) {
        List<Entry> entries = new ArrayList<>();
        for (PluginDescriptor<?> pp : registry.providers(kind)) {
            entries.add(new Entry(pp.id(), pp.aliases(), pp.description(), pp.configType(), defaults(pp)));
        }
        return entries;
    }

    /**
     * The values of a plugin's default configuration ({@link PluginProvider#defaultConfig}) as JSON: the
     * schema's {@code default} of each field; empty for kinds without a default configuration, or one
     * that does not serialise.
     */
    static ObjectNode defaults(PluginDescriptor<?> p) {
        if (p instanceof PluginProvider<?, ?> pp) {
            try {
                Object d = pp.defaultConfig();
                if (d != null && Json.tree(d) instanceof ObjectNode o) {
                    return o;
                }
            } catch (RuntimeException e) {
                // no default to write: the schema says the type only
            }
        }
        return Json.object();
    }

    private record Entry(String id, List<String> aliases, String description, Class<?> config, ObjectNode defaults) {}

    private static ObjectNode pluginDef(String label, List<Entry> entries) {
        ObjectNode d = Json.object();
        d.put("description", "a " + label + " plugin: {\"type\": id, ...its configuration}");
        ArrayNode one = d.putArray("oneOf");
        ArrayNode allNames = Json.object().arrayNode();
        for (Entry e : entries) {
            ObjectNode o = one.addObject();
            o.put("type", "object");
            if (!e.description().isEmpty()) {
                o.put("description", e.description());
            }
            o.putArray("required").add("type");
            o.put("additionalProperties", false);
            ObjectNode props = o.putObject("properties");
            ArrayNode names = props.putObject("type").putArray("enum");
            names.add(e.id());
            allNames.add(e.id());
            for (String a : e.aliases()) {
                names.add(a);
                allNames.add(a);
            }
            if (e.config().isRecord()) {
                for (RecordComponent c : e.config().getRecordComponents()) {
                    JsonNode t = typeSchema(c.getGenericType(), label, c.getName());
                    JsonNode dv = e.defaults().get(c.getName());
                    if (dv != null && !dv.isNull() && t instanceof ObjectNode to && !to.has("$ref")) {
                        to.set("default", dv.deepCopy());
                    }
                    props.set(c.getName(), t);
                }
            }
        }
        ObjectNode other = one.addObject();
        other.put("type", "object")
                .put("description", "a " + label + " plugin this schema was written without (third-party)");
        other.putArray("required").add("type");
        ObjectNode t = other.putObject("properties").putObject("type");
        t.put("type", "string");
        t.putObject("not").set("enum", allNames);
        return d;
    }

    private static JsonNode typeSchema(Type t, String label, String name) {
        ObjectNode o = Json.object();
        if (label.equals("guidance") && name.equals("inner")) {
            return o.put("$ref", "#/$defs/guidance");
        }
        Class<?> c = t instanceof Class<?> k
                ? k
                : t instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : Object.class;
        if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
            return o.put("type", "integer");
        }
        if (c == Double.class || c == double.class || c == Float.class || c == float.class) {
            return o.put("type", "number");
        }
        if (c == Boolean.class || c == boolean.class) {
            return o.put("type", "boolean");
        }
        if (c == String.class) {
            return o.put("type", "string");
        }
        if (c.isArray()) {
            o.put("type", "array");
            o.set("items", typeSchema(c.getComponentType(), label, name + "[]"));
            return o;
        }
        if (List.class.isAssignableFrom(c)) {
            o.put("type", "array");
            if (t instanceof ParameterizedType pt) {
                o.set("items", typeSchema(pt.getActualTypeArguments()[0], label, name + "[]"));
            }
            return o;
        }
        if (c.isRecord()) {
            o.put("type", "object").put("additionalProperties", false);
            ObjectNode props = o.putObject("properties");
            for (RecordComponent rc : c.getRecordComponents()) {
                props.set(rc.getName(), typeSchema(rc.getGenericType(), label, rc.getName()));
            }
            return o;
        }
        if (Map.class.isAssignableFrom(c) || JsonNode.class.isAssignableFrom(c) || c == Object.class) {
            return o.put("type", "object");
        }
        return o;
    }
}
