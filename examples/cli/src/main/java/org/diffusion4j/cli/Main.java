package org.diffusion4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CancellationException;
import org.diffusion4j.api.SamplingCancelledException;
import org.diffusion4j.pipeline.PipelineConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code diffusion4j} command. Exit codes: 0 success, 2 bad configuration or arguments (with the
 * JSON path of every problem), 1 runtime failure, 130 cancelled by Ctrl-C (143 by SIGTERM; see
 * {@link Interrupts}).
 */
@Command(
        name = "diffusion4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Gaussian denoising diffusion on the JVM: sample and train from JSON run documents.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:runtime failure",
            "2:bad document or arguments (with the JSON path of every problem)",
            "130:cancelled by Ctrl-C (143 by SIGTERM) at the run's next step: one line 'cancelled: ...', only complete files left"
        },
        subcommands = {
            SampleCommand.class,
            TrainCommand.class,
            ValidateCommand.class,
            EvaluateCommand.class,
            PluginsCommand.class,
            SchemaCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    /** Success. */
    public static final int OK = 0;
    /** A runtime failure. */
    public static final int FAILURE = 1;
    /** A bad configuration document or bad arguments. */
    public static final int BAD_CONFIG = 2;
    /** A run cancelled by Ctrl-C (SIGINT); 143 for SIGTERM. */
    public static final int CANCELLED = Interrupts.CANCELLED;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    PluginPath.Option pluginPath = new PluginPath.Option();

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        Interrupts.install();
        Logging.defaults();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            c.getErr().println("see '" + c.getCommandSpec().qualifiedName() + " --help'");
            return BAD_CONFIG;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof PipelineConfigException pce) {
                c.getErr().println(pce.getMessage());
                return BAD_CONFIG;
            }
            if (ex instanceof SamplingCancelledException || ex instanceof CancellationException) {
                // the commands stop only at a signal; their messages say which files the run left
                c.getErr().println("cancelled: " + ex.getMessage());
                return Interrupts.exitCode();
            }
            c.getErr()
                    .println("error: "
                            + (ex.getMessage() == null || ex.getMessage().isBlank() ? ex.toString() : ex.getMessage()));
            if (Boolean.getBoolean("diffusion4j.stacktrace")) {
                ex.printStackTrace(c.getErr());
            } else {
                c.getErr().println("(run with -Ddiffusion4j.stacktrace=true for the stack trace)");
            }
            return FAILURE;
        });
        cl.setExecutionStrategy(PluginPath.around(new CommandLine.RunLast())); // plugin jars of --plugin-path & co.
        return cl.execute(args);
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "diffusion4j " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
            };
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
