package org.diffusion4j.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorScope;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;

/** Native memory of a DDIM run on the engine: bounded per step, freed with the run, without any collection. */
class ScopedSamplingTest {

    private static final int STEPS = 200;

    private static SampleRequest request(NoisePredictor p, org.diffusion4j.api.tensor.TensorFactory f) {
        return SampleRequest.builder()
                .predictor(p)
                .schedule(Schedules.linear(1000))
                .batchSize(2)
                .sampleShape(1, 4, 4)
                .seed(5)
                .tensors(f)
                .build();
    }

    @Test
    void anUnobservedRunHoldsABoundedNumberOfTensorsAndFreesThemAtItsEnd() {
        try (DjlTensorFactory f = DjlTensorFactory.cpu()) {
            long[] peak = {0};
            NoisePredictor p = (x, t, c) -> {
                peak[0] = Math.max(peak[0], f.liveTensors());
                return x.times(0.1);
            };
            float[] result;
            try (TensorScope run = f.openScope()) {
                result = Samplers.ddim(STEPS)
                        .sample(request(p, f), StepListener.NONE)
                        .toFloatArray();
            }
            // at a model call of step k: x_T (the run's), and the previous step's scope with x_k and that step's
            // model output; every older step's tensors are gone. Without scopes 2 per step would pile up (400).
            assertThat(peak[0]).isLessThanOrEqualTo(3);
            assertThat(f.liveTensors()).isZero();
            // the same run observed by a listener (then DDIM frees only each step's temporaries and keeps every state)
            // runs the same engine operations in the same order, so it gives the same bits: the per-step scopes freed
            // nothing the run still needed (an early free would fail or change the result)
            float[] observed;
            try (TensorScope run = f.openScope()) {
                observed = Samplers.ddim(STEPS).sample(request(p, f), e -> {}).toFloatArray();
            }
            assertThat(observed).containsExactly(result);
            assertThat(java.util.Arrays.stream(box(result)).allMatch(Float::isFinite))
                    .isTrue();
        }
    }

    private static Float[] box(float[] v) {
        Float[] out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    @Test
    void statesShownToAListenerLiveUntilTheRunScopeCloses() {
        try (DjlTensorFactory f = DjlTensorFactory.cpu()) {
            List<Tensor> states = new ArrayList<>();
            List<Tensor> x0s = new ArrayList<>();
            Tensor last;
            try (TensorScope run = f.openScope()) {
                last = Samplers.ddim(20).sample(request((x, t, c) -> x.times(0.1), f), e -> {
                    states.add(e.state());
                    x0s.add(e.predictedSample());
                });
                assertThat(states).hasSize(20);
                assertThat(states.get(0).allFinite()).isTrue(); // the first state is still readable at the end
                assertThat(x0s.get(3).allFinite()).isTrue();
                assertThat(states.get(19).toFloatArray()).containsExactly(last.toFloatArray());
                // kept per step: the state and the x̂0 shown; the step's temporaries are gone
                assertThat(f.liveTensors()).isLessThanOrEqualTo(1 + 2 * 20);
            }
            assertThat(f.liveTensors()).isZero();
            assertThatThrownBy(() -> states.get(5).toFloatArray()).isInstanceOf(RuntimeException.class);
        }
    }
}
