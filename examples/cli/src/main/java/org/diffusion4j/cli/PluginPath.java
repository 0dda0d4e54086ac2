package org.diffusion4j.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.diffusion4j.api.spi.PluginDescriptor;
import org.diffusion4j.api.spi.PluginKind;
import org.diffusion4j.api.spi.PluginRegistry;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * Where the command line finds plugin jars that are not built in. The launcher runs {@code java -jar},
 * which ignores {@code CLASSPATH} and {@code -cp}, so plugins come from a plugin path instead, searched
 * in this order:
 *
 * <ol>
 *   <li>every {@code --plugin-path DIR} (the option may be repeated, before or after the command);</li>
 *   <li>every entry of the environment variable {@value #ENV}, separated by {@link File#pathSeparator};</li>
 *   <li>the folder {@code ~/.diffusion4j/plugins}, when it exists.</li>
 * </ol>
 *
 * An entry is a folder (every {@code *.jar} directly in it, in name order) or a jar file. The jars are
 * put in one {@link URLClassLoader} whose parent is the command line's own loader; it becomes the
 * thread's context class loader for the command, so {@link java.util.ServiceLoader} (the plugin
 * registry, model sources, trainers) finds their providers beside the built-in ones. A plugin jar needs
 * only its own classes and its {@code META-INF/services} files; the SDK's classes come from the command
 * line. A named entry that does not exist, or a jar that cannot be read, is an argument error (exit 2)
 * naming the entry and where it came from; the default folder is skipped when absent.
 */
final class PluginPath {
    /** The environment variable of extra plugin folders or jars. */
    static final String ENV = "DIFFUSION4J_PLUGIN_PATH";
    /** The command-line option. */
    static final String OPTION = "--plugin-path";

    /** The plugin path of the command now running (for {@code plugins}); empty outside a command. */
    private static final ThreadLocal<PluginPath> CURRENT = ThreadLocal.withInitial(() -> new PluginPath(List.of()));

    /**
     * One entry of the plugin path.
     *
     * @param path   the folder or jar
     * @param source where it was given: {@code --plugin-path}, {@value #ENV} or {@code default}
     * @param jars   the jars it contributes (none for an absent default folder)
     * @param note   what the listing says beside it ({@code 2 jars}, {@code absent})
     */
    record Entry(Path path, String source, List<Path> jars, String note) {
        Entry {
            jars = List.copyOf(jars);
        }
    }

    private final List<Entry> entries;

    private PluginPath(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The plugin path of the given option values, environment value and home folder. */
    static PluginPath resolve(List<Path> options, @Nullable String env, Path home) {
        List<Entry> entries = new ArrayList<>();
        for (Path p : options) {
            entries.add(entry(p, OPTION, true));
        }
        if (env != null) {
            for (String s : env.split(java.util.regex.Pattern.quote(File.pathSeparator))) {
                if (!s.isBlank()) {
                    entries.add(entry(Path.of(s.trim()), ENV, true));
                }
            }
        }
        entries.add(entry(defaultFolder(home), "default", false));
        return new PluginPath(entries);
    }

    /** {@code ~/.diffusion4j/plugins}. */
    static Path defaultFolder(Path home) {
        return home.resolve(".diffusion4j").resolve("plugins");
    }

    private static Entry entry(Path p, String source, boolean required) {
        String where = source.equals("default") ? "the default plugin folder " + p : source + " " + p;
        if (Files.isDirectory(p)) {
            List<Path> jars;
            try (Stream<Path> s = Files.list(p)) {
                jars = s.filter(f -> f.getFileName()
                                        .toString()
                                        .toLowerCase(Locale.ROOT)
                                        .endsWith(".jar")
                                && Files.isRegularFile(f))
                        .sorted()
                        .toList();
            } catch (IOException e) {
                throw new IllegalArgumentException(where + ": cannot list the folder (" + e.getMessage() + ")", e);
            }
            jars.forEach(j -> checkJar(j, where));
            return new Entry(p, source, jars, jars.size() == 1 ? "1 jar" : jars.size() + " jars");
        }
        if (Files.isRegularFile(p)) {
            if (!p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar")) {
                throw new IllegalArgumentException(where + ": not a folder and not a .jar file");
            }
            checkJar(p, where);
            return new Entry(p, source, List.of(p), "jar");
        }
        if (required) {
            throw new IllegalArgumentException(where + ": no such folder or jar");
        }
        return new Entry(p, source, List.of(), "absent");
    }

    /** A jar that cannot be opened fails here, naming it, rather than later inside ServiceLoader. */
    private static void checkJar(Path jar, String where) {
        try (JarFile ignored = new JarFile(jar.toFile())) {
            // readable
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot read the jar " + jar + " (" + e.getMessage() + ")", e);
        }
    }

    List<Entry> entries() {
        return entries;
    }

    /** Every jar of the path, in search order. */
    List<Path> jars() {
        return entries.stream().flatMap(e -> e.jars().stream()).toList();
    }

    /** A loader of the path's jars below {@code parent}, or empty when the path has none. */
    Optional<URLClassLoader> loader(ClassLoader parent) {
        List<Path> jars = jars();
        if (jars.isEmpty()) {
            return Optional.empty();
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toAbsolutePath().toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("plugin jar " + jars.get(i) + ": " + e.getMessage(), e);
            }
        }
        return Optional.of(new URLClassLoader("diffusion4j-plugins", urls, parent));
    }

