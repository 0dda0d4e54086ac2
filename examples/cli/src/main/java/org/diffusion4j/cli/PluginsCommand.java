package org.diffusion4j.cli;

import java.util.concurrent.Callable;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.pipeline.PipelineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code plugins}: every discovered provider by kind, with id, version, rank and jar. */
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        description = {
            "List every plugin: kind, id, version, rank, capabilities and jar;",
            "then the plugin path and where each plugin came from (a plugin-path jar or built-in)."
        })
final class PluginsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        PluginRegistry registry = PipelineOptions.defaults().registry();
        out.print(registry.describe());
        out.print(PluginPath.current().describe(registry));
        out.flush();
        return Main.OK;
    }
}
