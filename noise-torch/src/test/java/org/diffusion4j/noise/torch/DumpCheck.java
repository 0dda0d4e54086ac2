package org.diffusion4j.noise.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Compares this module with dumps too large to commit, written by {@code tools/torch-noise}
 * ({@code dump_large.py}, {@code libm_dump.c}); a program for one-off checks, not a test. Prints the
 * number of differing values and the first few.
 *
 * <pre>
 * java -cp noise-torch/target/classes:noise-torch/target/test-classes org.diffusion4j.noise.torch.DumpCheck large FILE KERNEL SEED
 * ... DumpCheck small FILE SEED     (draws of 1, 2, 3, 5, 7, 11, 13, 15 values in turn)
 * ... DumpCheck libm DIR            (logf.f32 and sincosf.f32 from libm_dump)
 * ... DumpCheck libm64 FILE         (log, sin, cos records from libm_double_dump.py)
 * ... DumpCheck small64 FILE SEED   (float64 small draws from dump_small64.py: the sampler's doubles)
 * </pre>
 */
public final class DumpCheck {
    private static final int[] SMALL_SIZES = {1, 2, 3, 5, 7, 11, 13, 15};

    private DumpCheck() {}

    public static void main(String[] args) throws IOException {
        if (args.length >= 4 && args[0].equals("large")) {
            FloatBuffer expected = read(Path.of(args[1]));
            float[] actual = TorchGenerator.manualSeed(GoldenVectors.seed(args[3]), TorchCpuKernel.fromId(args[2]))
                    .randn(expected.remaining());
            report("torch.randn(" + actual.length + ") " + args[2], expected, actual);
        } else if (args.length >= 3 && args[0].equals("small")) {
            FloatBuffer expected = read(Path.of(args[1]));
            float[] actual = new float[expected.remaining()];
            TorchGenerator g = TorchGenerator.manualSeed(GoldenVectors.seed(args[2]));
            int pos = 0;
            for (int i = 0; pos < actual.length; i++) {
                int n = SMALL_SIZES[i % SMALL_SIZES.length];
                g.randn(actual, pos, n);
                pos += n;
            }
            report("small draws", expected, actual);
        } else if (args.length >= 3 && args[0].equals("small64")) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of(args[1]))).order(ByteOrder.LITTLE_ENDIAN);
            int n = b.remaining() / 8;
            TorchGenerator g = TorchGenerator.manualSeed(GoldenVectors.seed(args[2]));
            long bad = 0;
            for (int i = 0; i < n; i++) {
                double want = b.getDouble();
                double got = DoubleBoxMuller.next(g);
                if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(want) && bad++ < 5) {
                    System.out.printf(
                            "value %d: torch %s, reproduced %s%n",
                            i, Double.toHexString(want), Double.toHexString(got));
                }
            }
            System.out.printf("float64 small draws: %d values, %d differ%n", n, bad);
        } else if (args.length >= 2 && args[0].equals("libm64")) {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(Path.of(args[1]))).order(ByteOrder.LITTLE_ENDIAN);
            int n = b.remaining() / 32;
            long[] bad = new long[3];
            long[] strict = new long[3];
            for (int i = 0; i < n; i++) {
                long k = b.getLong();
                double u = k * 0x1p-53;
                double theta = 2.0 * Math.PI * u;
                double[] want = {b.getDouble(), b.getDouble(), b.getDouble()};
                double[] got = {GlibcLog.log(1.0 - u), GlibcSinCos.sin(theta), GlibcSinCos.cos(theta)};
                double[] fdlibm = {StrictMath.log(1.0 - u), StrictMath.sin(theta), StrictMath.cos(theta)};
                for (int j = 0; j < 3; j++) {
                    if (Double.doubleToRawLongBits(got[j]) != Double.doubleToRawLongBits(want[j])) {
                        if (bad[j]++ < 5) {
                            System.out.printf(
                                    "%s k=%d: glibc %s, reproduced %s%n",
                                    new String[] {"log", "sin", "cos"}[j],
                                    k,
                                    Double.toHexString(want[j]),
                                    Double.toHexString(got[j]));
                        }
                    }
                    if (Double.doubleToRawLongBits(fdlibm[j]) != Double.doubleToRawLongBits(want[j])) {
                        strict[j]++;
                    }
                }
            }
            System.out.printf(
                    "%d inputs: differing log %d, sin %d, cos %d (StrictMath differs: log %d, sin %d, cos %d)%n",
                    n, bad[0], bad[1], bad[2], strict[0], strict[1], strict[2]);
        } else if (args.length >= 2 && args[0].equals("libm")) {
            FloatBuffer logf = read(Path.of(args[1], "logf.f32"));
            FloatBuffer sincosf = read(Path.of(args[1], "sincosf.f32"));
            int n = 1 << 24;
            float[] log = new float[n];
            float[] sc = new float[2 * n];
            float[] pair = new float[2];
            for (int k = 0; k < n; k++) {
                float u = k * 0x1p-24f;
                log[k] = GlibcLogf.logf(1.0f - u);
                GlibcSincosf.sincosf((float) (2.0 * Math.PI * u), pair);
                sc[2 * k] = pair[0];
                sc[2 * k + 1] = pair[1];
            }
            report("logf(1 - k 2^-24), all k", logf, log);
            report("sincosf(2 pi k 2^-24), all k", sincosf, sc);
        } else {
            System.err.println("usage: DumpCheck large FILE KERNEL SEED | small FILE SEED | libm DIR");
            System.exit(2);
        }
    }

    private static FloatBuffer read(Path p) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(p))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
    }

    private static void report(String what, FloatBuffer expected, float[] actual) {
        int differ = 0;
        for (int i = 0; i < actual.length; i++) {
            float e = expected.get(i);
            if (Float.floatToRawIntBits(e) != Float.floatToRawIntBits(actual[i])) {
                if (differ++ < 5) {
                    System.out.println("  at " + i + ": " + actual[i] + " instead of " + e);
                }
            }
        }
        System.out.println(what + ": " + actual.length + " values, " + differ + " differ");
    }
}
