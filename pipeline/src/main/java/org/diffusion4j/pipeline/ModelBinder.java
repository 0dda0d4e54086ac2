package org.diffusion4j.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;

/** Binds a document's {@code model} object to its source's config type, strictly, with paths. */
final class ModelBinder {
    /** The same strictness as the plugin registry's binding. */
    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private ModelBinder() {
    }

    /** A model object whose source and configuration are valid. */
    record Bound(ModelSourceProvider<?> provider, Object config, ObjectNode json, String path) {
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

    static Optional<Bound> bind(ModelSources sources, JsonNode n, String path, Problems problems) {
        if (!(n instanceof ObjectNode o)) {
            problems.add(path, "expected a model object {\"type\": ...}, got " + Json.describe(n) + "; available model sources: "
                    + String.join(", ", sources.ids()));
            return Optional.empty();
        }
        JsonNode type = o.get("type");
        if (type == null || type.isNull()) {
            problems.add(path + "/type", "missing required field 'type'; available model sources: " + String.join(", ", sources.ids()));
            return Optional.empty();
        }
        if (!type.isTextual()) {
            problems.add(path + "/type", "expected a string naming a model source, got " + Json.describe(type)
                    + "; available model sources: " + String.join(", ", sources.ids()));
            return Optional.empty();
        }
        Optional<ModelSourceProvider<?>> p = sources.find(type.asText());
        if (p.isEmpty()) {
            problems.add(path + "/type", sources.unknown(type.asText()));
            return Optional.empty();
        }
        ModelSourceProvider<?> provider = p.get();
        return strict(provider.configType(), o, path, "model source '" + provider.id() + "'", problems)
                .map(c -> new Bound(provider, c, o, path));
    }

    /** Binds {@code o} minus {@code type} to {@code type} strictly; problems get paths under {@code path}. */
    static Optional<Object> strict(Class<?> type, ObjectNode o, String path, String what, Problems problems) {
        ObjectNode cfg = o.deepCopy();
        cfg.remove("type");
        try {
            return Optional.of(STRICT.treeToValue(org.diffusion4j.api.spi.PluginRegistry.integralNumbersAsIntegers(cfg), type));
        } catch (UnrecognizedPropertyException e) {
            List<String> known = e.getKnownPropertyIds() == null ? List.of()
                    : e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.toList());
            problems.add(path + pointer(e), "unknown field '" + e.getPropertyName() + "'" + Names.didYouMean(e.getPropertyName(), known)
                    + "; allowed fields of " + what + ": type, " + String.join(", ", known));
        } catch (MismatchedInputException e) {
            String rel = pointer(e);
            problems.add(path + rel, e.getTargetType() == null ? e.getOriginalMessage()
                    : "expected " + PluginBinder.typeName(e.getTargetType()) + ", got " + Json.describe(cfg.at(rel))
                            + " (in " + what + ")");
        } catch (JsonMappingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String msg = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
            problems.add(path + pointer(e), msg + " (in " + what + ")");
        } catch (JsonProcessingException e) {
            problems.add(path, e.getOriginalMessage());
        }
        return Optional.empty();
    }

    private static String pointer(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            sb.append(r.getFieldName() != null ? Json.segment(r.getFieldName()) : "/" + r.getIndex());
        }
        return sb.toString();
    }
}
