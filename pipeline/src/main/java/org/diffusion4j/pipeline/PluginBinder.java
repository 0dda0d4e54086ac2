package org.diffusion4j.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.diffusion4j.api.spi.PluginConfigException;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.PluginDescriptor;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginProvider;
import org.diffusion4j.api.spi.PluginRegistry;
import org.jspecify.annotations.Nullable;

/**
 * The one binder of the {@code {"type": ...}} objects of every document, for every plugin kind (the
 * SDK's, model sources, trainers, a third party's): finds the provider in the {@link PluginRegistry} and
 * binds its configuration strictly ({@link PluginRegistry#bind}), recording problems with their document
 * paths in one format: a missing or unknown {@code type} (with did-you-mean and the available ids),
 * configuration that does not bind (unknown fields, wrong types: the provider's path prefixed with the
 * plugin's place in the document), and values the provider rejects when it checks or creates the plugin.
 */
final class PluginBinder {
    private final PluginRegistry registry;
    private final Problems problems;

    PluginBinder(PluginRegistry registry, Problems problems) {
        this.registry = registry;
        this.problems = problems;
    }

    /** A plugin object whose type and configuration are valid. */
    record Bound(PluginDescriptor<?> provider, Object config, ObjectNode json, String path) {
        /** The document object with its type replaced by the provider's canonical id. */
        ObjectNode canonicalJson() {
            ObjectNode o = Json.object();
            o.put("type", provider.id());
            json.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("type")) {
                    o.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            return o;
        }
    }

