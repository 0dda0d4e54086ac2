package org.diffusion4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.diffusion4j.cli.CliTest.Run;
import org.diffusion4j.pipeline.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugin jars from the plugin path ({@code --plugin-path}, {@code DIFFUSION4J_PLUGIN_PATH},
 * {@code ~/.diffusion4j/plugins}): a provider compiled here, outside the build's class path, is listed
 * with its jar and used by {@code sample}.
 */
class PluginPathTest {
    @TempDir
    static Path plugins;

    static Path jarDdim;

    /**
     * A sampler plugin as a third party writes it: a provider class, its META-INF/services line and an
     * Implementation-Version in the manifest. Sampler {@code id} is DDIM with the configured steps.
     */
    static Path pluginJar(Path dir, String id, String version) throws IOException {
        // a package of its own: a package's Implementation-Version is that of the first jar defining it
        String pkg = "org.example." + id.replace("-", "");
        String cls = "Provider";
        Path src = Files.createDirectories(dir.resolve("src-" + id).resolve(pkg.replace('.', '/')));
        Files.writeString(src.resolve(cls + ".java"), """
                package %3$s;

                import org.diffusion4j.api.Sampler;
                import org.diffusion4j.api.spi.PluginContext;
                import org.diffusion4j.api.spi.SamplerProvider;

                public final class %1$s implements SamplerProvider<%1$s.Config> {
                    public record Config(int steps) {
                    }

                    @Override
                    public String id() {
                        return "%2$s";
                    }

                    @Override
                    public Class<Config> configType() {
                        return Config.class;
                    }

                    @Override
                    public Config defaultConfig() {
                        return new Config(10);
                    }

                    @Override
                    public Sampler create(Config c, PluginContext context) {
                        return org.diffusion4j.samplers.Samplers.ddim(c.steps());
                    }
                }
                """.formatted(cls, id, pkg));
        Path classes = Files.createDirectories(dir.resolve("classes-" + id));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(
                null,
                null,
                null,
                "--release",
                "17",
                "-proc:none",
                "-cp",
                CliProcessTest.classPath(),
                "-d",
                classes.toString(),
                src.resolve(cls + ".java").toString());
        assertThat(rc).as("javac of the test plugin").isZero();
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        Path jar = dir.resolve(id + "-plugin.jar");
        try (OutputStream os = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(os, mf)) {
            String entry = pkg.replace('.', '/') + "/";
            try (var files = Files.list(classes.resolve(entry))) {
                for (Path f : files.sorted().toList()) {
                    j.putNextEntry(new JarEntry(entry + f.getFileName()));
                    j.write(Files.readAllBytes(f));
                    j.closeEntry();
                }
            }
            j.putNextEntry(new JarEntry("META-INF/services/org.diffusion4j.api.spi.SamplerProvider"));
            j.write((pkg + "." + cls + "\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return jar;
    }

    @BeforeAll
    static void build() throws IOException {
        Path lib = Files.createDirectories(plugins.resolve("lib"));
        jarDdim = pluginJar(plugins, "jar-ddim", "7.7.7");
        Files.move(jarDdim, lib.resolve(jarDdim.getFileName()));
        jarDdim = lib.resolve(jarDdim.getFileName());
    }

    static String doc(String sampler) {
        return """
                {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "linear"},
                 "sampler": %s, "labels": [0, 1], "samplesPerLabel": 3, "seed": 11,
                 "output": {"name": "mix"}}""".formatted(sampler);
    }

    @Test
    void aJarInThePluginPathIsListedWithItsVersionAndOrigin() {
        Run r = CliTest.run("--plugin-path", jarDdim.getParent().toString(), "plugins");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("jar-ddim +7\\.7\\.7 +rank 0 +\\S*jar-ddim-plugin\\.jar");
        assertThat(r.out()).contains("--plugin-path", jarDdim.getParent() + "  (1 jar)");
        assertThat(r.out())
                .containsPattern("sampler +jar-ddim +"
                        + java.util.regex.Pattern.quote(jarDdim.toAbsolutePath().toString()));
        // a provider of the build's own class path is not attributed to the plugin path
        assertThat(r.out()).containsPattern("sampler +ddim +class path: ");
    }

    @Test
    void withoutThePluginPathTheSamplerIsUnknown(@TempDir Path dir) throws IOException {
        Path cfg = CliTest.write(dir, "run.json", doc("{\"type\": \"jar-ddim\", \"steps\": 10}"));
        Run r = CliTest.run(
                "sample",
                "--config",
                cfg.toString(),
                "--out",
                dir.resolve("out").toString(),
                "-q");
        assertThat(r.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r.err()).contains("D4J-PLUGIN-UNKNOWN", "jar-ddim");
    }

    /** The plugin's sampler is DDIM: the same document with the built-in ddim gives the same samples. */
    @Test
    void sampleUsesThePluginFromTheJar(@TempDir Path dir) throws IOException {
        Path viaJar = CliTest.write(dir, "jar.json", doc("{\"type\": \"jar-ddim\", \"steps\": 10}"));
        Path builtIn = CliTest.write(dir, "ddim.json", doc("{\"type\": \"ddim\", \"steps\": 10}"));
        // the option before and after the command
        Run a = CliTest.run(
                "--plugin-path",
                jarDdim.getParent().toString(),
                "sample",
                "--config",
                viaJar.toString(),
                "--out",
                dir.resolve("a").toString(),
                "-q");
        assertThat(a.code()).as(a.err()).isZero();
        Run a2 = CliTest.run(
                "sample",
                "--plugin-path",
                jarDdim.toString(),
                "--config",
                viaJar.toString(),
                "--out",
                dir.resolve("a2").toString(),
                "-q");
        assertThat(a2.code()).as(a2.err()).isZero();
        Run b = CliTest.run(
                "sample",
                "--config",
                builtIn.toString(),
                "--out",
                dir.resolve("b").toString(),
                "-q");
        assertThat(b.code()).as(b.err()).isZero();
        var report = Json.read(dir.resolve("a/mix-report.json"));
        assertThat(report.at("/sets/0/resolvedConfig/sampler/type").asText()).isEqualTo("jar-ddim");
        assertThat(report.at("/versions").toString()).contains("sampler:jar-ddim");
        // deterministic DDIM (η = 0) on the same seed, schedule and model: the same update, so the same floats
        String csv = Files.readString(dir.resolve("b/mix.csv"));
        assertThat(Files.readString(dir.resolve("a/mix.csv"))).isEqualTo(csv);
        assertThat(Files.readString(dir.resolve("a2/mix.csv"))).isEqualTo(csv);
    }

    @Test
    void aMissingEntryIsAnArgumentError(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-folder");
        Run r = CliTest.run("--plugin-path", missing.toString(), "plugins");
        assertThat(r.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r.err().lines().findFirst().orElse(""))
                .isEqualTo("error: --plugin-path " + missing + ": no such folder or jar");
    }

    @Test
    void anUnreadableJarIsNamed(@TempDir Path dir) throws IOException {
        Path bad = Files.writeString(dir.resolve("broken.jar"), "not a zip");
        Run r = CliTest.run("--plugin-path", dir.toString(), "plugins");
        assertThat(r.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r.err()).contains("--plugin-path " + dir + ": cannot read the jar " + bad);
    }

    @Test
    void resolveOrdersOptionThenEnvironmentThenDefault(@TempDir Path dir) throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.copy(jarDdim, a.resolve("x.jar"));
        Files.copy(jarDdim, b.resolve("y.jar"));
        Files.writeString(b.resolve("notes.txt"), "not a jar: ignored in a folder");
        Path home = dir.resolve("home");
        Path defaults = Files.createDirectories(PluginPath.defaultFolder(home));
        Files.copy(jarDdim, defaults.resolve("z.jar"));
        String env = b + File.pathSeparator + File.pathSeparator + jarDdim; // an empty entry is skipped
        PluginPath p = PluginPath.resolve(List.of(a), env, home);
        assertThat(p.entries())
                .extracting(PluginPath.Entry::source)
                .containsExactly("--plugin-path", "DIFFUSION4J_PLUGIN_PATH", "DIFFUSION4J_PLUGIN_PATH", "default");
        assertThat(p.jars())
                .containsExactly(a.resolve("x.jar"), b.resolve("y.jar"), jarDdim, defaults.resolve("z.jar"));
        // an absent default folder is skipped; an absent named entry is not
        PluginPath none = PluginPath.resolve(List.of(), null, dir.resolve("nobody"));
        assertThat(none.jars()).isEmpty();
        assertThat(none.entries())
                .singleElement()
                .extracting(PluginPath.Entry::note)
                .isEqualTo("absent");
        assertThatThrownBy(
                        () -> PluginPath.resolve(List.of(), dir.resolve("gone").toString(), home))
                .hasMessage("DIFFUSION4J_PLUGIN_PATH " + dir.resolve("gone") + ": no such folder or jar");
        assertThatThrownBy(() -> PluginPath.resolve(List.of(b.resolve("notes.txt")), null, home))
                .hasMessageContaining("not a folder and not a .jar file");
    }

    /**
     * As a user runs it: a separate JVM with {@code DIFFUSION4J_PLUGIN_PATH} set and a home folder whose
     * {@code ~/.diffusion4j/plugins} holds a second plugin; both are listed with their jars.
     */
    @Test
    void environmentAndDefaultFolderInAProcess(@TempDir Path dir) throws Exception {
        Path home = dir.resolve("home");
        Path defaults = Files.createDirectories(PluginPath.defaultFolder(home));
        Path second = pluginJar(dir, "home-ddim", "1.2.3");
        Files.move(second, defaults.resolve(second.getFileName()));
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-Duser.home=" + home,
                "-cp",
                CliProcessTest.classPath(),
                Main.class.getName(),
                "plugins");
        pb.environment().put(PluginPath.ENV, jarDdim.getParent().toString());
        pb.redirectErrorStream(true);
        Process proc = pb.start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(proc.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(proc.exitValue()).as(out).isZero();
        assertThat(out)
                .containsPattern("jar-ddim +7\\.7\\.7 ")
                .containsPattern("home-ddim +1\\.2\\.3 ")
                .containsPattern("sampler +jar-ddim +"
                        + java.util.regex.Pattern.quote(jarDdim.toAbsolutePath().toString()))
                .containsPattern("sampler +home-ddim +"
                        + java.util.regex.Pattern.quote(defaults.resolve("home-ddim-plugin.jar")
                                .toAbsolutePath()
                                .toString()))
                .contains("DIFFUSION4J_PLUGIN_PATH  " + jarDdim.getParent() + "  (1 jar)");
    }
}
