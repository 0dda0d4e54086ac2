package org.diffusion4j.noise.torch.bench;

import java.util.Arrays;
import java.util.Locale;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.noise.torch.TorchCpuKernel;
import org.diffusion4j.noise.torch.TorchNoise;

/**
 * Throughput of the torch-compatible noise against the SDK's own noise: normals per second for draws
 * of a 64 x 1 x 28 x 28 batch (an MNIST-sized DDPM step), single-threaded, after warm-up. A program,
 * not a test:
 *
 * <pre>
 * mvn -q -o -pl noise-torch test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=org.diffusion4j.noise.torch.bench.NoiseBenchmark [-Dexec.args="SECONDS"]
 * </pre>
 */
public final class NoiseBenchmark {
    private static final int BATCH = 64;
    private static final Shape SAMPLE = Shape.of(1, 28, 28);

    private NoiseBenchmark() {}

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        System.out.printf(
                Locale.ROOT,
                "noise throughput, draws of %d x %s, %.1f s per measurement, %s %s%n",
                BATCH,
                SAMPLE,
                seconds,
                System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        long[] seeds = new long[BATCH];
        Arrays.setAll(seeds, i -> 1000 + i);
        run("sdk (xoshiro256**, per-sample streams)", SdkNoise.INSTANCE, false, seeds, seconds);
        run("torch-cpu avx2, one generator", TorchNoise.avx2(), false, seeds, seconds);
        run("torch-cpu avx2, per-sample generators", TorchNoise.avx2(), true, seeds, seconds);
        run("torch-cpu default, one generator", TorchNoise.of(TorchCpuKernel.DEFAULT), false, seeds, seconds);
        run("torch-cpu default, per-sample generators", TorchNoise.of(TorchCpuKernel.DEFAULT), true, seeds, seconds);
    }

    private static void run(String name, NoiseSource source, boolean perSample, long[] seeds, double seconds) {
        NoiseStream stream = perSample ? source.openPerSample(seeds) : source.open(42, BATCH);
        double sink = 0;
        // warm-up: let the JIT compile the draw loop
        long warmEnd = System.nanoTime() + (long) (seconds * 0.5e9);
        while (System.nanoTime() < warmEnd) {
            sink += stream.next(SAMPLE)[7];
        }
        double[] rates = new double[5];
        for (int r = 0; r < rates.length; r++) {
            long values = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds / rates.length * 1e9);
            long now;
            do {
                float[] x = stream.next(SAMPLE);
                sink += x[x.length - 1];
                values += x.length;
                now = System.nanoTime();
            } while (now < end);
            rates[r] = values / ((now - start) / 1e9);
        }
        Arrays.sort(rates);
        System.out.printf(
                Locale.ROOT,
                "%-44s median %7.1f M normals/s  (min %.1f, max %.1f)  [checksum %.3f]%n",
                name,
                rates[2] / 1e6,
                rates[0] / 1e6,
                rates[4] / 1e6,
                sink);
    }
}
