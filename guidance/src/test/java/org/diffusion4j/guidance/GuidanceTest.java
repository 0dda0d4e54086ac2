package org.diffusion4j.guidance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.GuidanceContext;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.mixture.GaussianMixture;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.DiscreteSchedule;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

class GuidanceTest {
    private static final GaussianMixture MIX = GaussianMixture.threeBlobs2d();
    private static final DiscreteSchedule LINEAR = Schedules.linear(1000);
    private static final int N = 60;

    private static Conditions labels(int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = i % 3;
        }
        return Conditions.labels(l);
    }

    /** A batch of states and a mid-trajectory step to evaluate guidance at. */
    private static GuidanceContext context(NoisePredictor p, int stepIndex) {
        Step step = LINEAR.plan(10).get(stepIndex);
        Tensor x = MIX.sample(N, 3).x().times(step.current().alpha()).plus(0.3);
        return new GuidanceContext(x, step, labels(N), p);
    }

    /*
     * Tolerances: u = 2^-24 (float32). The exact predictors compute in double and round once to float32 (u
     * relative); a float32 linear of two or three terms (coefficients rounded to float, products, sums) is off
     * by γ_3 = 3u/(1 − 3u) of the sum of its terms' magnitudes; so each guided ε̂ is within 4u of its terms.
     * Bound × 2 safety, element by element, from the actual ε_c, ε_u.
     */
    private static final double U = ErrorBound.U32;

    /** Element-wise |a − b| ≤ tol(i). */
    private static void assertClose(Tensor a, Tensor b, java.util.function.IntToDoubleFunction tol) {
        float[] fa = a.toFloatArray();
        float[] fb = b.toFloatArray();
        assertThat(fa).hasSameSizeAs(fb);
        for (int i = 0; i < fa.length; i++) {
            assertThat((double) fa[i]).as("element %d", i).isCloseTo(fb[i], offset(tol.applyAsDouble(i)));
        }
    }

    private static void assertClose(Tensor a, Tensor b, double tol) {
        float[] fa = a.toFloatArray();
        float[] fb = b.toFloatArray();
        assertThat(fa).hasSameSizeAs(fb);
        for (int i = 0; i < fa.length; i++) {
            assertThat((double) fa[i]).as("element %d", i).isCloseTo(fb[i], offset(tol));
        }
    }

    @Test
    void classifierGuidanceAtScaleSEqualsCfgAtGammaSWithExactScores() {
        // implicit classifier: ∇log p(c|x) = ∇log p(x|c) − ∇log p(x) (arXiv 2207.12598, §3.2),
        // so ε − sσ∇log p(c|x) = s ε_c + (1−s) ε_u
        for (double s : new double[] {0, 0.5, 1, 3, 7.5}) {
            for (int i : new int[] {1, 5, 9}) {
                GuidanceContext ctx = context(MIX.epsilonPredictor(), i);
                Tensor cfg = Guidances.cfg(s).guide(ctx).prediction().epsilon();
                Tensor cls = Guidances.classifier(MIX.classifierGradient(), s)
                        .guide(ctx)
                        .prediction()
                        .epsilon();
                // cfg: γ ε_c + (1 − γ) ε_u; classifier: ε_u − s σ g with |s σ g| = s |ε_c − ε_u|: 4u of each
                // one's terms (inputs rounded once, one linear)
                float[] c = ctx.predictor()
                        .predict(ctx.x(), ctx.time(), ctx.conditions())
                        .toFloatArray();
                float[] u = ctx.predictor()
                        .predict(ctx.x(), ctx.time(), Conditions.unconditional(N))
                        .toFloatArray();
                double gamma = s;
                assertClose(
                        cls,
                        cfg,
                        k -> 2
                                * 4
                                * U
                                * (Math.abs(gamma * c[k])
                                        + Math.abs((1 - gamma) * u[k])
                                        + Math.abs(u[k])
                                        + gamma * Math.abs(c[k] - u[k])));
            }
        }
    }

    @Test
    void classifierGuidanceAndCfgGiveTheSameSamples() {
        SampleRequest.Builder r = SampleRequest.builder()
                .predictor(MIX.epsilonPredictor())
                .schedule(LINEAR)
                .conditions(labels(N))
                .sampleShape(2)
                .seed(17);
        for (double s : new double[] {2, 4}) {
            // magnitudes of the run: E = max |ε_c|, |ε_u| seen by the predictor, M = max |state|, |x̂0|
            double[] e = {0};
            double[] m = {0};
            NoisePredictor recording = (x, t, c) -> {
                Tensor out = MIX.epsilonPredictor().predict(x, t, c);
                e[0] = Math.max(e[0], out.abs().max());
                m[0] = Math.max(m[0], x.abs().max());
                return out;
            };
            Tensor a = Samplers.ddim(50, 0.5)
                    .sample(
                            r.predictor(recording).guidance(Guidances.cfg(s)).build(),
                            ev -> m[0] = Math.max(
                                    m[0],
                                    Math.max(
                                            ev.state().abs().max(),
                                            ev.predictedSample().abs().max())));
            r.predictor(MIX.epsilonPredictor());
            Tensor b = Samplers.ddim(50, 0.5)
                    .sample(r.guidance(Guidances.classifier(MIX.classifierGradient(), s))
                            .build());
            // Per step: the two ε̂ differ by ≤ 4u E (γ + |1 − γ| + 1 + 2s) (as in the test above), entering DDIM's
            // fused update x_p = c_x x + c_ε ε̂ + σ_η z with weight |c_ε|; each run's update rounds by γ_4 of its
            // terms (|z| ≤ 5: P(|z| > 5) = 5.7e-7 per draw). Growth: the steps' errors add (gain ≤ 1 assumed — a guided
            // chain is not provably
            // non-expansive, unlike the unguided conditional chain of SamplerPropertiesTest). ×2 safety.
            double tol = 0;
            for (Step st : LINEAR.plan(50)) {
                Timestep t = st.current();
                Timestep p = st.previous();
                double sEta = org.diffusion4j.samplers.Ddim.sigmaEta(st, 0.5);
                double d = Math.sqrt(Math.max(0, p.sigmaSquared() - sEta * sEta));
                double cx = p.alpha() / t.alpha();
                double ce = Math.abs(d - p.alpha() * t.sigma() / t.alpha());
                tol += ce * 4 * U * e[0] * (s + Math.abs(1 - s) + 1 + 2 * s)
                        + 2 * ErrorBound.gamma32(4) * (cx * m[0] + ce * e[0] + sEta * 5);
            }
            assertClose(a, b, 2 * tol);
        }
    }

    @Test
    void gammaOneIsTheConditionalModelAndGammaZeroTheUnconditionalOne() {
        NoisePredictor p = MIX.epsilonPredictor();
        GuidanceContext ctx = context(p, 4);
        Tensor cond = p.predict(ctx.x(), ctx.time(), ctx.conditions());
        Tensor uncond = p.predict(ctx.x(), ctx.time(), Conditions.unconditional(N));
        // γ = 1 and γ = 0 return the one predictor call itself: the same computation, bound 0
        assertClose(Guidances.cfg(1).guide(ctx).prediction().value(), cond, 0);
        assertClose(Guidances.cfg(0).guide(ctx).prediction().value(), uncond, 0);
        // and the combination is the form γ ε_c + (1 − γ) ε_u: one float32 linear against times, times,
        // plus: γ_2 of 3|ε_c| + 2|ε_u| each (the ×2 and ×(−2) are exact; here the two are in fact the same ops)
        float[] c = cond.toFloatArray();
        float[] u = uncond.toFloatArray();
        assertClose(
                Guidances.cfg(3).guide(ctx).prediction().value(),
                cond.times(3).plus(uncond.times(-2)),
                k -> 2 * 2 * ErrorBound.gamma32(2) * (3 * Math.abs(c[k]) + 2 * Math.abs(u[k])));
    }

    @Test
    void theThreeParameterisationsAgree() {
        GuidanceContext ctx = context(MIX.epsilonPredictor(), 3);
        for (double w : new double[] {-1, 0, 0.5, 2, 6.5}) {
            Tensor hoSalimans =
                    ClassifierFreeGuidance.ofW(w).guide(ctx).prediction().value();
            Tensor gamma = ClassifierFreeGuidance.ofGuidanceScale(1 + w)
                    .guide(ctx)
                    .prediction()
                    .value();
            Tensor wPrime = ClassifierFreeGuidance.ofWPrime(1 + w)
                    .guide(ctx)
                    .prediction()
                    .value();
            assertClose(hoSalimans, gamma, 0); // the same γ = 1 + w in double, the same operations: bound 0
            assertClose(wPrime, gamma, 0);
        }
        assertThat(ClassifierFreeGuidance.ofW(2).guidanceScale()).isEqualTo(3);
    }

    /** Counts calls and batch sizes. */
    private static final class Counting implements NoisePredictor {
        final NoisePredictor inner;
        final OptionalInt fixed;
        final List<Integer> batches = new ArrayList<>();

        Counting(NoisePredictor inner, OptionalInt fixed) {
            this.inner = inner;
            this.fixed = fixed;
        }

        @Override
        public Tensor predict(Tensor x, Timestep time, Conditions conditions) {
            batches.add(x.batchSize());
            if (fixed.isPresent() && x.batchSize() != fixed.getAsInt()) {
                throw new IllegalArgumentException("fixed batch " + fixed.getAsInt());
            }
            return inner.predict(x, time, conditions);
        }

        @Override
        public OptionalInt fixedBatchSize() {
            return fixed;
        }
    }

    @Test
    void cfgUsesOneBatchedCallOf2BByDefault() {
        Counting c = new Counting(MIX.epsilonPredictor(), OptionalInt.empty());
        Tensor one = Guidances.cfg(4).guide(context(c, 2)).prediction().value();
        assertThat(c.batches).containsExactly(2 * N);
        Counting s = new Counting(MIX.epsilonPredictor(), OptionalInt.empty());
        Tensor two = Guidances.cfg(4)
                .withBatching(ClassifierFreeGuidance.Batching.SEQUENTIAL)
                .guide(context(s, 2))
                .prediction()
                .value();
        assertThat(s.batches).containsExactly(N, N);
        assertClose(one, two, 0); // the mixture computes each row on its own, whatever the batch: bound 0
    }

    @Test
    void atGammaOneAndZeroOnlyTheHalfWithNonZeroWeightIsEvaluated() {
        Counting one = new Counting(MIX.epsilonPredictor(), OptionalInt.empty());
        Guidances.cfg(1).guide(context(one, 2));
        assertThat(one.batches).containsExactly(N);
        Counting zero = new Counting(MIX.epsilonPredictor(), OptionalInt.empty());
        Guidances.cfg(0).guide(context(zero, 2));
        assertThat(zero.batches).containsExactly(N);
    }

    @Test
    void autoBatchingFallsBackToTwoCallsForAFixedBatchModel() {
        Counting fixed = new Counting(MIX.epsilonPredictor(), OptionalInt.of(N));
        Tensor auto = Guidances.cfg(4).guide(context(fixed, 2)).prediction().value();
        assertThat(fixed.batches).containsExactly(N, N);
        Counting fits = new Counting(MIX.epsilonPredictor(), OptionalInt.of(2 * N));
        Guidances.cfg(4).guide(context(fits, 2));
        assertThat(fits.batches).containsExactly(2 * N);
        assertClose(
                auto,
                Guidances.cfg(4)
                        .guide(context(MIX.epsilonPredictor(), 2))
                        .prediction()
                        .value(),
                0); // row-wise: 0
    }

    @Test
    void cfgWorksInEveryPredictionParameterisation() {
        // the combination is affine, so guiding x0- or v-outputs gives the same ε̂ as guiding ε
        GuidanceContext eps = context(MIX.epsilonPredictor(), 5);
        Tensor ref = Guidances.cfg(3).guide(eps).prediction().epsilon();
        float[] ec =
                eps.predictor().predict(eps.x(), eps.time(), eps.conditions()).toFloatArray();
        float[] eu = eps.predictor()
                .predict(eps.x(), eps.time(), Conditions.unconditional(N))
                .toFloatArray();
        float[] x = eps.x().toFloatArray();
        for (PredictionType t : new PredictionType[] {PredictionType.SAMPLE, PredictionType.V}) {
            GuidanceContext ctx = new GuidanceContext(eps.x(), eps.step(), eps.conditions(), MIX.predictor(t));
            // ô = 3 o_c − 2 o_u is within 4u of 3|o_c| + 2|o_u|, then ε = c_x x + c_o ô (one more linear: 4u of
            // |c_x x| + |c_o ô|, and |c_o| × ô's error); the reference ε̂ within 4u of 3|ε_c| + 2|ε_u|
            float[] oc = ctx.predictor()
                    .predict(eps.x(), eps.time(), eps.conditions())
                    .toFloatArray();
            float[] ou = ctx.predictor()
                    .predict(eps.x(), eps.time(), Conditions.unconditional(N))
                    .toFloatArray();
            double[] co = t.epsilonCoefficients(eps.time());
            assertClose(Guidances.cfg(3).guide(ctx).prediction().epsilon(), ref, k -> {
                double terms = 3 * Math.abs(oc[k]) + 2 * Math.abs(ou[k]);
                return 2
                        * 4
                        * U
                        * ((1 + Math.abs(co[1])) * terms
                                + Math.abs(co[0] * x[k])
                                + 3 * Math.abs(ec[k])
                                + 2 * Math.abs(eu[k]));
            });
        }
    }

    @Test
    void rescaleMatchesTheConditionalStandardDeviationAtPhiOne() {
        GuidanceContext ctx = context(MIX.epsilonPredictor(), 6);
        Tensor cond = Guidances.cfg(1).guide(ctx).prediction().value();
        Tensor guided = Guidances.cfg(5).guide(ctx).prediction().value();
        Tensor rescaled =
                Guidances.cfg(5).withRescale(1).guide(ctx).prediction().value();
        for (int i = 0; i < N; i++) {
            double sc = std(cond.slice(i, i + 1));
            // rescaled_j = f·g_j (1 + δ_j), |δ_j| ≤ 2u ((float) f, the product; the linear(1, ·, 0, ·) is exact);
            // f = std(ε_c)/std(g) in double as here (~1e-15). The std of 2 values is |r_0 − r_1|/√2, so it moves by
            // ≤ 2u (|r_0| + |r_1|)/√2
            double r0 = Math.abs(rescaled.get(i, 0));
            double r1 = Math.abs(rescaled.get(i, 1));
            assertThat(std(rescaled.slice(i, i + 1)))
                    .isCloseTo(sc, offset(2 * (Math.sqrt(2) * U * (r0 + r1) + 1e-15 * sc)));
            // direction unchanged: rescaled is a positive multiple of guided; r_1 vs g_1 · r_0/g_0 = f g_1 (1 + δ_0):
            // ≤ 4u |r_1| (+ 1 rounding of the double quotient)
            double ratio = rescaled.get(i, 0) / guided.get(i, 0);
            assertThat((double) rescaled.get(i, 1)).isCloseTo(guided.get(i, 1) * ratio, offset(2 * 5 * U * r1));
        }
        Tensor half = Guidances.cfg(5).withRescale(0.5).guide(ctx).prediction().value();
        // φ = 0.5: 0.5 f g + 0.5 g from the same f g (here the same ops as the reference); γ_3 of the terms each
        float[] rs = rescaled.toFloatArray();
        float[] gs = guided.toFloatArray();
        assertClose(
                half,
                rescaled.linear(0.5, guided, 0.5),
                k -> 2 * 2 * ErrorBound.gamma32(3) * 0.5 * (Math.abs(rs[k]) + Math.abs(gs[k])));
    }

    private static double std(Tensor t) {
        float[] a = t.toFloatArray();
        double m = 0;
        for (float v : a) {
            m += v;
        }
        m /= a.length;
        double s = 0;
        for (float v : a) {
            s += (v - m) * (v - m);
        }
        return Math.sqrt(s / (a.length - 1));
    }

    @Test
    void outsideItsWindowCfgIsTheConditionalModelAlone() {
        Counting c = new Counting(MIX.epsilonPredictor(), OptionalInt.empty());
        ClassifierFreeGuidance g = Guidances.cfg(5).withWindow(0.2, 0.6);
        Tensor early = g.guide(context(c, 0)).prediction().value(); // progress 0.0: outside
        Tensor inside = g.guide(context(c, 3)).prediction().value(); // progress 0.3: inside
        assertThat(c.batches).containsExactly(N, 2 * N);
        // both sides are the same predictor calls on the same rows: bound 0
        assertClose(
                early,
                Guidances.cfg(1)
                        .guide(context(MIX.epsilonPredictor(), 0))
                        .prediction()
                        .value(),
                0);
        assertClose(
                inside,
                Guidances.cfg(5)
                        .guide(context(MIX.epsilonPredictor(), 3))
                        .prediction()
                        .value(),
                0);
    }

    @Test
    void cfgAndClassifierGuidanceCompose() {
        // with exact scores: CFG γ then classifier s adds up to CFG at γ + s
        GuidanceContext ctx = context(MIX.epsilonPredictor(), 4);
        Tensor both = Guidances.classifier(Guidances.cfg(2), MIX.classifierGradient(), 1.5)
                .guide(ctx)
                .prediction()
                .epsilon();
        assertClose(both, Guidances.cfg(3.5).guide(ctx).prediction().epsilon(), composeBound(ctx));
    }

    /**
     * classifier(cfg(2), 1.5) vs cfg(3.5): 2ε_c − ε_u (4u of 2|ε_c| + |ε_u|), then − 1.5 σ g with
     * |σ g| = |ε_c − ε_u| (4u of |2ε_c − ε_u| + 1.5|ε_c − ε_u|); cfg(3.5): 4u of 3.5|ε_c| + 2.5|ε_u|. ×2 safety.
     */
    private static java.util.function.IntToDoubleFunction composeBound(GuidanceContext ctx) {
        float[] c =
                ctx.predictor().predict(ctx.x(), ctx.time(), ctx.conditions()).toFloatArray();
        float[] u = ctx.predictor()
                .predict(ctx.x(), ctx.time(), Conditions.unconditional(N))
                .toFloatArray();
        return k -> 2
                * 4
                * U
                * (2 * Math.abs(c[k])
                        + Math.abs(u[k])
                        + Math.abs(2 * c[k] - u[k])
                        + 1.5 * Math.abs(c[k] - u[k])
                        + 3.5 * Math.abs(c[k])
                        + 2.5 * Math.abs(u[k]));
    }

    @Test
    void meanShiftGuidanceSharpensClassesOnDdpm() {
        ClassifierGradient g = MIX.classifierGradient();
        SampleRequest.Builder r = SampleRequest.builder()
                .predictor(MIX.epsilonPredictor())
                .schedule(LINEAR)
                .sampleShape(2)
                .seed(5);
        int n = 300;
        // ask the unconditional model for class 2 (the smallest component) through the classifier alone
        Conditions want = Conditions.repeat(org.diffusion4j.api.Condition.label(2), n);
        Guidance cfg0 = Guidances.cfg(0); // the unconditional model
        double plain = fraction(
                Samplers.ddpm(200).sample(r.conditions(want).guidance(cfg0).build()), 2);
        double shifted = fraction(
                Samplers.ddpm(200)
                        .sample(r.conditions(want)
                                .guidance(new ClassifierGuidance(cfg0, g, 3, ClassifierGuidance.Placement.MEAN_SHIFT))
                                .build()),
                2);
        // 4.5 binomial standard errors (false failure ≈ 6.8e-6 for a random seed); no discretisation term: the
        // 200-step DDPM chain's effect on the component weights is not bounded here (not derived)
        assertThat(plain).isCloseTo(MIX.weight(2), offset(4.5 * Math.sqrt(0.2 * 0.8 / n)));
        // separating threshold: the unguided fraction is 0.2 (SE 0.023), so 0.95 is 32 SE above it, and the
        // mean shift at s = 3 samples ∝ p(x) p(2|x)³, which puts almost all mass in component 2; float32 rounding
        // can flip only a sample within ~1e-6 of a class boundary, i.e. none of 300 in practice (p ~ 1e-6 each)
        assertThat(shifted).isGreaterThan(0.95);
    }

    private static double fraction(Tensor x, int k) {
        int c = 0;
        List<double[]> rows = GaussianMixture.rows(x);
        for (double[] row : rows) {
            c += MIX.classify(row) == k ? 1 : 0;
        }
        return (double) c / rows.size();
    }

    @Test
    void badScalesAndMissingCapabilitiesAreRefused() {
        assertThatThrownBy(() -> Guidances.cfg(-0.5)).hasMessageContaining("gamma must be finite and >= 0");
        assertThatThrownBy(() -> Guidances.cfgW(-2)).hasMessageContaining("w must be >= -1");
        assertThatThrownBy(() -> Guidances.classifier(MIX.classifierGradient(), -1))
                .hasMessageContaining("scale s must be finite and >= 0");
        assertThatThrownBy(() -> Guidances.cfg(2).withRescale(1.5))
                .hasMessageContaining("rescale phi must be in [0, 1]");
        assertThatThrownBy(() -> Guidances.cfg(2).withWindow(0.7, 0.2)).hasMessageContaining("0 <= start < stop <= 1");
        // a backend without GRADIENTS refuses to supply a classifier, naming the capability
        assertThatThrownBy(() -> PluginRegistry.load()
                        .backend("java", null)
                        .loadClassifier(ModelSpec.of(java.nio.file.Path.of("classifier.pt"))))
                .hasMessageContaining("backend 'java' cannot load classifiers")
                .hasMessageContaining("no GRADIENTS capability");
    }

    @Test
    void guidanceIsBuiltFromJsonThroughTheRegistry() throws Exception {
        PluginRegistry reg = PluginRegistry.load();
        ObjectMapper om = new ObjectMapper();
        Guidance cfg = reg.guidance("cfg", om.readTree("{\"w\": 2, \"batching\": \"sequential\"}"));
        assertThat(((ClassifierFreeGuidance) cfg).guidanceScale()).isEqualTo(3);
        PluginContext ctx = new PluginContext(reg, Map.of("classifier", MIX.classifierGradient()));
        Guidance composed = reg.guidance(
                "classifier",
                om.readTree("{\"scale\": 1.5, \"inner\": {\"type\": \"cfg\", \"guidanceScale\": 2}}"),
                ctx);
        GuidanceContext gc = context(MIX.epsilonPredictor(), 4);
        assertClose(
                composed.guide(gc).prediction().epsilon(),
                Guidances.cfg(3.5).guide(gc).prediction().epsilon(),
                composeBound(gc));

        assertThatThrownBy(() -> reg.guidance("cfg", om.readTree("{\"guidanceScale\": 2, \"w\": 1}")))
                .hasMessageContaining("give only one of guidanceScale");
        assertThatThrownBy(() -> reg.guidance("cfg", om.readTree("{\"scale\": 2}")))
                .hasMessageContaining("unknown field 'scale'")
                .hasMessageContaining("guidanceScale");
        assertThatThrownBy(() -> reg.guidance("classifier", om.readTree("{\"scale\": 2}")))
                .hasMessageContaining("no ClassifierGradient resource named 'classifier'");
        assertThatThrownBy(() -> reg.guidance("cgf", om.readTree("{}")))
                .hasMessageContaining("did you mean 'cfg'")
                .hasMessageContaining("cfg, classifier, none, unconditional");
        AtomicInteger unused = new AtomicInteger();
        assertThat(unused).hasValue(0);
    }
}
