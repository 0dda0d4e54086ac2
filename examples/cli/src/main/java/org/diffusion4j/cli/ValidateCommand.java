package org.diffusion4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.diffusion4j.pipeline.ConfigProblem;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineConfigException;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.diffusion4j.pipeline.TrainingPipeline;
import org.diffusion4j.pipeline.Validation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code validate}: checks a sampling or training document without running it. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Check a sampling or training document: every problem with its JSON path, nothing is run.",
            "Exit code 0 when valid, 2 when not."
        })
final class ValidateCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            required = true,
            paramLabel = "FILE",
            description = "the run document (JSON)")
    @SuppressWarnings("NullAway.Init") // required = true: picocli sets it before call()
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        InputFiles.requireFile(spec.commandLine(), "--config", config, false);
        JsonNode doc = Json.read(config);
        PipelineOptions o = PipelineOptions.defaults()
                .withBaseDirectory(InputFiles.folderOf(spec.commandLine(), "--config", config))
                .withSource(config.toString());
        boolean train = TrainingPipeline.isTrainingDocument(doc);
        Validation v = train ? TrainingPipeline.validate(doc, o) : SamplingPipeline.validate(doc, o);
        for (ConfigProblem w : v.warnings()) {
            spec.commandLine().getErr().println("warning: " + config + ": " + w);
        }
        if (!v.valid()) {
            throw new PipelineConfigException(config.toString(), v.problems());
        }
        spec.commandLine().getOut().println(config + ": valid " + (train ? "training" : "sampling") + " document");
        return Main.OK;
    }
}
