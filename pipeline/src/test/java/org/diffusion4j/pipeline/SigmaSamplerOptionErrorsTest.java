package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sampler options of issue 10's last additions refuse bad values in a document with the JSON path of the field and
 * the reason, before anything runs.
 */
class SigmaSamplerOptionErrorsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"type\": \"pndm\", \"warmUp\": \"rk45\"}|/sampler/warmUp|'rk45'",
                "{\"type\": \"pndm\", \"warmUp\": \"runge_kutta\", \"steps\": 3}|/sampler/warmUp|steps >= 4",
                "{\"type\": \"unipc\", \"solverOrder\": 4}|/sampler/solverOrder|[1, 3]",
                "{\"type\": \"unipc\", \"solverType\": \"bh3\"}|/sampler/solverType|'bh3'",
                "{\"type\": \"unipc\", \"disableCorrector\": [-1]}|/sampler/disableCorrector|>= 0",
                "{\"type\": \"dpmpp_2m\", \"solverOrder\": 0}|/sampler/solverOrder|[1, 3]",
                "{\"type\": \"dpmpp_2m\", \"sampleMaxValue\": 2}|/sampler/sampleMaxValue|thresholding: true",
                "{\"type\": \"ddpm\", \"variance\": \"fixed_large_log\"}|/sampler/variance|learned_range",
                "{\"type\": \"euler\", \"spacing\": \"betas\"}|/sampler/spacing|beta"
            })
    void aBadValueIsReportedAtItsPath(String sampler, String path, String reason) {
        String doc = "{\"model\": {\"type\": \"gaussian-mixture\"}, \"schedule\": {\"type\": \"linear\"}, \"sampler\": "
                + sampler + "}";
        List<ConfigProblem> ps = SamplingPipeline.check(Json.parse(doc, "t"), PipelineOptions.defaults());
        assertThat(ps).extracting(ConfigProblem::path).contains(path);
        assertThat(ps.stream()
                        .filter(p -> p.path().equals(path))
                        .findFirst()
                        .orElseThrow()
                        .message())
                .contains(reason);
    }
}
