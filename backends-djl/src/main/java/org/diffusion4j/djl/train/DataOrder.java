package org.diffusion4j.djl.train;

import org.diffusion4j.api.noise.SdkNoise;

/**
 * The order in which training visits a data set: epoch e is a Fisher–Yates permutation drawn from a
 * stream seeded with (seed, e), and draw n of the run is element n mod N of epoch ⌊n / N⌋. A pure
 * function of (seed, n), so a resumed run visits exactly the images the uninterrupted one would.
 */
public final class DataOrder {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final long EPOCH_SALT = 0x5DEECE66DL;

    private final int size;
    private final long seed;
    private long epoch = -1;
    private int[] perm = new int[0];

    public DataOrder(int size, long seed) {
        if (size <= 0) {
            throw new IllegalArgumentException("cannot train on an empty data set");
        }
        this.size = size;
        this.seed = seed;
    }

    /** The data index of draw {@code n} (0-based over the whole run). */
    public int index(long n) {
        long e = n / size;
        if (e != epoch) {
            perm = permutation(e);
            epoch = e;
        }
        return perm[(int) (n % size)];
    }

    private int[] permutation(long e) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        SdkNoise.Normal rng = SdkNoise.normal((seed ^ EPOCH_SALT) + (e + 1) * GOLDEN_GAMMA);
        for (int i = size - 1; i > 0; i--) {
            int j = (int) Math.floorMod(rng.nextLong(), (long) (i + 1));
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** The generator of the random draws of step {@code step} (times, noise, condition dropout). */
    public static SdkNoise.Normal stepRng(long seed, long step) {
        return SdkNoise.normal(seed + (step + 1) * GOLDEN_GAMMA);
    }

    /** A 32-bit seed for the engine's generator (dropout masks) at step {@code step}. */
    public static int engineSeed(long seed, long step) {
        return (int) (SdkNoise.mix64(seed + (step + 1) * GOLDEN_GAMMA + 0x632BE59BD9B4E019L) >>> 33);
    }
}
