package org.diffusion4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.spi.ModelSpec;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;

/**
 * One session shared by several threads sampling at once gives exactly the sequential results
 * (ONNX Runtime's Run is thread-safe on one session; each call owns its tensors).
 */
class ConcurrencyTest {
    private static final int THREADS = 6;

    private static List<float[]> runAll(List<Callable<Tensor>> jobs, boolean concurrently) throws Exception {
        List<float[]> out = new ArrayList<>();
        if (!concurrently) {
            for (Callable<Tensor> j : jobs) {
                out.add(j.call().toFloatArray());
            }
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Tensor>> fs = new ArrayList<>();
            for (Callable<Tensor> j : jobs) {
                fs.add(pool.submit(() -> {
                    start.await(); // release all threads together so their runs overlap
                    return j.call();
                }));
            }
            start.countDown();
            for (Future<Tensor> f : fs) {
                out.add(f.get(2, TimeUnit.MINUTES).toFloatArray());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentSamplingOnOneSessionEqualsSequentialSampling() throws Exception {
        try (OnnxBackend backend = OnnxBackend.open()) {
            OnnxNoisePredictor unet = backend.loadPredictor(
                    new ModelSpec(Fixtures.onnx("tiny_unet"), PredictionType.EPSILON, Map.of("numClasses", 3)));
            Sampler ddim = Samplers.ddim(12, 0.3);
            List<Callable<Tensor>> jobs = new ArrayList<>();
            for (int i = 0; i < 2 * THREADS; i++) {
                int seed = 100 + i;
                SampleRequest r = SampleRequest.builder()
                        .predictor(unet)
                        .schedule(Schedules.linear(1000))
                        .guidance(Guidances.cfg(1.5 + 0.25 * i))
                        .conditions(Conditions.labels(i % 3, (i + 1) % 3))
                        .sampleShape(Analytic.SAMPLE)
                        .seed(seed)
                        .build();
                jobs.add(() -> ddim.sample(r));
            }
            List<float[]> sequential = runAll(jobs, false);
            List<float[]> concurrent = runAll(jobs, true);
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(concurrent.get(i)).as("job %d", i).containsExactly(sequential.get(i));
            }
            // the jobs differ from each other, so equality is not trivial
            assertThat(sequential.get(0)).isNotEqualTo(sequential.get(1));
        }
    }

    @Test
    void concurrentCallsOnAFixedBatchModelEqualSequentialCalls() throws Exception {
        try (OnnxBackend backend = OnnxBackend.open(OnnxConfig.DEFAULT.withIntraOpThreads(1))) {
            OnnxNoisePredictor p = backend.loadPredictor(
                    new ModelSpec(Fixtures.onnx("tiny_unet_b1"), PredictionType.EPSILON, Map.of("numClasses", 3)));
            List<Callable<Tensor>> jobs = new ArrayList<>();
            for (int i = 0; i < 4 * THREADS; i++) {
                Tensor x = Analytic.gaussian(3, i);
                int t = 40 * i;
                jobs.add(() -> p.predict(x, Analytic.level(t), Conditions.labels(0, 1, 2)));
            }
            List<float[]> sequential = runAll(jobs, false);
            List<float[]> concurrent = runAll(jobs, true);
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(concurrent.get(i)).as("call %d", i).containsExactly(sequential.get(i));
            }
        }
    }
}
