package org.diffusion4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.diffusion4j.api.Prediction;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Step;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.samplers.Ddim;
import org.diffusion4j.samplers.SampleProcessing;
import org.diffusion4j.schedules.Schedules;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The non-model work of one DDIM step (η = 0, ε-prediction, no clipping) — x̂0 from ε̂, the update,
 * the finiteness check a run does on every prediction — against a plain fused in-place loop
 * {@code x = a·x + b·e} over the same data, in the same run. The target: the step costs at most
 * 3× the loop.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(
        value = 2,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DdimStepBenchmark {

    /** 64×1×28×28 (a Fashion-MNIST batch) and 4×4×64×64 (a latent batch). */
    @Param({"64x1x28x28", "4x4x64x64"})
    public String shape;

    private Tensor x;
    private Tensor eps;
    private Step step;
    private float[] dest;
    private float[] xs;
    private float[] es;
    private float a;
    private float b;

    @Setup(Level.Trial)
    public void setup() {
        String[] p = shape.split("x");
        int[] dims = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            dims[i] = Integer.parseInt(p[i]);
        }
        Shape s = Shape.of(dims);
        x = SdkNoise.INSTANCE.open(1, dims[0]).next(s.sampleShape(), ArrayTensor.FACTORY);
        eps = SdkNoise.INSTANCE.open(2, dims[0]).next(s.sampleShape(), ArrayTensor.FACTORY);
        step = Schedules.linear(1000).plan(50).get(25);
        dest = new float[s.intSize()];
        xs = x.toFloatArray();
        es = eps.toFloatArray();
        a = 0.97f;
        b = 0.03f;
    }

    /**
     * One DDIM step's non-model work as {@link Ddim#sample} does it for pure-Java tensors without a
     * listener (a middle step: no NaN check): x̂0 and ε̂ folded into one pass written into a run-owned buffer.
     */
    @Benchmark
    public Tensor ddimStep() {
        Prediction pred = new Prediction(PredictionType.EPSILON, eps, x, step.current());
        Ddim.stepInPlace(dest, pred, step, 0, null);
        return ArrayTensor.wrap(dest, x.shape());
    }

    /** The same step allocating its result and checking it for NaN (the path taken with a listener). */
    @Benchmark
    public Tensor ddimStepAllocating() {
        Prediction pred = new Prediction(PredictionType.EPSILON, eps, x, step.current());
        Tensor next = Ddim.fusedStep(pred, step, 0, null);
        if (!next.allFinite()) {
            throw new IllegalStateException("non-finite");
        }
        return next;
    }

    /** The same step with x̂0 formed explicitly (the path taken with clipping or thresholding, here without). */
    @Benchmark
    public Tensor ddimStepUnfused() {
        Prediction pred = new Prediction(PredictionType.EPSILON, eps, x, step.current());
        SampleProcessing.Estimates e = SampleProcessing.NONE.apply(pred);
        Tensor next = Ddim.step(e, step, 0, null);
        if (!next.allFinite()) {
            throw new IllegalStateException("non-finite");
        }
        return next;
    }

    /** Component: the finiteness check alone ({@code ArrayTensor.allFinite}). */
    @Benchmark
    public boolean finiteCheck() {
        return eps.allFinite();
    }

    /** A plain scalar sum {@code s += v}: one read pass as most code writes it. */
    @Benchmark
    public float readPassScalar() {
        float s = 0;
        for (float v : es) {
            s += v;
        }
        return s;
    }

    /**
     * A finiteness check summing {@code v − v} lane-wise into 512 accumulators (+0 for finite data, NaN
     * otherwise): tried as a vectorisable replacement for {@code allFinite}'s max-|v| reduction; slower.
     */
    @Benchmark
    public boolean finiteCheckLanes() {
        float[] a = es;
        float[] acc = new float[512];
        int n = a.length - a.length % 512;
        for (int i = 0; i < n; i += 512) {
            for (int j = 0; j < 512; j++) {
                acc[j] += a[i + j] - a[i + j];
            }
        }
        float s = 0;
        for (float v : acc) {
            s += v;
        }
        for (int i = n; i < a.length; i++) {
            s += a[i] - a[i];
        }
        return s == 0;
    }

    /** Component: one allocating fused linear combination {@code a·x + b·e} (a new tensor). */
    @Benchmark
    public Tensor linearAllocating() {
        return x.linear(a, eps, b);
    }

    /** The reference: a fused in-place {@code x = a·x + b·e}. */
    @Benchmark
    public float[] fusedLoop() {
        float[] xv = xs;
        float[] ev = es;
        for (int i = 0; i < xv.length; i++) {
            xv[i] = a * xv[i] + b * ev[i];
        }
        return xv;
    }
}
