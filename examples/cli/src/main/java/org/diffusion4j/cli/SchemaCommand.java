package org.diffusion4j.cli;

import java.util.concurrent.Callable;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SchemaGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code schema}: the JSON Schema of sampling (or training) documents for the plugins on the class path. */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "Print the JSON Schema of sampling documents, including the plugins found on the class path.")
final class SchemaCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--training", description = "the schema of training documents instead")
    boolean training;

    @Override
    public Integer call() {
        PipelineOptions o = PipelineOptions.defaults();
        spec.commandLine()
                .getOut()
                .print(Json.write(
                        training
                                ? SchemaGenerator.trainSchema(o.registry(), o.modelSources())
                                : SchemaGenerator.sampleSchema(o.registry(), o.modelSources())));
        spec.commandLine().getOut().flush();
        return Main.OK;
    }
}
