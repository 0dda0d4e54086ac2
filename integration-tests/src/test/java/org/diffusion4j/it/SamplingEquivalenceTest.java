package org.diffusion4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;
import org.diffusion4j.guidance.ClassifierFreeGuidance;
import org.diffusion4j.guidance.ClassifierFreeGuidance.Batching;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Ddim;
import org.diffusion4j.samplers.SampleProcessing;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.DiscreteSchedule;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.BoundRecorder;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DDIM + classifier-free guidance from one seed gives the same samples (to the trajectory bound of
 * {@link FixtureBounds#trajectory}, relative to max(1, |x|): each model call
 * contributes twice its float32 bound, amplified by CFG's |γ| + |1 − γ|) whether the predictor is the
 * ONNX model on ONNX Runtime or its TorchScript twin on DJL;
 * everything else in the {@link SampleRequest} is the same. Covers deterministic and stochastic DDIM,
 * CFG as one call of 2B and as two calls of B, and models exported with a fixed batch of 1.
 */
class SamplingEquivalenceTest {
    private static final double GAMMA = 3;
    /**
     * The bound of a DDIM-20 + CFG(3) run of the UNet, one call per step (AUTO batching: cond and
     * uncond in one call): 20 · (5 · 2 · 2.4e-4 + γ_3) ≈ 4.8e-2 relative.
     */
    private static final double TOL =
            FixtureBounds.trajectory(Bounds.TINY_UNET_TWO_BACKENDS, 20, FixtureBounds.cfgAmplification(GAMMA));

    private static final DiscreteSchedule LINEAR = Schedules.linear(1000);
    private static final long SEED = 42;
    /** Every class and the null condition once each, plus one repeat. */
    private static final Conditions LABELS = Conditions.of(
            Condition.label(0), Condition.label(1), Condition.label(2), Condition.none(), Condition.label(1));

    private static Twins twins;
    private static final Map<String, NoisePredictor> LOADED = new HashMap<>();

    @BeforeAll
    static void open() {
        twins = Twins.open(1);
    }

    @AfterAll
    static void close() {
        twins.close();
    }

    private static NoisePredictor model(String backend, String name, Map<String, Object> extra) {
        return LOADED.computeIfAbsent(backend + ":" + name + extra, k -> twins.predictor(backend, name, extra));
    }

    private static NoisePredictor model(String backend, String name) {
        return model(backend, name, Map.of());
    }

    private static Tensor sample(NoisePredictor p, Sampler sampler, Guidance g, Conditions c) {
        return sampler.sample(request(p, g, c).build());
    }

    private static SampleRequest.Builder request(NoisePredictor p, Guidance g, Conditions c) {
        return SampleRequest.builder()
                .predictor(p)
                .schedule(LINEAR)
                .guidance(g)
                .conditions(c)
                .sampleShape(Fixtures.SAMPLE)
                .seed(SEED);
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (String model : new String[] {"tiny_unet", "gmm_eps"}) {
            for (double eta : new double[] {0, 0.5}) {
                for (Batching b : Batching.values()) {
                    a.add(Arguments.of(model, eta, b, false));
                }
                if (model.equals("tiny_unet")) {
                    a.add(Arguments.of(model, eta, Batching.AUTO, true));
                }
            }
        }
        return a.stream();
    }

    /**
     * The random-weight UNet is no denoiser: without clipping, its DDIM samples grow to |x| ≈ 300 (so
     * the scaled tolerance is relative there); with x̂0 clipped to [−1, 1] (diffusers' clip_sample)
     * they stay in range and the tolerance is absolute (clipping is 1-Lipschitz, so it adds no error).
     * The mixture model's samples are of size ≈ 2.5; its bound is taken per call from the inputs the
     * run met ({@link BoundRecorder}).
     */
    @ParameterizedTest(name = "{0} ddim(20, eta={1}) cfg(3, {2}) clip={3}")
    @MethodSource("cases")
    void sameDdimCfgSamplesFromTheSameSeed(String name, double eta, Batching batching, boolean clip) {
        Sampler ddim = clip ? new Ddim(20, eta, SampleProcessing.clip(1)) : Samplers.ddim(20, eta);
        ClassifierFreeGuidance cfg = Guidances.cfg(GAMMA).withBatching(batching);
        BoundRecorder recorded = new BoundRecorder(model(Twins.ONNX, name), name);
        Tensor onnx = sample(recorded, ddim, cfg, LABELS);
        Tensor djl = sample(model(Twins.DJL, name), ddim, cfg, LABELS);
        assertThat(onnx.allFinite()).isTrue();
        Close.assertClose(
                djl,
                onnx,
                recorded.trajectory(2, FixtureBounds.cfgAmplification(GAMMA)),
                name + " ddim(20, " + eta + ") cfg(3, " + batching + ") clip " + clip + ": djl vs onnx");
    }

    /**
     * The samples depend on what the tests vary (η, the guidance), so equal samples are not a given:
     * each change moves the samples by more than 5 times the cross-backend bound, so a backend that
     * ignored η's noise or the guidance could not pass the comparisons above.
     */
    @Test
    void samplesDependOnEtaAndGuidance() {
        NoisePredictor p = model(Twins.DJL, "tiny_unet");
        Tensor base = sample(p, Samplers.ddim(20, 0), Guidances.cfg(GAMMA), LABELS);
        Tensor stochastic = sample(p, Samplers.ddim(20, 0.5), Guidances.cfg(GAMMA), LABELS);
        Tensor unguided = sample(p, Samplers.ddim(20, 0), Guidances.none(), LABELS);
        assertThat(Close.maxScaledDiff(stochastic.toFloatArray(), base.toFloatArray()))
                .isGreaterThan(5 * TOL);
        assertThat(Close.maxScaledDiff(unguided.toFloatArray(), base.toFloatArray()))
                .isGreaterThan(5 * TOL);
    }

    /** With the DJL predictor, sampling can also keep x_t in DJL tensors (NDArrays); same samples. */
    @Test
    void sameSamplesWhenDjlKeepsTheStateInItsOwnTensors() {
        TensorFactory nd = twins.djl().tensors();
        for (double eta : new double[] {0, 0.5}) {
            Sampler ddim = Samplers.ddim(20, eta);
            Tensor onnx = sample(model(Twins.ONNX, "tiny_unet"), ddim, Guidances.cfg(GAMMA), LABELS);
            Tensor djl = ddim.sample(request(model(Twins.DJL, "tiny_unet"), Guidances.cfg(GAMMA), LABELS)
                    .tensors(nd)
                    .build());
            assertThat(djl.factory()).isSameAs(nd);
            Close.assertClose(djl, onnx, TOL, "tiny_unet ddim(20, " + eta + ") cfg(3), djl tensors vs onnx");
        }
    }

    /**
     * Fixed batch of 1: the ONNX export of tiny_unet_b1 declares [1, 1, 8, 8]; the DJL twin is told so with
     * option fixedBatchSize. Both report it, so CFG (AUTO batching) makes two calls of B = 1 per step
     * instead of one call of 2, and the samples still agree with each other and with the dynamic model.
     */
    @Test
    void fixedBatchModelsSampleAlikeWithCfg() {
        NoisePredictor onnx = model(Twins.ONNX, "tiny_unet_b1");
        NoisePredictor djl = model(Twins.DJL, "tiny_unet_b1", Map.of("fixedBatchSize", 1));
        assertThat(onnx.fixedBatchSize()).hasValue(1);
        assertThat(djl.fixedBatchSize()).hasValue(1);
        Tensor dynamic = sample(
                model(Twins.ONNX, "tiny_unet"), Samplers.ddim(20, 0.5), Guidances.cfg(GAMMA), Conditions.labels(2));
        for (double eta : new double[] {0, 0.5}) {
            Sampler ddim = Samplers.ddim(20, eta);
            Counting co = new Counting(onnx);
            Counting cd = new Counting(djl);
            Tensor so = sample(co, ddim, Guidances.cfg(GAMMA), Conditions.labels(2));
            Tensor sd = sample(cd, ddim, Guidances.cfg(GAMMA), Conditions.labels(2));
            assertThat(co.batches).as("onnx calls").hasSize(40).containsOnly(1);
            assertThat(cd.batches).as("djl calls").hasSize(40).containsOnly(1);
            // two calls per step (fixed batch of 1): the CFG amplification already covers ε_c and ε_u each
            // within the model bound, however they are batched, so the bound is TOL
            Close.assertClose(sd, so, TOL, "tiny_unet_b1 ddim(20, " + eta + ") cfg(3): djl vs onnx");
            if (eta == 0.5) {
                // one backend, but batches of 1 vs 2: ONNX Runtime's kernels may block a batch differently,
                // so these are two float32 evaluations too, within the same bound
                Close.assertClose(so, dynamic, TOL, "tiny_unet_b1 vs tiny_unet on onnx");
            }
        }
    }

    /**
     * A batch of 5 with the fixed-batch ONNX model (ONNX Runtime runs it as 2 × 5 session runs of 1)
     * against the dynamic TorchScript twin on DJL (one call of 10 per step).
     */
    @Test
    void fixedBatchOnnxModelMatchesDynamicTwinOnABatch() {
        Sampler ddim = Samplers.ddim(20, 0.5);
        Counting fixed = new Counting(model(Twins.ONNX, "tiny_unet_b1"));
        Counting dynamic = new Counting(model(Twins.DJL, "tiny_unet"));
        Tensor so = sample(fixed, ddim, Guidances.cfg(GAMMA), LABELS);
        Tensor sd = sample(dynamic, ddim, Guidances.cfg(GAMMA), LABELS);
        assertThat(fixed.batches).hasSize(40).containsOnly(LABELS.size());
        assertThat(dynamic.batches).hasSize(20).containsOnly(2 * LABELS.size());
        Close.assertClose(sd, so, TOL, "tiny_unet on djl vs tiny_unet_b1 on onnx, batch 5");
    }

    /**
     * The same with the fixed-batch TorchScript twin on DJL, which also splits a batch of 5 (padded
     * chunks of 1) instead of refusing it, against the dynamic ONNX twin.
     */
    @Test
    void fixedBatchTorchScriptModelMatchesDynamicTwinOnABatch() {
        Sampler ddim = Samplers.ddim(20, 0.5);
        Counting fixed = new Counting(model(Twins.DJL, "tiny_unet_b1", Map.of("fixedBatchSize", 1)));
        Tensor sd = sample(fixed, ddim, Guidances.cfg(GAMMA), LABELS);
        Tensor so = sample(model(Twins.ONNX, "tiny_unet"), ddim, Guidances.cfg(GAMMA), LABELS);
        assertThat(fixed.batches).hasSize(40).containsOnly(LABELS.size());
        Close.assertClose(sd, so, TOL, "tiny_unet_b1 on djl vs tiny_unet on onnx, batch 5");
    }

    /** A predictor that records the batch size of every call. */
    private static final class Counting implements NoisePredictor {
        private final NoisePredictor inner;
        private final List<Integer> batches = new ArrayList<>();

        Counting(NoisePredictor inner) {
            this.inner = inner;
        }

        @Override
        public Tensor predict(Tensor x, Timestep time, Conditions conditions) {
            batches.add(x.batchSize());
            return inner.predict(x, time, conditions);
        }

        @Override
        public PredictionType predictionType() {
            return inner.predictionType();
        }

        @Override
        public OptionalInt fixedBatchSize() {
            return inner.fixedBatchSize();
        }
    }
}
