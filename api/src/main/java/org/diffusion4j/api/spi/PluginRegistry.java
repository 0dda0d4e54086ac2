package org.diffusion4j.api.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.apiguardian.api.API;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.noise.NoiseSource;
import org.jspecify.annotations.Nullable;

/**
 * The providers of every {@link PluginKind}, found with {@link ServiceLoader} and indexed by id and
 * alias. Immutable once loaded and safe to share.
 *
 * <ul>
 *   <li>Two providers of one kind claiming the same id or alias are rejected
 *   ({@link DuplicatePluginException}, naming both classes and their jars).</li>
 *   <li>An unknown name fails with {@link UnknownPluginException}, listing the known ids and a
 *   did-you-mean.</li>
 *   <li>The default backend is the system property {@value #BACKEND_PROPERTY}, else the environment
 *   variable {@value #BACKEND_ENV}, else the highest-ranked backend provider.</li>
 *   <li>{@link #describe()} lists every provider with its version and jar.</li>
 * </ul>
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class PluginRegistry {

    /** System property naming the default backend. */
    public static final String BACKEND_PROPERTY = "diffusion4j.backend";
    /** Environment variable naming the default backend. */
    public static final String BACKEND_ENV = "DIFFUSION4J_BACKEND";

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    private static final java.util.Set<Class<?>> NUMBER_TYPES = java.util.Set.of(
            int.class,
            Integer.class,
            long.class,
            Long.class,
            short.class,
            Short.class,
            byte.class,
            Byte.class,
            java.math.BigInteger.class);

    private final Map<PluginKind<?>, Map<String, PluginDescriptor<?>>> byName = new LinkedHashMap<>();
    private final Map<PluginKind<?>, List<PluginDescriptor<?>>> byKind = new LinkedHashMap<>();
    /** By name with {@code _} read as {@code -}; null values: two providers' names fold to one key. */
    private final Map<PluginKind<?>, Map<String, PluginDescriptor<?>>> byFolded = new LinkedHashMap<>();

    private PluginRegistry(Collection<PluginKind<?>> kinds, Collection<? extends PluginDescriptor<?>> providers) {
        for (PluginKind<?> k : PluginKind.values()) {
            addKind(k);
        }
        kinds.forEach(this::addKind);
        for (PluginDescriptor<?> p : providers) {
            Map<String, PluginDescriptor<?>> names = addKind(p.kind());
            List<String> all = new ArrayList<>();
            all.add(p.id());
            all.addAll(p.aliases());
            for (String n : all) {
                String key = normalise(n);
                PluginDescriptor<?> prior = names.get(key);
                if (prior != null && prior != p) {
                    throw new DuplicatePluginException("two " + p.kind().label() + " providers claim the name '" + n
                            + "': " + where(prior) + " and " + where(p) + ". Remove one jar from the classpath.");
                }
                names.put(key, p);
            }
            byKind.computeIfAbsent(p.kind(), x -> new ArrayList<>()).add(p);
        }
        for (Map.Entry<PluginKind<?>, Map<String, PluginDescriptor<?>>> e : byName.entrySet()) {
            Map<String, PluginDescriptor<?>> folded = byFolded.computeIfAbsent(e.getKey(), x -> new LinkedHashMap<>());
            e.getValue().forEach((name, p) -> folded.merge(DidYouMean.fold(name), p, (a, b) -> a == b ? a : AMBIGUOUS));
        }
        for (List<PluginDescriptor<?>> l : byKind.values()) {
            l.sort(Comparator.comparing(PluginDescriptor::id));
        }
    }

    /** Registers {@code k} (if new) in the three maps; returns its by-name map. */
    private Map<String, PluginDescriptor<?>> addKind(PluginKind<?> k) {
        byKind.computeIfAbsent(k, x -> new ArrayList<>());
        byFolded.computeIfAbsent(k, x -> new LinkedHashMap<>());
        return byName.computeIfAbsent(k, x -> new LinkedHashMap<>());
    }

    /** Loads all providers visible to the context class loader (or this class's loader). */
    public static PluginRegistry load() {
        return load(defaultLoader(), List.of());
    }

    /** Loads all providers of the SDK's kinds visible to {@code loader}. */
    public static PluginRegistry load(ClassLoader loader) {
        return load(loader, List.of());
    }

    /**
     * Loads all providers visible to {@code loader} of the SDK's kinds and of {@code kinds} (kinds that
     * other modules declare with {@link PluginKind#of}).
     */
    public static PluginRegistry load(ClassLoader loader, Collection<PluginKind<?>> kinds) {
        List<PluginKind<?>> all = new ArrayList<>(PluginKind.values());
        kinds.stream().filter(k -> !all.contains(k)).forEach(all::add);
        List<PluginDescriptor<?>> found = new ArrayList<>();
        for (PluginKind<?> k : all) {
            for (Object p : ServiceLoader.load(k.providerType(), loader)) {
                found.add((PluginDescriptor<?>) p);
            }
        }
        return new PluginRegistry(all, found);
    }

    /** The context class loader, or this class's. */
    public static ClassLoader defaultLoader() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return cl != null ? cl : PluginRegistry.class.getClassLoader();
    }

    /** A registry of exactly these providers (for tests and embedded use); their kinds are its kinds. */
    public static PluginRegistry of(Collection<? extends PluginDescriptor<?>> providers) {
        return new PluginRegistry(List.of(), providers);
    }

    /** A registry of these kinds (with none of their providers) and these providers. */
    public static PluginRegistry of(
            Collection<PluginKind<?>> kinds, Collection<? extends PluginDescriptor<?>> providers) {
        return new PluginRegistry(kinds, providers);
    }

    /** This registry's providers and those of {@code other}, whose kinds must not be among this one's. */
    public PluginRegistry with(PluginRegistry other) {
        List<PluginKind<?>> kinds = new ArrayList<>(byKind.keySet());
        List<PluginDescriptor<?>> all = new ArrayList<>();
        byKind.values().forEach(all::addAll);
        for (PluginKind<?> k : other.kinds()) {
            if (!kinds.contains(k)) {
                kinds.add(k);
                all.addAll(other.byKind.get(k));
            }
        }
        return new PluginRegistry(kinds, all);
    }

    /** The kinds this registry indexes: the SDK's, then those added. */
    public List<PluginKind<?>> kinds() {
        return List.copyOf(byKind.keySet());
    }

    /** The providers of a kind, sorted by id. */
    @SuppressWarnings("unchecked")
    public <P extends PluginDescriptor<?>> List<P> providers(PluginKind<P> kind) {
        return (List<P>) List.copyOf(byKind.getOrDefault(kind, List.of()));
    }

    /** The ids of a kind, sorted. */
    public List<String> ids(PluginKind<?> kind) {
        return byKind.getOrDefault(kind, List.of()).stream()
                .map(PluginDescriptor::id)
                .collect(Collectors.toList());
    }

    /** The provider of {@code kind} with id or alias {@code name} (case-insensitive, {@code _} as {@code -}). */
    public <P extends PluginDescriptor<?>> P provider(PluginKind<P> kind, String name) {
        return find(kind, name).orElseThrow(() -> unknown(kind, name));
    }

    /**
     * The provider of {@code kind} with id or alias {@code name}, if any: the name as given (any letter
     * case), else the name with {@code _} and {@code -} alike when that names one provider only
     * ({@code scaled_linear} and {@code scaled-linear} are one schedule; where two plugins' names differ
     * only so, each keeps its own exact name).
     */
    @SuppressWarnings("unchecked")
    public <P extends PluginDescriptor<?>> Optional<P> find(PluginKind<P> kind, String name) {
        PluginDescriptor<?> p = byName.getOrDefault(kind, Map.of()).get(normalise(name));
        if (p == null) {
            p = byFolded.getOrDefault(kind, Map.of()).get(DidYouMean.fold(name));
        }
        return p == AMBIGUOUS ? Optional.empty() : Optional.ofNullable((P) p);
    }

    /**
     * The one did-you-mean of the SDK (plugin ids and document fields alike): the known name nearest to
     * {@code name} in optimal-string-alignment distance, when within max(1, min(3, length / 3)) edits;
     * letter case, and {@code _} against {@code -}, do not count.
     */
    public static Optional<String> suggest(String name, Collection<String> known) {
        return DidYouMean.suggest(name, known);
    }

    /** {@code "; did you mean 'x'?"} ({@link #suggest}), or {@code ""}. */
    public static String didYouMean(String name, Collection<String> known) {
        return DidYouMean.phrase(name, known);
    }

    /** The exception for an unknown name, with the known ids and a did-you-mean. */
    public UnknownPluginException unknown(PluginKind<?> kind, String name) {
        List<String> names = new ArrayList<>();
        for (PluginDescriptor<?> p : byKind.getOrDefault(kind, List.of())) {
            names.add(p.id());
            names.addAll(p.aliases());
        }
        return new UnknownPluginException(
                kind, name, ids(kind), DidYouMean.suggest(name, names).orElse(""));
    }

    /** Binds {@code config} (null or missing: the provider's default) to the provider's config type, strictly. */
    public <C> C bindConfig(PluginProvider<?, C> provider, @Nullable JsonNode config) {
        if (config == null || config.isNull() || config.isMissingNode()) {
            return provider.defaultConfig();
        }
        return bind(provider, config);
    }

    /**
     * Binds a plugin's JSON object (its {@code type}, if present, is left out) to the provider's
     * configuration type, strictly: unknown fields, nulls for primitives, fractions for integers and
     * coerced scalars are errors. The one binder of every kind.
     *
     * @throws PluginConfigException with the path of the offending value relative to the object, and the
     *                               Jackson exception as its cause
     */
    public <C> C bind(PluginDescriptor<C> provider, JsonNode config) {
        try {
            if (config instanceof ObjectNode o && o.has("type")) {
                o = o.deepCopy();
                o.remove("type");
                config = o;
            }
            return STRICT.treeToValue(integralNumbersAsIntegers(config), provider.configType());
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null
                    ? ""
                    : e.getKnownPropertyIds().stream()
                            .map(String::valueOf)
                            .sorted()
                            .collect(Collectors.joining(", "));
            throw new PluginConfigException(
                    pointer(e),
                    "unknown field '" + e.getPropertyName() + "' for "
                            + provider.kind().label() + " '" + provider.id() + "'; allowed fields: " + known,
                    e);
        } catch (JsonMappingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String problem = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
            if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m
                    && m.getTargetType() != null
                    && NUMBER_TYPES.contains(m.getTargetType())
                    && config.at(pointer(e)).isFloatingPointNumber()) {
                problem =
                        "expected an integer, got the number " + config.at(pointer(e)) + " (a fraction is not rounded)";
            }
            if (problem != null && problem.startsWith("Cannot map `null` into type")) {
                problem = "missing or null value; a "
                        + problem.replaceAll("(?s)Cannot map `null` into type `([^`]*)`.*", "$1") + " is required";
            }
            throw new PluginConfigException(
                    pointer(e), problem + " (in " + provider.kind().label() + " '" + provider.id() + "')", e);
        } catch (JsonProcessingException e) {
            throw new PluginConfigException("", e.getOriginalMessage(), e);
        }
    }

    /**
     * A copy of {@code n} in which every floating-point number with an integral value ({@code 10.0},
     * {@code 1e3}) is an integer, so it binds to an integer field, while a fraction ({@code 10.5}) stays a
     * fraction and is refused there (floats are not truncated to integers).
     */
    public static JsonNode integralNumbersAsIntegers(JsonNode n) {
        if (n.isFloatingPointNumber()) {
            java.math.BigDecimal d;
            try {
                d = n.decimalValue();
            } catch (NumberFormatException e) { // NaN or infinity
                return n;
            }
            if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) {
                try {
                    return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(d.longValueExact());
                } catch (ArithmeticException e) {
                    return n;
                }
            }
            return n;
        }
        if (n.isObject()) {
            ObjectNode o = ((ObjectNode) n).objectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), integralNumbersAsIntegers(e.getValue())));
            return o;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a =
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
            n.forEach(e -> a.add(integralNumbersAsIntegers(e)));
            return a;
        }
        return n;
    }

    private static String pointer(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            sb.append('/').append(r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()));
        }
        return sb.toString();
    }

    /** Creates the plugin {@code name} of {@code kind} from a JSON config. */
    public Object create(
            PluginKind<? extends PluginProvider<?, ?>> kind,
            String name,
            @Nullable JsonNode config,
            PluginContext context) {
        PluginProvider<?, ?> p = provider(kind, name);
        return createTyped(p, config, context);
    }

    private <T, C> T createTyped(PluginProvider<T, C> p, @Nullable JsonNode config, PluginContext context) {
        return p.create(bindConfig(p, config), context);
    }

    /** The sampler {@code name} with its default configuration. */
    public Sampler sampler(String name) {
        return (Sampler) create(PluginKind.SAMPLER, name, null, PluginContext.of(this));
    }

    /** The sampler {@code name} configured from JSON. */
    public Sampler sampler(String name, JsonNode config) {
        return (Sampler) create(PluginKind.SAMPLER, name, config, PluginContext.of(this));
    }

    /** The schedule {@code name} with its default configuration. */
    public Schedule schedule(String name) {
        return (Schedule) create(PluginKind.SCHEDULE, name, null, PluginContext.of(this));
    }

    /** The schedule {@code name} configured from JSON. */
    public Schedule schedule(String name, JsonNode config) {
        return (Schedule) create(PluginKind.SCHEDULE, name, config, PluginContext.of(this));
    }

    /** The guidance {@code name} configured from JSON, with resources (for example a classifier). */
    public Guidance guidance(String name, JsonNode config, PluginContext context) {
        return (Guidance) create(PluginKind.GUIDANCE, name, config, context);
    }

    /** The guidance {@code name} configured from JSON. */
    public Guidance guidance(String name, JsonNode config) {
        return guidance(name, config, PluginContext.of(this));
    }

    /** The noise source {@code name} with its default configuration. */
    public NoiseSource noise(String name) {
        return (NoiseSource) create(PluginKind.NOISE, name, null, PluginContext.of(this));
    }

    /** The noise source {@code name} configured from JSON. */
    public NoiseSource noise(String name, JsonNode config) {
        return (NoiseSource) create(PluginKind.NOISE, name, config, PluginContext.of(this));
    }

    /** The backend {@code name} configured from JSON (may load native libraries). */
    public Backend backend(String name, JsonNode config) {
        return (Backend) create(PluginKind.BACKEND, name, config, PluginContext.of(this));
    }

    /**
     * The default backend's provider: the one named by {@value #BACKEND_PROPERTY} or
     * {@value #BACKEND_ENV}, else the highest ranked.
     */
    public BackendProvider<?> defaultBackendProvider() {
        String chosen = System.getProperty(BACKEND_PROPERTY);
        if (chosen == null || chosen.isBlank()) {
            chosen = System.getenv(BACKEND_ENV);
        }
        if (chosen != null && !chosen.isBlank()) {
            return provider(PluginKind.BACKEND, chosen.trim());
        }
        return byKind.getOrDefault(PluginKind.BACKEND, List.of()).stream()
                .map(p -> (BackendProvider<?>) p)
                .max(Comparator.comparingInt((BackendProvider<?> p) -> p.rank())
                        .thenComparing(BackendProvider::id, Comparator.reverseOrder()))
                .orElseThrow(() -> new IllegalStateException("no backend provider on the classpath"));
    }

    /** A human-readable listing of every provider: kind, id, aliases, version, rank, capabilities, jar. */
    public String describe() {
        StringBuilder sb = new StringBuilder("diffusion4j plugins (names in any letter case, with _ for -)\n");
        for (PluginKind<?> k : byKind.keySet()) {
            sb.append(k.label()).append("s:\n");
            List<PluginDescriptor<?>> list = byKind.get(k);
            if (list.isEmpty()) {
                sb.append("  (none)\n");
            }
            for (PluginDescriptor<?> p : list) {
                sb.append(String.format(
                        Locale.ROOT,
                        "  %-16s %-10s rank %-3d %s%s%s%n",
                        p.id(),
                        p.version(),
                        p.rank(),
                        p.location().map(Object::toString).orElse("?"),
                        p.aliases().isEmpty() ? "" : "  aliases " + p.aliases(),
                        p.capabilities().isEmpty() ? "" : "  capabilities " + p.capabilities()));
            }
        }
        if (!byKind.getOrDefault(PluginKind.BACKEND, List.of()).isEmpty()) {
            String def;
            try {
                def = defaultBackendProvider().id();
            } catch (RuntimeException e) {
                def = "error: " + e.getMessage();
            }
            sb.append("default backend: ").append(def).append('\n');
        }
        return sb.toString();
    }

    private static String where(PluginDescriptor<?> p) {
        return p.getClass().getName() + " ("
                + p.location().map(Object::toString).orElse("unknown location") + ")";
    }

    /** The key of a name: trimmed, lower case. */
    private static String normalise(String n) {
        return n.trim().toLowerCase(Locale.ROOT);
    }

    /** Marks a folded name that two providers share. */
    private static final PluginDescriptor<Object> AMBIGUOUS = new PluginDescriptor<>() {
        @Override
        public PluginKind<?> kind() {
            return PluginKind.SAMPLER;
        }

        @Override
        public String id() {
            return "";
        }

        @Override
        public Class<Object> configType() {
            return Object.class;
        }
    };
}