    /** Finds the provider of the object at {@code path} and binds its configuration. */
    Optional<Bound> bind(PluginKind<?> kind, JsonNode n, String path) {
        String known = "; available " + kind.label() + "s: " + String.join(", ", registry.ids(kind));
        Optional<ObjectNode> typed = typedObject(n, path, kind.label(), known, problems);
        if (typed.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode o = typed.get();
        JsonNode type = o.get("type");
        Optional<? extends PluginDescriptor<?>> p = registry.find(kind, type.asText());
        if (p.isEmpty()) {
            // a DiffusionArgumentException's message is never null (its constructor prefixes the code)
            problems.add(
                    path + "/type",
                    Objects.requireNonNull(registry.unknown(kind, type.asText()).getMessage()));
            return Optional.empty();
        }
        return bindTo(p.get(), o, path);
    }

    /**
     * The one check of a {@code {"type": ...}} object's shape, for every document and kind: an object with a
     * non-blank string {@code type}; else a problem at {@code path} (or its {@code /type}) naming the
     * {@code noun} and followed by {@code known} (the available ids).
     */
    static Optional<ObjectNode> typedObject(JsonNode n, String path, String noun, String known, Problems problems) {
        if (!(n instanceof ObjectNode o)) {
            problems.add(path, "expected a " + noun + " object {\"type\": ...}, got " + Json.describe(n) + known);
            return Optional.empty();
        }
        JsonNode type = o.get("type");
        if (type == null || type.isNull()) {
            problems.add(path + "/type", "missing required field 'type'" + known);
            return Optional.empty();
        }
        if (!type.isTextual() || type.asText().isBlank()) {
            problems.add(path + "/type", "expected a string naming a " + noun + ", got " + Json.describe(type) + known);
            return Optional.empty();
        }
        return Optional.of(o);
    }

    private Optional<Bound> bindTo(PluginDescriptor<?> provider, ObjectNode o, String path) {
        try {
            Object config = registry.bind(provider, o);
            deprecations(provider, config).forEach((at, message) -> problems.warn(path + at, message));
            return Optional.of(new Bound(provider, config, o, path));
        } catch (PluginConfigException e) {
            String at = e.path().isEmpty()
                            && e.getCause() != null
                            && !(e.getCause() instanceof UnrecognizedPropertyException)
                    ? attribute(path, fields(o, provider.configType()), e.getMessage())
                    : path + e.path();
            problems.add(at, configMessage(provider, e, o));
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked")
    private static <C> java.util.Map<String, String> deprecations(PluginDescriptor<C> provider, Object config) {
        return provider.deprecations((C) config);
    }

    /**
     * Cheap checks of a plugin that is not created while validating (a backend, a model source, a
     * trainer): {@code checker} runs the provider's own check. Problems are recorded at the plugin's path.
     */
    boolean check(Bound b, Runnable checker) {
        try {
            checker.run();
            return true;
        } catch (PluginConfigException e) {
            problems.add(b.path() + e.path(), stripCode(e.getMessage(), e.path()));
        } catch (IllegalArgumentException e) {
            problems.add(
                    attribute(b.path(), fields(b.json(), b.provider().configType()), e.getMessage()),
                    e.getMessage() + " (in " + b.provider().kind().label() + " '"
                            + b.provider().id() + "')");
        }
        return false;
    }

    /** {@link #check(Bound, Runnable)} with {@link PluginProvider#check}. */
    boolean check(Bound b, PluginContext context) {
        return check(b, () -> checkTyped((PluginProvider<?, ?>) b.provider(), b.config(), context));
    }

    @SuppressWarnings("unchecked")
    private static <T, C> void checkTyped(PluginProvider<T, C> p, Object config, PluginContext context) {
        p.check((C) config, context);
    }

    /** The fields given in {@code json} and the components of {@code configType} (a record), for {@link #attribute}. */
    static List<String> fields(ObjectNode json, Class<?> configType) {
        List<String> l = new ArrayList<>();
        json.fieldNames().forEachRemaining(f -> {
            if (!f.equals("type")) {
                l.add(f);
            }
        });
        if (configType.isRecord()) {
            for (var c : configType.getRecordComponents()) {
                if (!l.contains(c.getName())) {
                    l.add(c.getName());
                }
            }
        }
        return l;
    }

    /** The message of an unexpected exception, without its class name where it has one. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "unexpected " + e.getClass().getSimpleName() : m;
    }

    /**
     * Creates the plugin; a rejection ({@link IllegalArgumentException}) is recorded at the field it
     * names when that can be told from the message, else at the plugin object.
     */
    Optional<Object> create(Bound b, PluginContext context) {
        try {
            return Optional.of(createTyped((PluginProvider<?, ?>) b.provider(), b.config(), context));
        } catch (PluginConfigException e) {
            problems.add(b.path() + e.path(), stripCode(e.getMessage(), e.path()));
        } catch (PipelineConfigException e) {
            problems.addAll(e.problems());
        } catch (IllegalArgumentException e) {
            problems.add(
                    attribute(b.path(), fields(b.json(), b.provider().configType()), e.getMessage()),
                    e.getMessage() + " (in " + b.provider().kind().label() + " '"
                            + b.provider().id() + "')");
        } catch (RuntimeException e) {
            problems.add(
                    b.path(),
                    b.provider().kind().label() + " '" + b.provider().id() + "' could not be created: " + describe(e));
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private static <T, C> T createTyped(PluginProvider<T, C> p, Object config, PluginContext context) {
        return p.create((C) config, context);
    }

    /** Binds and creates in one go. */
    Optional<Object> resolve(
            PluginKind<? extends PluginProvider<?, ?>> kind, JsonNode n, String path, PluginContext context) {
        Optional<Bound> b = bind(kind, n, path);
        if (b.isEmpty()) {
            return Optional.empty();
        }
        if (kind == PluginKind.GUIDANCE && !validateNested(b.get(), context)) {
            return Optional.empty();
        }
        return create(b.get(), context);
    }

    /**
     * Guidance composes by nesting (classifier guidance's {@code inner}): every object field with a
     * string {@code type} is checked as a guidance of its own, so its problems carry its own path.
     */
    private boolean validateNested(Bound b, PluginContext context) {
        int before = problems.size();
        for (Iterator<Map.Entry<String, JsonNode>> it = b.json().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isObject() && v.has("type") && v.get("type").isTextual()) {
                resolve(PluginKind.GUIDANCE, v, b.path() + Json.segment(e.getKey()), context);
            }
        }
        return problems.size() == before;
    }

    private static String configMessage(PluginDescriptor<?> provider, PluginConfigException e, ObjectNode json) {
        String in = " (in " + provider.kind().label() + " '" + provider.id() + "')";
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException u) {
            List<String> known = u.getKnownPropertyIds() == null
                    ? List.of()
                    : u.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .collect(Collectors.toList());
            List<String> allowed = new ArrayList<>(List.of("type"));
            allowed.addAll(known);
            return "unknown field '" + u.getPropertyName() + "'" + PluginRegistry.didYouMean(u.getPropertyName(), known)
                    + "; allowed fields of " + provider.kind().label() + " '" + provider.id() + "': "
                    + String.join(", ", allowed);
        }
        if (cause instanceof MismatchedInputException m && m.getTargetType() != null) {
            JsonNode value = json.at(e.path());
            return "expected " + typeName(m.getTargetType()) + ", got " + Json.describe(value) + in;
        }
        return stripCode(e.getMessage(), e.path());
    }

    static String stripCode(@Nullable String message, String path) {
        if (message == null) {
            return "";
        }
        String prefix = "D4J-CONFIG at " + (path.isEmpty() ? "/" : path) + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    static String typeName(Class<?> t) {
        if (t == Integer.class
                || t == int.class
                || t == Long.class
                || t == long.class
                || t == Short.class
                || t == short.class) {
            return "an integer";
        }
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (t.isArray() || List.class.isAssignableFrom(t)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(t) || t.isRecord()) {
            return "an object";
        }
        if (t.isEnum()) {
            Object[] values = t.getEnumConstants();
            TreeSet<String> names = new TreeSet<>();
            for (Object v : values) {
                names.add(v.toString().toLowerCase(Locale.ROOT));
            }
            return "one of " + names;
        }
        return "a " + t.getSimpleName();
    }

    /**
     * The path of the field a rejection message names: among the fields given in the document, the one
     * that appears first in the message as a word or as two or three adjacent words run together
     * ({@code guidanceScale} matches "guidance scale"); the plugin object itself when none does.
     */
    static String attribute(String path, ObjectNode given, @Nullable String message) {
        List<String> fields = new ArrayList<>();
        given.fieldNames().forEachRemaining(f -> {
            if (!f.equals("type")) {
                fields.add(f);
            }
        });
        return attribute(path, fields, message);
    }

    /** {@link #attribute(String, ObjectNode, String)} among the given field names (earlier ones win ties). */
    static String attribute(String path, List<String> fields, @Nullable String message) {
        String[] words =
                (message == null ? "" : message).toLowerCase(Locale.ROOT).split("[^a-z0-9]+");
        String best = null;
        int bestPos = Integer.MAX_VALUE;
        for (String f : fields) {
            String key = f.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
            for (int i = 0; i < words.length && i < bestPos; i++) {
                String joined = "";
                for (int k = 0; k < 3 && i + k < words.length; k++) {
                    joined += words[i + k];
                    if (joined.equals(key)) {
                        best = f;
                        bestPos = i;
                        break;
                    }
                }
            }
        }
        return best == null ? path : path + Json.segment(best);
    }
}