    /**
     * Wraps the command's execution: resolves the plugin path from the parse result, the environment
     * and the home folder, and runs the command with the plugin loader as context class loader.
     */
    static CommandLine.IExecutionStrategy around(CommandLine.IExecutionStrategy inner) {
        return parseResult -> {
            List<Path> options = new ArrayList<>();
            for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
                List<Path> given = r.matchedOptionValue(OPTION, List.<Path>of());
                options.addAll(given);
            }
            PluginPath path;
            try {
                path = resolve(options, System.getenv(ENV), Path.of(System.getProperty("user.home")));
            } catch (IllegalArgumentException e) {
                List<CommandLine> commands = parseResult.asCommandLineList();
                throw new CommandLine.ParameterException(commands.get(commands.size() - 1), e.getMessage(), e);
            }
            Thread t = Thread.currentThread();
            ClassLoader prior = t.getContextClassLoader();
            Optional<URLClassLoader> loader = path.loader(prior != null ? prior : PluginPath.class.getClassLoader());
            PluginPath priorPath = CURRENT.get();
            CURRENT.set(path);
            loader.ifPresent(t::setContextClassLoader);
            try {
                return inner.execute(parseResult);
            } finally {
                t.setContextClassLoader(prior);
                CURRENT.set(priorPath);
                loader.ifPresent(PluginPath::close);
            }
        };
    }

    private static void close(URLClassLoader l) {
        try {
            l.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plugin path of the command now running on this thread. */
    static PluginPath current() {
        return CURRENT.get();
    }

    /** Where a provider class was loaded from: its plugin-path jar, else {@code built-in} or its class-path location. */
    String origin(Class<?> type, Optional<URL> location) {
        Optional<Path> file = location.flatMap(PluginPath::toPath);
        if (file.isPresent()) {
            for (Path jar : jars()) {
                if (sameFile(jar, file.get())) {
                    return jar.toAbsolutePath().normalize().toString();
                }
            }
        }
        Optional<Path> own = Optional.ofNullable(
                        PluginPath.class.getProtectionDomain().getCodeSource())
                .map(cs -> cs.getLocation())
                .flatMap(PluginPath::toPath);
        if (file.isPresent()
                && own.isPresent()
                && own.get().toString().endsWith(".jar")
                && sameFile(own.get(), file.get())) {
            return "built-in";
        }
        return "class path: " + location.map(URL::toString).orElse("unknown location of " + type.getName());
    }

    private static boolean sameFile(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    private static Optional<Path> toPath(URL u) {
        try {
            return "file".equals(u.getProtocol()) ? Optional.of(Path.of(u.toURI())) : Optional.empty();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The listing of {@code plugins}: the plugin path's entries, then the origin of every provider. */
    String describe(PluginRegistry registry) {
        StringBuilder sb =
                new StringBuilder("plugin path (" + OPTION + ", " + ENV + ", then ~/.diffusion4j/plugins):\n");
        for (Entry e : entries) {
            sb.append(String.format(Locale.ROOT, "  %-24s %s  (%s)%n", e.source(), e.path(), e.note()));
        }
        sb.append("plugin origins:\n");
        for (PluginKind<?> k : registry.kinds()) {
            for (PluginDescriptor<?> p : registry.providers(k)) {
                line(sb, k.label(), p.id(), origin(p.getClass(), p.location()));
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String kind, String id, String origin) {
        sb.append(String.format(Locale.ROOT, "  %-13s %-20s %s%n", kind, id, origin));
    }

    /** The {@code --plugin-path} option, mixed into the top command and inherited by every subcommand. */
    static final class Option {
        @CommandLine.Option(
                names = OPTION,
                paramLabel = "DIR",
                scope = CommandLine.ScopeType.INHERIT,
                description = {
                    "a folder of plugin jars (or one jar) to load beside the built-in plugins; repeatable.",
                    "Also searched: $" + ENV + " (a path list) and ~/.diffusion4j/plugins."
                })
        @Nullable
        List<Path> pluginPath;
    }
}
