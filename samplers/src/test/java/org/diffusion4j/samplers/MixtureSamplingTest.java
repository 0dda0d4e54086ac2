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
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * With the exact score of a 2-D Gaussian mixture, every sampler must reproduce the mixture's mean,
 * covariance and component weights within sampling error. Tolerances are derived from the sample size:
 * 4.5 standard errors of each estimator (a false failure has probability P(|N(0,1)| > 4.5) ≈ 6.8e-6 per
 * quantity for a random seed; the seeds are fixed, so the outcome is too), plus a discretisation term.
 * For conditional sampling (one Gaussian component) the discretisation term is exact: the sampler's chain is
 * affine there (see {@link #affineChain}). For unconditional sampling of the mixture it is NOT derived: the
 * discrete chain of a multimodal score has no closed form, and the per-sampler allowances (0.02 for the
 * 1000-step chains, 0.05 for 50 DDIM steps and 200 ancestral steps) are stated assumptions, kept as they were.
 */
class MixtureSamplingTest {
    private static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();
    private static final int N = 3000;

    static Stream<Arguments> samplers() {
        return Stream.of(
                Arguments.of("ddpm 1000 steps, posterior variance", Samplers.ddpm(), Schedules.linear(1000), 0.02),
                Arguments.of(
                        "ddpm 1000 steps, beta variance",
                        Samplers.ddpm(0, Ddpm.Variance.BETA),
                        Schedules.linear(1000),
                        0.02),
                Arguments.of("ddim 50 steps, eta 0", Samplers.ddim(50), Schedules.linear(1000), 0.05),
                Arguments.of("ddim 50 steps, eta 1", Samplers.ddim(50, 1), Schedules.linear(1000), 0.05),
                Arguments.of("ddim 50 steps, cosine schedule", Samplers.ddim(50), Schedules.cosine(1000), 0.05),
                Arguments.of(
                        "ancestral 200 steps, v 0.3, cosine log-SNR",
                        Samplers.ancestral(200, 0.3),
                        Schedules.cosineLogSnr(),
                        0.05));
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
            assertThat(m.mean()[j])
                    .as("mean[%d]", j)
                    .isCloseTo(mu[j], org.assertj.core.data.Offset.offset(4.5 * se + discretisation));
        }
        for (int p = 0; p < 2; p++) {
            for (int q = 0; q < 2; q++) {
                // standard error of a sample covariance from the mixture's exact fourth moments
                // (GaussianMixture.covarianceStandardError; the O(1/N) bias of the mean's estimation is ~1e-3 SE)
                double se = MIX.covarianceStandardError(p, q, N);
                assertThat(m.covariance()[p][q])
                        .as("cov[%d][%d]", p, q)
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
            assertThat((double) counts[k] / N)
                    .as("weight of component %d", k)
                    .isCloseTo(pi, org.assertj.core.data.Offset.offset(4.5 * se + discretisation / 5));
        }
    }

    /**
     * The chain of {@code sampler} for data N(μ, s² I) with the exact predictor is affine in y = x − α μ: every
     * step maps y to J y (+ noise of mean 0) with J = c_x + c_0 α s²/v, v = α² s² + σ², where c_x, c_0 are the
     * step's coefficients on x and on x̂0 = μ + α s²/v · y (DDIM: c_x = d/σ, c_0 = α_p − d α/σ with
     * d = √(σ_p² − σ_η²); DDPM and ancestral: the posterior mean's). Returns {G, Σ_k G_k}: the product of all J,
     * and the sum over steps of the product of the J's after each step (the gain of an error made at step k);
     * third, α_T of the plan's first level.
     */
    static double[] affineChain(Sampler sampler, Schedule schedule, double s) {
        int steps;
        double eta = -1; // < 0: the sampler's mean is the posterior mean
        if (sampler instanceof Ddpm d) {
            steps = d.steps() > 0 ? d.steps() : schedule.trainSteps().orElseThrow();
        } else if (sampler instanceof Ddim d) {
            steps = d.steps();
            eta = d.eta();
        } else {
            steps = ((LogSnrAncestral) sampler).steps();
        }
        List<org.diffusion4j.api.Step> plan = new java.util.ArrayList<>();
        schedule.plan(steps).forEach(plan::add);
        double[] j = new double[plan.size()];
        for (int k = 0; k < j.length; k++) {
            org.diffusion4j.api.Step st = plan.get(k);
            org.diffusion4j.api.Timestep t = st.current();
            org.diffusion4j.api.Timestep p = st.previous();
            double cx;
            double c0;
            if (eta < 0 || eta == 1) {
                org.diffusion4j.api.Posterior post = org.diffusion4j.api.Posterior.of(st);
                cx = post.xtCoefficient();
                c0 = post.x0Coefficient();
            } else {
                double sEta = Ddim.sigmaEta(st, eta);
                double d = Math.sqrt(Math.max(0, p.sigmaSquared() - sEta * sEta));
                cx = d / t.sigma();
                c0 = p.alpha() - d * t.alpha() / t.sigma();
            }
            j[k] = cx + c0 * t.alpha() * s * s / (t.alphaBar() * s * s + t.sigmaSquared());
        }
        double after = 1;
        double gainSum = 0;
        for (int k = j.length - 1; k >= 0; k--) {
            gainSum += after;
            after *= j[k];
        }
        return new double[] {after, gainSum, plan.get(0).current().alpha()};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void conditionalSamplingStaysInTheRequestedComponent(
            String name, Sampler sampler, Schedule schedule, double discretisation) {
        int n = 300;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        NoisePredictor p = MIX.epsilonPredictor();
        double[] magnitude = {0}; // M: the largest |state| or |x̂0| of the run (the listener does not change it)
        SampleRequest request = SampleRequest.builder()
                .predictor(p)
                .schedule(schedule)
                .conditions(Conditions.labels(labels))
                .sampleShape(2)
                .seed(99)
                .build();
        magnitude[0] = request.openNoise()
                .next(request.sampleShape(), request.tensors())
                .abs()
                .max();
        Tensor x = sampler.sample(
                request,
                e -> magnitude[0] = Math.max(
                        magnitude[0],
                        Math.max(
                                e.state().abs().max(), e.predictedSample().abs().max())));
        List<double[]> rows = GaussianMixture.rows(x);
        for (int k = 0; k < 3; k++) {
            double[] mean = new double[2];
            int c = 0;
            for (int i = k; i < n; i += 3) {
                // a true draw of component k is classified elsewhere with probability ≤ 6.1e-6 (its density
                // integrated over the other Bayes regions): ≤ 1.5e-3 for the 300 samples and a random seed
                assertThat(MIX.classify(rows.get(i)))
                        .as("sample %d of class %d", i, k)
                        .isEqualTo(k);
                mean[0] += rows.get(i)[0];
                mean[1] += rows.get(i)[1];
                c++;
            }
            // x_T ~ N(0, I) has y_T = −α_T μ on average, so the samples' mean is μ − G α_T μ exactly (in exact
            // arithmetic; the noise has mean 0): the bias G α_T |μ_j| is the sampler's discretisation and
            // initialisation error for this component, ×2 safety. Their spread is G ≤ s (J ≤ √(v_p/v)), so
            // 4.5 s/√c standard errors. Rounding: ≤ 32 u M per step and sample (three float32 linears), times
            // the gain of the rest of the chain.
            double[] chain = affineChain(sampler, schedule, MIX.std(k));
            double rounding = 32 * ErrorBound.U32 * magnitude[0] * chain[1];
            double se = MIX.std(k) / Math.sqrt(c);
            for (int d = 0; d < 2; d++) {
                double bias = chain[0] * chain[2] * Math.abs(MIX.mean(k)[d]);
                assertThat(mean[d] / c)
                        .as("class %d, mean[%d]", k, d)
                        .isCloseTo(
                                MIX.mean(k)[d],
                                org.assertj.core.data.Offset.offset(4.5 * se + 2 * bias + 2 * rounding));
            }
        }
    }
}
