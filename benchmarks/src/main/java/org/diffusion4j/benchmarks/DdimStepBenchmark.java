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
 * The non-model work of one DDIM step (η = 0, no clipping) and the finiteness check, each against its
 * reference measured in the same run (compare ratios: the machine is shared).
 *
 * <ul>
 *   <li>The step's reference is {@link #fusedLoop}, an in-place {@code x = a·x + b·e} (two reads and one
 *       write per element, vectorised by C2); issue 12's target is a step of at most 1.2× it.</li>
 *   <li>The finiteness check's reference is {@link #readPassBitsOr}, "one read pass": the OR of every float's
 *       raw bits. It is the least work that depends on every float (one load, one bit move, one OR per element,
 *       no floating-point arithmetic and no reduction order to respect); issue 12's target is a check of at most
 *       1.2× it. {@link #readPassScalar} (a float sum, whose order C2 must keep) is shown for context.</li>
 * </ul>
 *
 * <p>Command: {@code java -jar benchmarks/target/benchmarks.jar DdimStepBenchmark -f 3 -wi 4 -i 5 -w 1 -r 1}
 * (results in {@code docs/benchmarks.md}).
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
    private float[] state;
    private Tensor stateTensor;
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
        state = x.toFloatArray();
        stateTensor = ArrayTensor.wrap(state, s);
        a = 0.97f;
        b = 0.03f;
    }

    /**
     * One DDIM step's non-model work as {@link Ddim#sample} does it for pure-Java tensors without a
     * listener (a middle step: no NaN check): x̂0 and ε̂ folded into one pass written over the state in the
     * run-owned buffer. The state is fed back every call, so the model output is taken as an x̂0-prediction:
     * its coefficient of x, √((1 − ᾱ')/(1 − ᾱ)), is below 1 and the state stays bounded (with ε-prediction it
     * is √(ᾱ'/ᾱ) &gt; 1 and the state would overflow); the loop is the same for every prediction type.
     */
    @Benchmark
    public Tensor ddimStep() {
        Prediction pred = new Prediction(PredictionType.SAMPLE, eps, stateTensor, step.current());
        Ddim.stepInPlace(state, pred, step, 0, null);
        return stateTensor;
    }

    /** The step written into a second array (the fast path before issue 12: two buffers taking turns). */
    @Benchmark
    public Tensor ddimStepTwoBuffers() {
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

    /** A plain scalar float sum {@code s += v}: a read pass as most code writes it (C2 keeps its order). */
    @Benchmark
    public float readPassScalar() {
        float s = 0;
        for (float v : es) {
            s += v;
        }
        return s;
    }

    /** The reference of the finiteness check, "one read pass": the OR of every float's raw bits. */
    @Benchmark
    public int readPassBitsOr() {
        float[] v = es;
        int acc = 0;
        for (int i = 0; i < v.length; i++) {
            acc |= Float.floatToRawIntBits(v[i]);
        }
        return acc;
    }

    /**
     * Tried for {@code allFinite}: a float is NaN or infinite exactly when its exponent bits are all ones, and then
     * {@code (bits & 0x7f800000) + 0x00800000} has the sign bit set; OR-accumulated, branch-free.
     */
    @Benchmark
    public boolean finiteCheckExponentBits() {
        float[] v = es;
        int acc = 0;
        for (int i = 0; i < v.length; i++) {
            acc |= (Float.floatToRawIntBits(v[i]) & 0x7f800000) + 0x00800000;
        }
        return acc >= 0;
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
