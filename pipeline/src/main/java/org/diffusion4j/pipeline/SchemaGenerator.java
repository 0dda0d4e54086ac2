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
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginProvider;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;

/**
 * Writes the JSON Schema (draft 2020-12) of sampling documents for the plugins at hand: each plugin
 * object is a {@code oneOf} of the known providers (their config records' components as properties,
 * nothing else allowed) plus any other {@code type} (a plugin the schema's writer did not know). The
 * schemas in {@code docs/schema/} are generated with the built-in plugins; the command line's
 * {@code schema} command writes one for whatever is on its class path.
 */
public final class SchemaGenerator {
    private SchemaGenerator() {
    }

    /** The schema of sampling documents. */
    public static ObjectNode sampleSchema(PluginRegistry registry, ModelSources models) {
        ObjectNode s = Json.object();
        s.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        s.put("$id", "https://diffusion4j.org/schema/sample-run.schema.json");
        s.put("title", "diffusion4j sampling run");
        s.put("description", "One sampling run: model, schedule, sampler, guidance, labels, seed, output. See docs/pipeline.md.");
        s.put("type", "object");
        s.putArray("required").add("model").add("schedule");
        s.put("additionalProperties", false);
        ObjectNode p = s.putObject("properties");
        p.putObject("$schema").put("type", "string");
        p.putObject("version").put("const", SampleSpec.VERSION);
        p.putObject("description").put("type", "string");
        p.putObject("backend").put("$ref", "#/$defs/backend");
        p.putObject("device").put("type", "string").put("description", "passed to the backend's device setting, e.g. cpu, gpu, gpu(1)");
        p.putObject("model").put("$ref", "#/$defs/model");
        p.putObject("schedule").put("$ref", "#/$defs/schedule");
        p.putObject("sampler").put("$ref", "#/$defs/sampler");
        p.putObject("guidance").put("$ref", "#/$defs/guidance");
        ObjectNode labels = p.putObject("labels");
        labels.put("type", "array").put("minItems", 1).put("description", "one grid row per entry; null is the unconditional row");
        labels.putObject("items").putArray("type").add("integer").add("null");
        labels.with("items").put("minimum", 0);
        p.putObject("samplesPerLabel").put("type", "integer").put("minimum", 1).put("maximum", 4096);
        p.putObject("batchSize").put("type", "integer").put("minimum", 1).put("maximum", 65536);
        p.putObject("seed").put("type", "integer");
        p.putObject("noise").put("$ref", "#/$defs/noise");
        ObjectNode sweep = p.putObject("sweep");
        sweep.put("type", "object").put("additionalProperties", false);
        sweep.putArray("required").add("parameter").add("values");
        sweep.putObject("properties").putObject("parameter").put("type", "string")
                .put("pattern", "^(/seed|/(guidance|sampler|schedule|noise)/.+)$");
        ObjectNode values = sweep.with("properties").putObject("values");
        values.put("type", "array").put("minItems", 1).put("maxItems", 256);
        values.putObject("items").putArray("type").add("number").add("string").add("boolean");
        ObjectNode out = p.putObject("output");
        out.put("type", "object").put("additionalProperties", false);
        ObjectNode op = out.putObject("properties");
        op.putObject("dir").put("type", "string").put("minLength", 1);
        op.putObject("name").put("type", "string").put("pattern", "^[A-Za-z0-9._-]+$");
        ObjectNode vr = op.putObject("valueRange");
        vr.put("type", "array").put("minItems", 2).put("maxItems", 2).putObject("items").put("type", "number");
        op.putObject("upscale").put("type", "integer").put("minimum", 1).put("maximum", 32);
        op.putObject("padding").put("type", "integer").put("minimum", 0).put("maximum", 64);

        ObjectNode defs = s.putObject("$defs");
        for (PluginKind k : PluginKind.values()) {
            List<Entry> entries = new ArrayList<>();
            for (PluginProvider<?, ?> pp : registry.providers(k)) {
                entries.add(new Entry(pp.id(), pp.aliases(), pp.description(), pp.configType()));
            }
            defs.set(k.label(), pluginDef(k.label(), entries));
        }
        List<Entry> modelEntries = new ArrayList<>();
        for (ModelSourceProvider<?> mp : models.providers()) {
            modelEntries.add(new Entry(mp.id(), mp.aliases(), mp.description(), mp.configType()));
        }
        defs.set("model", pluginDef("model", modelEntries));
        return s;
    }

    private record Entry(String id, List<String> aliases, String description, Class<?> config) {
    }

    private static ObjectNode pluginDef(String label, List<Entry> entries) {
        ObjectNode d = Json.object();
        d.put("description", "a " + label + " plugin: {\"type\": id, ...its configuration}");
        ArrayNode one = d.putArray("oneOf");
        ArrayNode allNames = Json.MAPPER.createArrayNode();
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
                    props.set(c.getName(), typeSchema(c.getGenericType(), label, c.getName()));
                }
            }
        }
        ObjectNode other = one.addObject();
        other.put("type", "object").put("description", "a " + label + " plugin this schema was written without (third-party)");
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
        Class<?> c = t instanceof Class<?> k ? k : t instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : Object.class;
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
