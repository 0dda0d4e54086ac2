package org.diffusion4j.djl;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.tensor.DjlTensor;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.unet.UNetBounds;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.diffusion4j.testkit.FixtureBounds;
import org.junit.jupiter.api.Test;

/**
 * The same predictor and seed give the same DDIM samples whether the run uses DJL or pure-Java tensors.
 * The two runs do the sampler's arithmetic in different code and call the network on states that may
 * differ by that arithmetic's rounding, so each run is treated as a float32 evaluation of the exact
 * trajectory: the bound is {@link FixtureBounds#trajectory} with twice the network's bound
 * ({@link UNetBounds}) per step, amplified by the guidance, relative to max(1, |x|).
 */
class SamplingEquivalenceTest {
    private static final int STEPS = 10;
    private static final org.diffusion4j.djl.classifier.ClassifierConfig CLASSIFIER =
            new org.diffusion4j.djl.classifier.ClassifierConfig(1, 16, 4, 8, java.util.List.of(1, 2), 4, null);

    private static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    /** The trajectory bound relative to max(1, |x|), as an absolute bound for samples as large as {@code x}. */
    private static double bound(double perStep, int steps, double amplification, Tensor x) {
        return FixtureBounds.trajectory(2 * perStep, steps, amplification)
                * Math.max(1, x.abs().max());
    }

    private static void same(Guidance g, double amplification) {
        try (DjlTensorFactory f = DjlTensorFactory.cpu();
                UNetModel m = UNetModel.create(TestNets.tinyUNet(3), Device.cpu(), 5)) {
            UNetPredictor p = new UNetPredictor(m, f);
            Sampler ddim = Samplers.ddim(STEPS);
            SampleRequest.Builder r = SampleRequest.builder()
                    .predictor(p)
                    .schedule(Schedules.linear(1000))
                    .guidance(g)
                    .conditions(
                            Conditions.of(Condition.label(0), Condition.label(1), Condition.label(2), Condition.none()))
                    .sampleShape(1, 16, 16)
                    .seed(42);
            Tensor java = ddim.sample(r.tensors(ArrayTensor.FACTORY).build());
            Tensor djl = ddim.sample(r.tensors(f).build());
            assertThat(java).isInstanceOf(ArrayTensor.class);
            assertThat(djl).isInstanceOf(DjlTensor.class);
            assertThat(djl.shape()).isEqualTo(java.shape());
            assertThat(java.allFinite()).isTrue();
            assertThat(Math.sqrt(java.square().mean())).isGreaterThan(0.1); // a real sample, not zeros
            assertThat(maxAbsDiff(djl, java))
                    .isLessThanOrEqualTo(
                            bound(UNetBounds.oneEvaluation(TestNets.tinyUNet(3)), STEPS, amplification, java));
        }
    }

    @Test
    void classifierGuidedDdpmAndDdimWithAnUnconditionalUNet() {
        try (DjlTensorFactory f = DjlTensorFactory.cpu();
                UNetModel m = UNetModel.create(TestNets.tinyUNet(0), Device.cpu(), 5);
                org.diffusion4j.djl.classifier.ClassifierModel c =
                        org.diffusion4j.djl.classifier.ClassifierModel.create(CLASSIFIER, Device.cpu(), 9)) {
            UNetPredictor p = new UNetPredictor(m, f);
            var grad = c.gradient();
            SampleRequest.Builder r = SampleRequest.builder()
                    .predictor(p)
                    .schedule(Schedules.linear(1000))
                    .conditions(Conditions.labels(0, 1, 2, 3))
                    .sampleShape(1, 16, 16)
                    .seed(7);
            // Σ over the gradient calls of σ_t · max(1, max|∇_t|): what the gradient's relative bound turns into
            // in ε̂ = ε − s σ_t ∇ log p, summed over a run (magnitudes of the values, not errors)
            double[] sigmaGrad = {0};
            org.diffusion4j.api.ClassifierGradient tracked = (x, t, l) -> {
                Tensor gr = grad.gradLogProb(x, t, l);
                sigmaGrad[0] += t.sigma() * Math.max(1, gr.abs().max());
                return gr;
            };
            for (Sampler s : new Sampler[] {Samplers.ddim(8), Samplers.ddpm(8)}) {
                Tensor plain =
                        s.sample(r.guidance(Guidance.UNCONDITIONAL).tensors(f).build());
                Tensor s0 = s.sample(
                        r.guidance(Guidances.classifier(grad, 0)).tensors(f).build());
                Tensor s5 = s.sample(
                        r.guidance(Guidances.classifier(grad, 5)).tensors(f).build());
                sigmaGrad[0] = 0;
                Tensor s5java = s.sample(r.guidance(Guidances.classifier(tracked, 5))
                        .tensors(ArrayTensor.FACTORY)
                        .build());
                // scale 0 multiplies the gradient by zero: ε̂ = ε exactly, so the runs are identical
                assertThat(maxAbsDiff(s0, plain)).isZero();
                assertThat(s5.allFinite()).isTrue();
                // per step ε̂ = ε − s σ ∇log p: twice the network's bound (two runs), plus s × twice the gradient's
                // relative bound × σ_t max(1, |∇_t|), summed over the steps; relative to max(1, |x|)
                double tol = (FixtureBounds.trajectory(2 * UNetBounds.oneEvaluation(TestNets.tinyUNet(0)), 8, 1)
                                + 5 * 2 * UNetBounds.classifierGradient(CLASSIFIER) * sigmaGrad[0])
                        * Math.max(1, s5java.abs().max());
                assertThat(maxAbsDiff(s5, s5java)).isLessThanOrEqualTo(tol);
                // the guidance has an effect (a gradient ignored would leave s5 = plain bit for bit). The derived
                // bound above is a worst case for a random network whose DDPM samples grow to |x| ≈ 100, so it is
                // looser than this effect: the tight checks of the sampler's DJL arithmetic are DjlTensorTest's
                assertThat(maxAbsDiff(s5, plain)).isGreaterThan(1e-3);
            }
            Tensor meanShift = Samplers.ddpm(8)
                    .sample(r.guidance(Guidances.classifierMeanShift(grad, 5))
                            .tensors(f)
                            .build());
            assertThat(meanShift.allFinite()).isTrue();
        }
    }

    @Test
    void ddimWithoutGuidance() {
        same(Guidance.NONE, 1);
    }

    @Test
    void ddimWithClassifierFreeGuidance() {
        same(Guidances.cfg(3), FixtureBounds.cfgAmplification(3));
    }
}
