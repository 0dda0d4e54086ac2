package org.diffusion4j.cli;

import java.util.concurrent.Callable;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.ModelSources;
import org.diffusion4j.pipeline.SchemaGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code schema}: the JSON Schema of sampling documents for the plugins on the class path. */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of sampling documents, including the plugins found on the class path.")
final class SchemaCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(Json.write(SchemaGenerator.sampleSchema(PluginRegistry.load(), ModelSources.load())));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
