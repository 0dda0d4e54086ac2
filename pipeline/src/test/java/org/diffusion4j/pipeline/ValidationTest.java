package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every kind of bad document fails with the JSON pointer of the problem, what is wrong and what is allowed. */
class ValidationTest {
    static final String VALID = """
            {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "linear"},
             "sampler": {"type": "ddim", "steps": 10, "eta": 0}, "guidance": {"type": "cfg", "guidanceScale": 3},
             "labels": [0, 1], "samplesPerLabel": 2}""";

    static List<ConfigProblem> problems(String json) {
        return SamplingPipeline.check(Json.parse(json, "test"), PipelineOptions.defaults());
    }

    static String with(String field, String value) {
        return VALID.replaceFirst("\"" + field + "\": [^}]*?(,|})", "\"" + field + "\": " + value + "$1");
    }

    static Stream<Arguments> badDocuments() {
        return Stream.of(
                // unknown fields, with did-you-mean and the allowed list
                Arguments.of(
                        "top-level typo",
                        VALID.replace("\"labels\"", "\"lables\""),
                        "/lables",
                        List.of("unknown field 'lables'", "did you mean 'labels'", "allowed fields:")),
                Arguments.of(
                        "plugin field typo",
                        VALID.replace("\"eta\"", "\"etaa\""),
                        "/sampler/etaa",
                        List.of("unknown field 'etaa'", "did you mean 'eta'", "allowed fields of sampler 'ddim'")),
                Arguments.of(
                        "model field typo",
                        VALID.replace(
                                "\"type\": \"gaussian-mixture\"", "\"type\": \"gaussian-mixture\", \"presett\": \"x\""),
                        "/model/presett",
                        List.of("did you mean 'preset'")),
                // wrong types
                Arguments.of(
                        "string for integer",
                        VALID.replace("\"steps\": 10", "\"steps\": \"ten\""),
                        "/sampler/steps",
                        List.of("expected an integer", "string \"ten\"")),
                Arguments.of(
                        "top-level wrong type",
                        VALID.replace("\"samplesPerLabel\": 2", "\"samplesPerLabel\": true"),
                        "/samplesPerLabel",
                        List.of("expected an integer in [1, 4096]", "boolean true")),
                Arguments.of(
                        "plugin not an object",
                        VALID.replace("{\"type\": \"cfg\", \"guidanceScale\": 3}", "\"cfg\""),
                        "/guidance",
                        List.of("expected a guidance object", "available guidances:")),
                // out of range
                Arguments.of(
                        "eta out of range",
                        VALID.replace("\"eta\": 0", "\"eta\": 2"),
                        "/sampler/eta",
                        List.of("eta must be in [0, 1]", "got 2")),
                Arguments.of(
                        "negative guidance scale",
                        VALID.replace("\"guidanceScale\": 3", "\"guidanceScale\": -2"),
                        "/guidance/guidanceScale",
                        List.of("must be finite and >= 0")),
                Arguments.of(
                        "label beyond the model's classes",
                        VALID.replace("[0, 1]", "[0, 7]"),
                        "/labels/1",
                        List.of("label 7 but the model has 3 classes", "allowed labels: 0..2")),
                Arguments.of(
                        "negative label", VALID.replace("[0, 1]", "[0, -1]"), "/labels/1", List.of("must be in [0,")),
                Arguments.of(
                        "bad enum value",
                        VALID.replace(
                                "{\"type\": \"linear\"}", "{\"type\": \"linear\", \"timestepSpacing\": \"trailling\"}"),
                        "/schedule/timestepSpacing",
                        List.of("unknown timestep spacing 'trailling'", "linspace, leading, trailing")),
                // unknown plugin names
                Arguments.of(
                        "unknown sampler",
                        VALID.replace("\"ddim\"", "\"ddmi\""),
                        "/sampler/type",
                        List.of("no sampler named 'ddmi'", "did you mean 'ddim'", "Available samplers:")),
                Arguments.of(
                        "unknown model source",
                        VALID.replace("\"gaussian-mixture\"", "\"gaussian-mixtur\""),
                        "/model/type",
                        List.of("no model source named 'gaussian-mixtur'", "did you mean 'gaussian-mixture'")),
                Arguments.of(
                        "missing type",
                        VALID.replace("{\"type\": \"linear\"}", "{\"numTrainTimesteps\": 10}"),
                        "/schedule/type",
                        List.of("missing required field 'type'", "available schedules:")),
                // structure
                Arguments.of(
                        "missing schedule",
                        VALID.replace("\"schedule\": {\"type\": \"linear\"},", ""),
                        "/schedule",
                        List.of("missing required field 'schedule'")),
                Arguments.of(
                        "bad sweep parameter",
                        VALID.replace(
                                "\"samplesPerLabel\": 2",
                                "\"samplesPerLabel\": 2, \"sweep\": {\"parameter\": \"/model/preset\", \"values\": [1]}"),
                        "/sweep/parameter",
                        List.of("cannot sweep '/model/preset'")),
                Arguments.of(
                        "sweep value out of range",
                        VALID.replace(
                                "\"samplesPerLabel\": 2",
                                "\"samplesPerLabel\": 2, \"sweep\": {\"parameter\": \"/sampler/eta\", \"values\": [0.5, 3]}"),
                        "/sampler/eta",
                        List.of("eta must be in [0, 1]", "(with /sampler/eta = 3)")),
                Arguments.of(
                        "nested guidance",
                        VALID.replace(
                                "{\"type\": \"cfg\", \"guidanceScale\": 3}",
                                "{\"type\": \"classifier\", \"scale\": 1, \"inner\": {\"type\": \"cfg\", \"guidanceScal\": 2}}"),
                        "/guidance/inner/guidanceScal",
                        List.of("did you mean 'guidanceScale'")),
                Arguments.of(
                        "device on the java backend",
                        VALID.replace("\"samplesPerLabel\": 2", "\"samplesPerLabel\": 2, \"device\": \"gpu\""),
                        "/device",
                        List.of("backend 'java' has no device setting")),
                Arguments.of(
                        "mean shift with ddim",
                        VALID.replace(
                                "{\"type\": \"cfg\", \"guidanceScale\": 3}",
                                "{\"type\": \"classifier\", \"placement\": \"mean_shift\"}"),
                        "/guidance",
                        List.of("cannot apply", "ddpm")),
                Arguments.of(
                        "model file missing",
                        VALID.replace(
                                "{\"type\": \"gaussian-mixture\"}",
                                "{\"type\": \"file\", \"file\": \"no-such.onnx\", \"sampleShape\": [1, 8, 8]}"),
                        "/model/file",
                        List.of("no such model file")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badDocuments")
    void badDocumentNamesPathProblemAndAllowedValues(String name, String json, String path, List<String> fragments) {
        List<ConfigProblem> ps = problems(json);
        assertThat(ps)
                .as("problems of %s", name)
                .extracting(ConfigProblem::path)
                .contains(path);
        ConfigProblem p =
                ps.stream().filter(x -> x.path().equals(path)).findFirst().orElseThrow();
        for (String f : fragments) {
            assertThat(p.message()).as("message at %s", path).contains(f);
        }
    }

    @Test
    void validDocumentHasNoProblems() {
        assertThat(problems(VALID)).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String json = VALID.replace("\"eta\": 0", "\"eta\": 5")
                .replace("\"labels\"", "\"lables\"")
                .replace("\"cfg\"", "\"cgf\"");
        assertThatThrownBy(() -> SamplingPipeline.fromJson(
                        Json.parse(json, "run.json"), PipelineOptions.defaults().withSource("run.json")))
                .isInstanceOf(PipelineConfigException.class)
                .satisfies(e -> assertThat(((PipelineConfigException) e).problems())
                        .extracting(ConfigProblem::path)
                        .contains("/lables", "/sampler/eta", "/guidance/type"))
                .hasMessageContaining("D4J-CONFIG: 3 problems in run.json");
    }

    @Test
    void syntaxErrorsGiveLineAndColumn() {
        assertThatThrownBy(() -> Json.parse("{\n \"model\": {,\n}", "broken.json"))
                .isInstanceOf(PipelineConfigException.class)
                .hasMessageContaining("broken.json")
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> Json.parse("{\"seed\": 1, \"seed\": 2}", "dup.json"))
                .hasMessageContaining("Duplicate field 'seed'");
    }
}
