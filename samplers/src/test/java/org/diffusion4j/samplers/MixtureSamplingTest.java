package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.GaussianMixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With the exact score of a 2-D Gaussian mixture, every sampler must reproduce the mixture's mean,
 * covariance and component weights within sampling error. Tolerances are derived from the sample size:
 * 4.5 standard errors of each estimator (a false failure has probability ~1e-5 per quantity), plus a
 * small allowance for discretisation (DDIM with 50 steps).
 */
class MixtureSamplingTest {
    private static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();
    private static final int N = 3000;

    static Stream<Arguments> samplers() {
        return Stream.of(
                Arguments.of("ddpm 1000 steps, posterior variance", Samplers.ddpm(), Schedules.linear(1000), 0.02),
                Arguments.of("ddpm 1000 steps, beta variance", Samplers.ddpm(0, Ddpm.Variance.BETA), Schedules.linear(1000), 0.02),
                Arguments.of("ddim 50 steps, eta 0", Samplers.ddim(50), Schedules.linear(1000), 0.05),
                Arguments.of("ddim 50 steps, eta 1", Samplers.ddim(50, 1), Schedules.linear(1000), 0.05),
                Arguments.of("ddim 50 steps, cosine schedule", Samplers.ddim(50), Schedules.cosine(1000), 0.05),
                Arguments.of("ancestral 200 steps, v 0.3, cosine log-SNR", Samplers.ancestral(200, 0.3), Schedules.cosineLogSnr(), 0.05));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void reproducesMixtureMomentsAndWeights(String name, Sampler sampler, Schedule schedule, double discretisation) {
        Tensor x = sampler.sample(SampleRequest.builder()
                .predictor(MIX.epsilonPredictor())
                .schedule(schedule)
                .conditions(Conditions.unconditional(N))
                .sampleShape(2)
                .seed(1234)
                .build());
        assertThat(x.shape().dims()).containsExactly(N, 2);
        assertMatchesMixture(x, discretisation);
    }

    static void assertMatchesMixture(Tensor x, double discretisation) {
        GaussianMixture.Moments m = GaussianMixture.moments(x);
        double[] mu = MIX.dataMean();
        double[][] cov = MIX.dataCovariance();
        for (int j = 0; j < 2; j++) {
            double se = Math.sqrt(cov[j][j] / N);
            assertThat(m.mean()[j]).as("mean[%d]", j).isCloseTo(mu[j], org.assertj.core.data.Offset.offset(4.5 * se + discretisation));
        }
        for (int p = 0; p < 2; p++) {
            for (int q = 0; q < 2; q++) {
                // standard error of a sample covariance, bounded with the 4th moment of a mixture this spread:
                // sqrt((σ_pp σ_qq + σ_pq²)·κ / n) with a kurtosis allowance κ = 2
                double se = Math.sqrt((cov[p][p] * cov[q][q] + cov[p][q] * cov[p][q]) * 2 / N);
                assertThat(m.covariance()[p][q]).as("cov[%d][%d]", p, q)
                        .isCloseTo(cov[p][q], org.assertj.core.data.Offset.offset(4.5 * se + 2 * discretisation));
            }
        }
        int[] counts = new int[MIX.components()];
        List<double[]> rows = GaussianMixture.rows(x);
        for (double[] r : rows) {
            counts[MIX.classify(r)]++;
        }
        for (int k = 0; k < counts.length; k++) {
            double pi = MIX.weight(k);
            double se = Math.sqrt(pi * (1 - pi) / N);
            assertThat((double) counts[k] / N).as("weight of component %d", k)
                    .isCloseTo(pi, org.assertj.core.data.Offset.offset(4.5 * se + discretisation / 5));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void conditionalSamplingStaysInTheRequestedComponent(String name, Sampler sampler, Schedule schedule, double discretisation) {
        int n = 300;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        NoisePredictor p = MIX.epsilonPredictor();
        Tensor x = sampler.sample(SampleRequest.builder().predictor(p).schedule(schedule)
                .conditions(Conditions.labels(labels)).sampleShape(2).seed(99).build());
        List<double[]> rows = GaussianMixture.rows(x);
        for (int k = 0; k < 3; k++) {
            double[] mean = new double[2];
            int c = 0;
            for (int i = k; i < n; i += 3) {
                assertThat(MIX.classify(rows.get(i))).as("sample %d of class %d", i, k).isEqualTo(k);
                mean[0] += rows.get(i)[0];
                mean[1] += rows.get(i)[1];
                c++;
            }
            double se = MIX.std(k) / Math.sqrt(c);
            assertThat(mean[0] / c).isCloseTo(MIX.mean(k)[0], org.assertj.core.data.Offset.offset(4.5 * se + discretisation));
            assertThat(mean[1] / c).isCloseTo(MIX.mean(k)[1], org.assertj.core.data.Offset.offset(4.5 * se + discretisation));
        }
    }
}
