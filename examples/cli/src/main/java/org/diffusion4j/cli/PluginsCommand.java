package org.diffusion4j.cli;

import java.util.concurrent.Callable;
import org.diffusion4j.pipeline.PipelineOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code plugins}: every discovered provider by kind, with id, version, rank and jar. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every plugin on the class path: kind, id, version, rank, capabilities and jar.")
final class PluginsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        out.print(PipelineOptions.defaults().registry().describe());
        out.flush();
        return Main.OK;
    }
}
