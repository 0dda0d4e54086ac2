package org.diffusion4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.tensor.Shape;

/**
 * A noise source that replays recorded draws, for reproducing a stochastic sampler run made elsewhere
 * (for example a PyTorch DDPM loop that saved {@code x_T} and every step's {@code torch.randn} output).
 *
 * <p>The recording is one sequence of values in draw order: draw {@code k} of a run of batch size
 * {@code B} with sample shape {@code S} takes the next {@code B · prod(S)} values, laid out as a
 * row-major {@code [B, ...S]} tensor, exactly as {@link NoiseStream#next(Shape)} returns them. So
 * {@code numpy.save("noise.npy", np.concatenate([x_T.ravel()] + [z.ravel() for z in step_noises]))}
 * (or a stack of the draws, {@code [K, B, ...S]}) is a recording; the file's shape is not otherwise
 * interpreted. Float64 recordings are rounded to float32 on reading.
 *
 * <p>Seeds are not used: every stream the source opens replays the recording from its first value, so
 * two runs of the same source see the same noise. A draw that needs more values than are left fails
 * with {@link RecordedNoiseExhaustedException}, naming the draw and how many values were missing. The
 * stream does not check that a run used the whole recording ({@link Stream#remaining()} tells).
 */
public final class RecordedNoise implements NoiseSource {

    /** The plugin id. */
    public static final String ID = "recorded";

    private final float[] values;
    private final String source;

    private RecordedNoise(float[] values, String source) {
        this.values = values;
        this.source = source;
    }

    /** Replays the values of an {@code .npy}, safetensors (single tensor) file, in row-major order. */
    public static RecordedNoise fromFile(Path file) throws IOException {
        return new RecordedNoise(TensorFiles.read(file).toFloatArray(), file.toString());
    }

    /** Replays {@code values} (copied); {@code source} names them in errors. */
    public static RecordedNoise of(float[] values, String source) {
        return new RecordedNoise(values.clone(), Objects.requireNonNull(source, "source"));
    }

    /** The number of recorded values. */
    public int length() {
        return values.length;
    }

    @Override
    public String id() {
        return ID;
    }

    /** A stream replaying the recording from its start; {@code seed} is not used. */
    @Override
    public Stream open(long seed, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size " + batchSize + " is not positive");
        }
        return new Stream(batchSize);
    }

    /** A stream replaying the recording from its start for {@code seeds.length} samples; the seeds are not used. */
    @Override
    public Stream openPerSample(long[] seeds) {
        return open(0, seeds.length);
    }

    @Override
    public String toString() {
        return "RecordedNoise[" + source + ", " + values.length + " values]";
    }

    /** One replay of the recording. Not thread-safe. */
    public final class Stream implements NoiseStream {
        private final int batchSize;
        private int position;
        private int draws;

        private Stream(int batchSize) {
            this.batchSize = batchSize;
        }

        @Override
        public int batchSize() {
            return batchSize;
        }

        /**
         * The next {@code batchSize() · sampleShape.size()} recorded values.
         *
         * @throws RecordedNoiseExhaustedException if fewer values are left
         */
        @Override
        public float[] next(Shape sampleShape) {
            long n = (long) batchSize * sampleShape.size();
            long left = values.length - position;
            if (n > left) {
                throw new RecordedNoiseExhaustedException("recorded noise " + source + ": needed " + (n - left)
                        + " more values at draw " + draws + " (a draw of " + batchSize + " x "
                        + Arrays.toString(sampleShape.dims()) + " = " + n + " values; draws 0.." + (draws - 1)
                        + " used " + position + " of the " + values.length + " recorded values)");
            }
            float[] out = Arrays.copyOfRange(values, position, position + (int) n);
            position += (int) n;
            draws++;
            return out;
        }

        /** Values not yet drawn. */
        public int remaining() {
            return values.length - position;
        }

        /** Draws made so far. */
        public int draws() {
            return draws;
        }

        @Override
        public String toString() {
            return "RecordedNoise.Stream[" + source + ", draw " + draws + ", " + remaining() + " values left]";
        }
    }
}
