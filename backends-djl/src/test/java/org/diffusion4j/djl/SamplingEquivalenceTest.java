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
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;

/** The same predictor and seed give the same DDIM samples whether the run uses DJL or pure-Java tensors. */
class SamplingEquivalenceTest {

    private static double maxAbsDiff(Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    private static void same(Guidance g) {
        try (DjlTensorFactory f = DjlTensorFactory.cpu(); UNetModel m = UNetModel.create(TestNets.tinyUNet(3), Device.cpu(), 5)) {
            UNetPredictor p = new UNetPredictor(m, f);
            Sampler ddim = Samplers.ddim(10);
            SampleRequest.Builder r = SampleRequest.builder().predictor(p).schedule(Schedules.linear(1000)).guidance(g)
                    .conditions(Conditions.of(Condition.label(0), Condition.label(1), Condition.label(2), Condition.none()))
                    .sampleShape(1, 16, 16).seed(42);
            Tensor java = ddim.sample(r.tensors(ArrayTensor.FACTORY).build());
            Tensor djl = ddim.sample(r.tensors(f).build());
            assertThat(java).isInstanceOf(ArrayTensor.class);
            assertThat(djl).isInstanceOf(DjlTensor.class);
            assertThat(djl.shape()).isEqualTo(java.shape());
            assertThat(java.allFinite()).isTrue();
            assertThat(Math.sqrt(java.square().mean())).isGreaterThan(0.1); // a real sample, not zeros
            assertThat(maxAbsDiff(djl, java)).isLessThan(1e-4);
        }
    }

    @Test
    void classifierGuidedDdpmAndDdimWithAnUnconditionalUNet() {
        try (DjlTensorFactory f = DjlTensorFactory.cpu(); UNetModel m = UNetModel.create(TestNets.tinyUNet(0), Device.cpu(), 5);
             org.diffusion4j.djl.classifier.ClassifierModel c = org.diffusion4j.djl.classifier.ClassifierModel.create(
                     new org.diffusion4j.djl.classifier.ClassifierConfig(1, 16, 4, 8, java.util.List.of(1, 2), 4, null),
                     Device.cpu(), 9)) {
            UNetPredictor p = new UNetPredictor(m, f);
            var grad = c.gradient();
            SampleRequest.Builder r = SampleRequest.builder().predictor(p).schedule(Schedules.linear(1000))
                    .conditions(Conditions.labels(0, 1, 2, 3)).sampleShape(1, 16, 16).seed(7);
            for (Sampler s : new Sampler[] {Samplers.ddim(8), Samplers.ddpm(8)}) {
                Tensor plain = s.sample(r.guidance(Guidance.UNCONDITIONAL).tensors(f).build());
                Tensor s0 = s.sample(r.guidance(Guidances.classifier(grad, 0)).tensors(f).build());
                Tensor s5 = s.sample(r.guidance(Guidances.classifier(grad, 5)).tensors(f).build());
                Tensor s5java = s.sample(r.guidance(Guidances.classifier(grad, 5)).tensors(ArrayTensor.FACTORY).build());
                assertThat(maxAbsDiff(s0, plain)).isLessThan(1e-6);
                assertThat(maxAbsDiff(s5, plain)).isGreaterThan(1e-3);
                assertThat(s5.allFinite()).isTrue();
                assertThat(maxAbsDiff(s5, s5java)).isLessThan(1e-4);
            }
            Tensor meanShift = Samplers.ddpm(8).sample(r.guidance(Guidances.classifierMeanShift(grad, 5)).tensors(f).build());
            assertThat(meanShift.allFinite()).isTrue();
        }
    }

    @Test
    void ddimWithoutGuidance() {
        same(Guidance.NONE);
    }

    @Test
    void ddimWithClassifierFreeGuidance() {
        same(Guidances.cfg(3));
    }
}
