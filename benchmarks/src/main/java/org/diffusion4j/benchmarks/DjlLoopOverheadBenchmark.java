package org.diffusion4j.benchmarks;

import ai.djl.Device;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.api.Condition;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.StepListener;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorScope;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;

/**
 * The cost of the DJL sampling loop around the model: DDIM-50 with classifier-free guidance as one 2B
 * call (B = 16, 28×28×1, 10 classes), everything on the engine, against the model calls alone.
 * <ul>
 *   <li>{@code forwards}: 50 bare calls of the predictor on a [2B, 1, 28, 28] engine tensor;</li>
 *   <li>{@code loop}: the same 50 calls inside {@code Ddim.sample} with CFG (concat, slices, the guidance
 *   combination, the DDIM update, the finiteness check, the scopes);</li>
 *   <li>{@code loop, no model}: the loop with a predictor that costs one native op ({@code 0.5 x}), so
 *   the loop's own work is measured without the model's noise.</li>
 * </ul>
 * Each figure is the median of {@code repeats} runs; overhead = loop / forwards − 1, and the no-model
 * loop as a fraction of the forwards.
 * <pre>
 * mvn -B -ntp -q -pl benchmarks -am package -DskipTests
 * java -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar \
 *      org.diffusion4j.benchmarks.DjlLoopOverheadBenchmark [repeats] [threads]
 * </pre>
 */
public final class DjlLoopOverheadBenchmark {

    private static final int B = 16;
    private static final int STEPS = 50;

    private DjlLoopOverheadBenchmark() {}

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        DjlRuntime.setThreads(threads);
        UNetConfig net = new UNetConfig(1, 28, 32, List.of(1, 2, 2), 1, List.of(7), 1, 8, 0.0, 10, null, null);
        try (DjlTensorFactory f = DjlTensorFactory.cpu();
                UNetModel m = UNetModel.create(net, Device.cpu(), 1)) {
            NoisePredictor unet = new UNetPredictor(m, f);
            NoisePredictor cheap = (x, t, c) -> x.times(0.5);
            System.out.printf(
                    Locale.ROOT,
                    "UNet %,d parameters, B = %d (CFG: 2B = %d per call), %d steps, %d threads%n",
                    m.parameterCount(),
                    B,
                    2 * B,
                    STEPS,
                    threads);
            double[] fw = new double[repeats];
            double[] loop = new double[repeats];
            double[] bare = new double[repeats];
            forwards(unet, f); // warm-up
            sample(unet, f);
            sample(cheap, f);
            for (int r = 0; r < repeats; r++) {
                fw[r] = forwards(unet, f);
                loop[r] = sample(unet, f);
                bare[r] = sample(cheap, f);
            }
            double a = median(fw);
            double b = median(loop);
            double c = median(bare);
            System.out.printf(
                    Locale.ROOT, "50 forwards %.3f s, DDIM-50 + CFG %.3f s, loop without the model %.4f s%n", a, b, c);
            System.out.printf(
                    Locale.ROOT,
                    "loop overhead %.1f %% (loop / forwards - 1); the loop's own work %.2f %% of the forwards%n",
                    100 * (b / a - 1),
                    100 * c / a);
        }
    }

    private static double forwards(NoisePredictor p, DjlTensorFactory f) {
        List<Condition> cs = new java.util.ArrayList<>();
        for (int i = 0; i < 2 * B; i++) {
            cs.add(i < B ? Condition.label(i % 10) : Condition.none());
        }
        Conditions c = Conditions.of(cs);
        try (TensorScope s = f.openScope()) {
            Tensor x = f.full(Shape.of(2 * B, 1, 28, 28), 0.1f);
            long t0 = System.nanoTime();
            for (int i = 0; i < STEPS; i++) {
                try (TensorScope call = f.openScope()) {
                    p.predict(x, Timestep.ofAlphaBar(999 - 20 * i, 0.5), c);
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static double sample(NoisePredictor p, DjlTensorFactory f) {
        int[] labels = new int[B];
        Arrays.setAll(labels, i -> i % 10);
        SampleRequest r = SampleRequest.builder()
                .predictor(p)
                .schedule(Schedules.linear(1000))
                .guidance(Guidances.cfg(3))
                .conditions(Conditions.labels(labels))
                .sampleShape(1, 28, 28)
                .seed(1)
                .tensors(f)
                .build();
        try (TensorScope run = f.openScope()) {
            long t0 = System.nanoTime();
            Tensor x = Samplers.ddim(STEPS).sample(r, StepListener.NONE);
            double s = (System.nanoTime() - t0) / 1e9;
            if (!x.allFinite()) {
                throw new IllegalStateException("non-finite sample");
            }
            return s;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
