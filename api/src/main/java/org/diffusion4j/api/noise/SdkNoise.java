package org.diffusion4j.api.noise;

import org.apiguardian.api.API;

/**
 * The SDK's own Gaussian noise, identical on every platform, JVM and thread count.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li><b>Per-sample stream seeds.</b> For a run seed {@code s}, sample {@code i} (0-based) gets the
 *   stream seed {@code q_i = splitmix64(s + (i + 1) * 0x9E3779B97F4A7C15)}, the {@code (i+1)}-th output
 *   of a SplitMix64 generator started at {@code s} (Steele, Lea &amp; Flood 2014). With explicit
 *   per-sample seeds, {@code q_i} is the given seed. Sample i's noise therefore never depends on the batch
 *   size or on the other samples.</li>
 *   <li><b>Stream generator.</b> xoshiro256** (Blackman &amp; Vigna 2018), its four state words the
 *   first four outputs of SplitMix64 started at {@code q_i}.</li>
 *   <li><b>Normals.</b> Box–Muller on pairs of 64-bit outputs: {@code u1 = ((r1 >>> 11) + 1) · 2^-53 ∈ (0, 1]},
 *   {@code u2 = (r2 >>> 11) · 2^-53}, {@code ρ = sqrt(−2 ln u1)}, giving {@code ρ cos(2π u2)} then
 *   {@code ρ sin(2π u2)}, computed in double with {@link StrictMath} (fdlibm, bit-exact everywhere) and
 *   rounded to float. A draw of odd length keeps the second value for the stream's next draw.</li>
 * </ol>
 * Each draw of a run takes, for every sample in batch order, the next {@code sampleShape.size()}
 * values of that sample's stream.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class SdkNoise implements NoiseSource {

    /** The plugin id. */
    public static final String ID = "sdk";

    /** The one instance (the source is stateless). */
    public static final SdkNoise INSTANCE = new SdkNoise();

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private SdkNoise() {}

    @Override
    public String id() {
        return ID;
    }

    @Override
    public NoiseStream open(long seed, int batchSize) {
        long[] q = new long[batchSize];
        for (int i = 0; i < batchSize; i++) {
            q[i] = mix64(seed + (i + 1) * GOLDEN_GAMMA);
        }
        return new Stream(q);
    }

    @Override
    public NoiseStream openPerSample(long[] seeds) {
        return new Stream(seeds.clone());
    }

    /** A single-sample generator for stream seed {@code q}, for uses outside sampling (training draws). */
    public static Normal normal(long q) {
        return new Normal(q);
    }

    /**
     * The per-sample stream seed of sample {@code i}: {@code mix64(seed + (i + 1)·0x9E3779B97F4A7C15)}, the
     * (i+1)-th output of SplitMix64 started at {@code seed} (Steele, Lea &amp; Flood 2014, "Fast splittable
     * pseudorandom number generators", OOPSLA). The pipeline seeds grid column i with it.
     */
    public static long streamSeed(long seed, long i) {
        return mix64(seed + (i + 1) * GOLDEN_GAMMA);
    }

    /**
     * The SplitMix64 output function (Stafford's Mix13): a bijection of 64-bit values that spreads every
     * input bit over the output. The one seed-derivation function of the SDK; the pipeline and the
     * backends derive their seeds with it.
     */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "SdkNoise";
    }

    /** One xoshiro256** stream with its Box–Muller spare. Not thread-safe. */
    public static final class Normal {
        private long s0;
        private long s1;
        private long s2;
        private long s3;
        private double spare;
        private boolean hasSpare;

        Normal(long q) {
            long x = q;
            s0 = mix64(x += GOLDEN_GAMMA);
            s1 = mix64(x += GOLDEN_GAMMA);
            s2 = mix64(x += GOLDEN_GAMMA);
            s3 = mix64(x + GOLDEN_GAMMA);
        }

        /** The next 64 random bits (xoshiro256**). */
        public long nextLong() {
            long result = Long.rotateLeft(s1 * 5, 7) * 9;
            long t = s1 << 17;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= t;
            s3 = Long.rotateLeft(s3, 45);
            return result;
        }

        /** A uniform double in [0, 1) with 53 random bits. */
        public double nextUniform() {
            return (nextLong() >>> 11) * 0x1.0p-53;
        }

        /** The next standard normal value. */
        public double nextGaussian() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u1 = ((nextLong() >>> 11) + 1) * 0x1.0p-53;
            double u2 = (nextLong() >>> 11) * 0x1.0p-53;
            double rho = StrictMath.sqrt(-2 * StrictMath.log(u1));
            double theta = 2 * StrictMath.PI * u2;
            spare = rho * StrictMath.sin(theta);
            hasSpare = true;
            return rho * StrictMath.cos(theta);
        }

        /** Fills {@code out[from, to)} with standard normals rounded to float. */
        public void fill(float[] out, int from, int to) {
            for (int i = from; i < to; i++) {
                out[i] = (float) nextGaussian();
            }
        }
    }

    private static final class Stream implements NoiseStream {
        private final Normal[] streams;

        Stream(long[] q) {
            streams = new Normal[q.length];
            for (int i = 0; i < q.length; i++) {
                streams[i] = new Normal(q[i]);
            }
        }

        @Override
        public int batchSize() {
            return streams.length;
        }

        @Override
        public float[] next(org.diffusion4j.api.tensor.Shape sampleShape) {
            int per = sampleShape.intSize();
            float[] out = new float[Math.multiplyExact(per, streams.length)];
            for (int i = 0; i < streams.length; i++) {
                streams[i].fill(out, i * per, (i + 1) * per);
            }
            return out;
        }

        @Override
        public String toString() {
            return "SdkNoise.Stream[batch=" + streams.length + "]";
        }
    }
}
