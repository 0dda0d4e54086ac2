package org.diffusion4j.samplers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.Guided;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.SamplingCancelledException;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.schedules.DiscreteSchedule;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SamplerPropertiesTest {
    private static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();
    private static final DiscreteSchedule LINEAR = Schedules.linear(1000);

    private static SampleRequest.Builder request(int n, long seed) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return SampleRequest.builder()
                .predictor(MIX.epsilonPredictor())
                .schedule(LINEAR)
                .conditions(Conditions.labels(labels))
                .sampleShape(2)
                .seed(seed);
    }

    /*
     * Tolerances of the cross-checks below: per-step rounding × the chain's gain × the magnitude, ×2 safety.
     * Every request is conditional, so each sample follows one Gaussian component N(μ_k, s_k² I) (s_k ≤ 0.5)
     * whose exact predictor is affine in x, coordinate by coordinate. With v = α² s² + σ², a step's Jacobian is
     * (α_p α s² + d σ)/v with d ≤ σ_p (any η), which is ≤ √(v_p/v) by Cauchy–Schwarz (s ≤ 1); so a rounding error
     * made in the state at level p reaches the sample multiplied by at most s/√v_p (ODE bound). For the
     * posterior-mean samplers (DDPM, DDIM η = 1, ancestral, which share the mean) the Jacobian is √α_s v_p/v
     * exactly, and the product telescopes to α_p s²/v_p. Both gains are ≤ 1 and largest for the largest s.
     * The per-step rounding is counted in units of u·M (u = 2^-24, M = the largest |state| or |x̂0| of the run,
     * measured, and σ|ε̂| ≤ |x| + α|x̂0| ≤ 2M): see each test.
     */
    private static final double S_MAX = 0.5;

    /** Σ over the plan's steps of the gain from the step's output level to the sample (see above). */
    private static double chainGain(int steps, boolean posteriorMean) {
        double g = 0;
        for (Step st : LINEAR.plan(steps)) {
            org.diffusion4j.api.Timestep p = st.previous();
            double v = p.alphaBar() * S_MAX * S_MAX + p.sigmaSquared();
            g += posteriorMean ? p.alpha() * S_MAX * S_MAX / v : S_MAX / Math.sqrt(v);
        }
        return g;
    }

    /** M: the largest |·| of the initial state, every state and every predicted x̂0 of the run. */
    private static double magnitude(Sampler s, SampleRequest r) {
        double[] m = {r.openNoise().next(r.sampleShape(), r.tensors()).abs().max()};
        s.sample(
                r,
                e -> m[0] = Math.max(
                        m[0],
                        Math.max(
                                e.state().abs().max(), e.predictedSample().abs().max())));
        return m[0];
    }

    private static List<Sampler> allSamplers() {
        return List.of(Samplers.ddpm(100), Samplers.ddim(20), Samplers.ddim(20, 0.7), Samplers.ancestral(30, 0.3));
    }

    @Test
    void sameSeedSameOutputDifferentSeedDifferentOutput() {
        for (Sampler s : allSamplers()) {
            Tensor a = s.sample(request(16, 7).build());
            Tensor b = s.sample(request(16, 7).build());
            Tensor c = s.sample(request(16, 8).build());
            assertThat(a.toFloatArray()).as(s.toString()).containsExactly(b.toFloatArray());
            if (!(s instanceof Ddim d && d.eta() == 0)) {
                assertThat(a.toFloatArray()).as(s.toString()).isNotEqualTo(c.toFloatArray());
            }
        }
    }

    @Test
    void sampleIDoesNotDependOnTheBatchSize() {
        for (Sampler s : allSamplers()) {
            Tensor big = s.sample(request(12, 5).build());
            Tensor small = s.sample(request(4, 5).build());
            assertThat(big.slice(0, 4).toFloatArray()).as(s.toString()).containsExactly(small.toFloatArray());
        }
    }

    @Test
    void perSampleSeedsGiveEachSampleItsOwnStream() {
        Sampler s = Samplers.ddim(10, 1);
        Tensor both = s.sample(request(2, 0).sampleSeeds(11, 22).build());
        Tensor second = s.sample(SampleRequest.builder()
                .predictor(MIX.epsilonPredictor())
                .schedule(LINEAR)
                .conditions(Conditions.labels(1))
                .sampleShape(2)
                .sampleSeeds(22)
                .build());
        assertThat(both.slice(1, 2).toFloatArray()).containsExactly(second.toFloatArray());
    }

    @Test
    void threadsSharingOneSamplerScheduleAndPredictorGetTheSequentialResults() throws Exception {
        List<Sampler> samplers = allSamplers();
        List<float[]> sequential = new ArrayList<>();
        for (int seed = 0; seed < 8; seed++) {
            sequential.add(samplers.get(seed % samplers.size())
                    .sample(request(6, seed).build())
                    .toFloatArray());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int seed = 0; seed < 8; seed++) {
                int sd = seed;
                futures.add(pool.submit(() -> samplers.get(sd % samplers.size())
                        .sample(request(6, sd).build())
                        .toFloatArray()));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(futures.get(i).get()).containsExactly(sequential.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = PredictionType.class,
            names = {"SAMPLE", "V"})
    void x0AndVPredictorsGiveTheSameSamplesAsTheEpsilonPredictor(PredictionType type) {
        for (Sampler s : allSamplers()) {
            float[] eps = s.sample(request(30, 3).build()).toFloatArray();
            float[] other = s.sample(
                            request(30, 3).predictor(MIX.predictor(type)).build())
                    .toFloatArray();
            // per step and run ≤ 3 float32 linears (x̂0, mean, noise; DDIM fuses them into 1), each γ_4 of terms
            // summing to ≤ 2.7M (coefficients ≤ 1/√α_s ≤ 1.6 here), and the predictor's float32 output: ≤ 32 u M;
            // two runs: 64 u M per step, times the ODE gain summed over the steps (≤ the step count)
            int steps =
                    s instanceof Ddpm d ? d.steps() : s instanceof Ddim d ? d.steps() : ((LogSnrAncestral) s).steps();
            double tol = 2 * 64 * ErrorBound.U32 * magnitude(s, request(30, 3).build()) * chainGain(steps, false);
            for (int i = 0; i < eps.length; i++) {
                assertThat(other[i])
                        .as("%s, element %d", s, i)
                        .isCloseTo(eps[i], org.assertj.core.data.Offset.offset((float) tol));
            }
        }
    }

    @Test
    void ancestralWithVZeroAndOneEqualsDdpmWithPosteriorAndBetaVariance() {
        // Ho & Salimans' (arXiv 2207.12598, §2) λ-form posterior and variance are DDPM's β̃ (v = 0) and β (v = 1):
        // the two files must agree.
        for (double v : new double[] {0, 1}) {
            Tensor a = Samplers.ancestral(40, v).sample(request(20, 4).build());
            Tensor d = Samplers.ddpm(40, v == 0 ? Ddpm.Variance.POSTERIOR : Ddpm.Variance.BETA)
                    .sample(request(20, 4).build());
            float[] fa = a.toFloatArray();
            float[] fd = d.toFloatArray();
            // both compute the same x̂0 tensor the same way; their posterior-mean and noise coefficients agree in
            // double to ~1e-12 and so round to float32 values ≤ 1 ulp (2u) apart: ≤ 2u on terms ≤ 2.7M, and the sums
            // may round differently (u each): ≤ 14 u M per step, times the posterior-mean gain
            double tol = 2
                    * 14
                    * ErrorBound.U32
                    * magnitude(Samplers.ancestral(40, v), request(20, 4).build())
                    * chainGain(40, true);
            for (int i = 0; i < fa.length; i++) {
                assertThat(fa[i])
                        .as("v=%s element %d", v, i)
                        .isCloseTo(fd[i], org.assertj.core.data.Offset.offset((float) tol));
            }
        }
    }

    @Test
    void ddimWithEtaOneOnTheFullChainIsDdpmWithPosteriorVariance() {
        // Song et al. 2021 (arXiv 2010.02502) eq. 16: σ_t for η = 1 is the DDPM posterior standard deviation, so the
        // chains coincide.
        Tensor ddim = Samplers.ddim(1000, 1).sample(request(10, 9).build());
        Tensor ddpm = Samplers.ddpm().sample(request(10, 9).build());
        float[] a = ddim.toFloatArray();
        float[] b = ddpm.toFloatArray();
        // per step DDIM's one fused linear and DDPM's three (x̂0, mean, noise), γ_4 each on terms ≤ 2.7M: ≤ 43 u M,
        // times the posterior-mean gain of the 1000-step chain (≈ 240, not 1000: early errors are damped)
        double tol = 2
                * 43
                * ErrorBound.U32
                * magnitude(Samplers.ddpm(), request(10, 9).build())
                * chainGain(1000, true);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset((float) tol));
        }
    }

    @Test
    void theBufferRecyclingFastPathGivesBitIdenticalSamplesAndNeverTouchesTheCallersTensors() {
        // without a listener DDIM writes every state after the first over the previous one in a run-owned buffer;
        // with one it allocates every state
        for (double eta : new double[] {0, 0.6}) {
            Tensor x0 = MIX.sample(12, 4).x();
            float[] before = x0.toFloatArray();
            SampleRequest r = request(12, 21).initialState(x0).build();
            Tensor fast = Samplers.ddim(30, eta).sample(r);
            List<Tensor> states = new ArrayList<>();
            Tensor slow = Samplers.ddim(30, eta).sample(r, e -> states.add(e.state()));
            assertThat(fast.toFloatArray()).as("eta %s", eta).containsExactly(slow.toFloatArray());
            assertThat(x0.toFloatArray()).containsExactly(before);
            assertThat(states.get(states.size() - 1).toFloatArray()).containsExactly(slow.toFloatArray());
            assertThat(states.get(0).toFloatArray()).isNotEqualTo(states.get(1).toFloatArray());
        }
    }

    @Test
    void nonFiniteModelOutputIsReportedWithOrWithoutAListener() {
        org.diffusion4j.api.NoisePredictor nanLate =
                (x, t, c) -> t.modelTime() < 500 ? x.times(Double.NaN) : x.times(0.1);
        assertThatThrownBy(() -> Samplers.ddim(20)
                        .sample(request(4, 0).predictor(nanLate).build()))
                .hasMessageContaining("NaN or infinite")
                .hasMessageContaining("StepListener");
        assertThatThrownBy(() -> Samplers.ddim(20)
                        .sample(request(4, 0).predictor(nanLate).build(), e -> {}))
                .hasMessageContaining("step 10 (model time 450.0)")
                .hasMessageContaining("NaN or infinite");
        org.diffusion4j.api.NoisePredictor nanFirst = (x, t, c) -> x.times(Double.POSITIVE_INFINITY);
        assertThatThrownBy(() -> Samplers.ddim(20)
                        .sample(request(4, 0).predictor(nanFirst).build()))
                .hasMessageContaining("step 0");
        assertThatThrownBy(() -> Samplers.ddpm(20)
                        .sample(request(4, 0).predictor(nanLate).build()))
                .hasMessageContaining("sampler 'ddpm', step 10");
    }

    @Test
    void listenerSeesEveryStepInOrderAndCanCancel() {
        List<Integer> seen = new ArrayList<>();
        Samplers.ddim(25).sample(request(3, 1).build(), e -> {
            seen.add(e.index());
            assertThat(e.count()).isEqualTo(25);
            assertThat(e.predictedSample().shape()).isEqualTo(e.state().shape());
        });
        assertThat(seen).hasSize(25).isSorted().startsWith(0).endsWith(24);

        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Samplers.ddpm(50).sample(request(3, 1).build(), e -> {
                    calls.incrementAndGet();
                    if (e.index() == 9) {
                        e.cancel();
                    }
                }))
                .isInstanceOf(SamplingCancelledException.class)
                .hasMessageContaining("after 10 of 50 steps");
        assertThat(calls).hasValue(10);
    }

    @Test
    void clippingKeepsThePredictedSampleInRange() {
        Sampler clipped = new Ddim(20, 0, SampleProcessing.clip(1.0));
        List<Double> maxAbs = new ArrayList<>();
        clipped.sample(
                request(30, 2).build(),
                e -> maxAbs.add(
                        Math.max(e.predictedSample().max(), -e.predictedSample().min())));
        assertThat(maxAbs).allSatisfy(m -> assertThat(m).isLessThanOrEqualTo(1.0)); // clamp is exact: bound 0
        // without clipping the mixture's x̂0 leaves [-1, 1] (its components sit at distance 2): at the last step
        // x̂0 is the sample itself; each of the 10 samples of the component at (−2, 0) (s = 0.5) has |x| > 1.5
        // unless it lies 1 s towards the origin (probability 0.16), so the threshold 1.5 fails only with
        // probability < 0.16^10 ≈ 1e-8; float32 rounding (~1e-6) is far from both 1.5 and the clipped run's 1.0
        List<Double> free = new ArrayList<>();
        Samplers.ddim(20)
                .sample(
                        request(30, 2).build(),
                        e -> free.add(Math.max(
                                e.predictedSample().max(), -e.predictedSample().min())));
        assertThat(free.get(free.size() - 1)).isGreaterThan(1.5);
    }

    @Test
    void dynamicThresholdingBoundsEachSampleByOne() {
        Sampler s = new Ddim(20, 0, SampleProcessing.dynamicThreshold(0.9, 3));
        List<Double> maxAbs = new ArrayList<>();
        s.sample(
                request(30, 2).build(),
                e -> maxAbs.add(
                        Math.max(e.predictedSample().max(), -e.predictedSample().min())));
        // after thresholding x̂0 = clamp(x̂0, -s, s)/s, so |x̂0| <= 1 everywhere, up to float32 rounding:
        // |x| ≤ (float) s ≤ s(1 + u), times (float)(1/s) ≤ (1/s)(1 + u)², rounded: ≤ 1 + 3u (u = 2^-24); ×2 safety
        assertThat(maxAbs).allSatisfy(m -> assertThat(m).isLessThanOrEqualTo(1.0 + 2 * 3 * ErrorBound.U32));
    }

    @Test
    void invalidParametersFailWithClearMessages() {
        assertThatThrownBy(() -> Samplers.ddim(50, 1.5)).hasMessageContaining("eta must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> Samplers.ddim(50, -0.1)).hasMessageContaining("eta must be in [0, 1]");
        assertThatThrownBy(() -> Samplers.ddim(0)).hasMessageContaining("steps must be >= 1");
        assertThatThrownBy(() -> Samplers.ancestral(10, 2)).hasMessageContaining("v must be in [0, 1]");
        assertThatThrownBy(() -> Samplers.ddim(1001).sample(request(2, 0).build()))
                .hasMessageContaining("inference steps must be in [1, 1000]")
                .hasMessageContaining("1001");
        assertThatThrownBy(() -> SampleProcessing.clip(-1)).hasMessageContaining("clip range must be > 0");
        assertThatThrownBy(() -> SampleProcessing.dynamicThreshold(1.5, 1))
                .hasMessageContaining("ratio must be in (0, 1]");
        assertThatThrownBy(() -> Samplers.ddpm()
                        .sample(request(2, 0).schedule(Schedules.cosineLogSnr()).build()))
                .hasMessageContaining("continuous schedule has no full chain");
    }

    @Test
    void meanShiftGuidanceIsRefusedBySamplersWithoutAPosteriorMean() {
        Guidance shifting = new Guidance() {
            @Override
            public Guided guide(org.diffusion4j.api.GuidanceContext ctx) {
                return Guided.of(ctx.predict(ctx.x(), ctx.conditions()))
                        .plusMeanShift(ctx.x().times(0));
            }

            @Override
            public boolean usesMeanShift() {
                return true;
            }
        };
        assertThatThrownBy(() -> Samplers.ddim(10)
                        .sample(request(2, 0).guidance(shifting).build()))
                .hasMessageContaining("sampler 'ddim'")
                .hasMessageContaining("mean");
        assertThatThrownBy(() -> Samplers.ancestral(10, 0.3)
                        .sample(request(2, 0).guidance(shifting).build()))
                .hasMessageContaining("sampler 'ancestral'");
        assertThat(Samplers.ddpm(10)
                        .sample(request(2, 0).guidance(shifting).build())
                        .allFinite())
                .isTrue();
    }

    @Test
    void epsilonPredictionAtZeroTerminalSnrIsAnErrorButVPredictionWorks() {
        DiscreteSchedule zsnr = DiscreteSchedule.builder(Schedules.linear(1000).betas())
                .rescaleZeroTerminalSnr()
                .spacing(org.diffusion4j.schedules.TimestepSpacing.TRAILING)
                .build();
        assertThatThrownBy(() ->
                        Samplers.ddim(20).sample(request(4, 0).schedule(zsnr).build()))
                .hasMessageContaining("alpha is 0")
                .hasMessageContaining("v- or x0-predicting");
        Tensor x = Samplers.ddim(50)
                .sample(request(600, 0)
                        .schedule(zsnr)
                        .predictor(MIX.predictor(PredictionType.V))
                        .build());
        assertThat(x.allFinite()).isTrue();
        // conditional samples land in their components even when starting from pure noise (ᾱ_T = 0). A true draw
        // of a component is classified elsewhere with probability ≤ 6.1e-6 (the density integrated over the other
        // Bayes regions), so ≥ 4 of 600 misclassified has probability ~1e-12; the slack of 3 is for the 50-step
        // sampler's discretisation, which is not bounded here (a count, not a derived tolerance)
        List<double[]> rows = GaussianMixture.rows(x);
        int right = 0;
        for (int i = 0; i < rows.size(); i++) {
            right += MIX.classify(rows.get(i)) == i % 3 ? 1 : 0;
        }
        assertThat(right).isGreaterThanOrEqualTo(rows.size() - 3);
    }

    @Test
    void theStepPlanIsTakenAsGivenNotRecomputed() {
        // trailing spacing with 3 steps over T = 1000: 999 → 666 → 332 → clean. A sampler that computed the
        // previous timestep as t − T/n (diffusers #12633) would visit 999 → 666 → 333.
        DiscreteSchedule s = Schedules.linear(1000).toBuilder()
                .spacing(org.diffusion4j.schedules.TimestepSpacing.TRAILING)
                .build();
        List<double[]> pairs = new ArrayList<>();
        Samplers.ddim(3).sample(request(1, 0).schedule(s).build(), e -> {
            Step st = e.step();
            pairs.add(new double[] {st.current().modelTime(), st.previous().modelTime()});
        });
        assertThat(pairs).containsExactly(new double[] {999, 666}, new double[] {666, 332}, new double[] {332, -1});
    }
}
