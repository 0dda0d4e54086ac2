package org.diffusion4j.pipeline;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How much memory one grid of a run needs, estimated from the document before anything runs, and the
 * check against what the JVM may use. A run's grids are sampled one after the other; with
 * {@link SamplingPipeline#sample(PipelineListener, java.util.function.BiConsumer)} (the command line)
 * each grid is handed on and dropped before the next starts, so the peak is that of one grid:
 * <ul>
 *   <li>while sampling: the grid in host memory (each batch is copied there when done) plus the
 *   sampler's working set for one batch, {@value #WORKING_COPIES} copies of the batch (state,
 *   prediction, x₀ estimate, noise, the doubled batch of classifier-free guidance, the temporaries of
 *   one update and the batch's host copy);</li>
 *   <li>while the picture is drawn: the grid plus the image at 4 bytes a pixel (image samples
 *   {@code [1 or 3, H, W]} only; other samples are plotted on a fixed-size canvas, and their CSV is
 *   written as it is made).</li>
 * </ul>
 * A document's {@code initialState} (x_T for the whole run, {@code [samples, ...sampleShape]} float32) is
 * held for the whole run, beside the grid; while it is read, the file's values, the reader's array and the
 * run's copy are alive at once ({@value #INITIAL_STATE_LOAD_COPIES} copies). The embeddings of
 * {@code sampleEmbeddings} (float32) are held for the whole run too.
 * Besides the estimate, Java arrays bound a grid: at most 2³¹−1 floats (and pixels) each.
 */
final class RunSize {
    /** Copies of one batch the sampler holds at a time (an estimate; see the class comment). */
    static final int WORKING_COPIES = 12;
    /** The largest Java array. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;
    /** Copies of the initial state alive while it is read (see the class comment). */
    static final int INITIAL_STATE_LOAD_COPIES = 3;

    private final long rows;
    private final long cols;
    private final long chunk;
    private final long sampleSize;
    private final int[] shape;
    private final OutputSpec output;
    private final boolean initialState;
    private final long embeddingBytes;

    RunSize(SampleSpec spec, int[] sampleShape) {
        this.rows = spec.labels().size();
        this.cols = spec.samplesPerLabel();
        this.chunk = Math.min(rows * cols, spec.batchSize().orElse((int) Math.min(Integer.MAX_VALUE, rows * cols)));
        long d = 1;
        for (int x : sampleShape) {
            d = multiply(d, x);
        }
        this.sampleSize = d;
        this.shape = sampleShape.clone();
        this.output = spec.output();
        this.initialState = spec.initialState().isPresent();
        this.embeddingBytes = multiply(spec.embeddingValues(), 4);
    }

    /** Samples in one grid. */
    long samples() {
        return rows * cols;
    }

    /** Floats in one grid. */
    long floats() {
        return multiply(samples(), sampleSize);
    }

    long gridBytes() {
        return multiply(floats(), 4);
    }

    long workingBytes() {
        return multiply(multiply(chunk, sampleSize), 4L * WORKING_COPIES);
    }

    /** Pixels of the grid picture; 0 when the samples are not images. */
    long imagePixels() {
        if (shape.length != 3 || (shape[0] != 1 && shape[0] != 3)) {
            return 0;
        }
        long w = cols * ((long) shape[2] * output.upscale() + output.padding()) + output.padding();
        long h = rows * ((long) shape[1] * output.upscale() + output.padding()) + output.padding();
        return multiply(w, h);
    }

    /** The initial state held through the run, bytes; 0 when the document gives none. */
    long initialStateBytes() {
        return initialState ? gridBytes() : 0;
    }

    /** What the run holds besides its grid: the initial state and the sample embeddings, bytes. */
    long heldBytes() {
        return add(initialStateBytes(), embeddingBytes);
    }

    /** The estimated peak for one grid, bytes. */
    long peakBytes() {
        long loading = add(multiply(initialStateBytes(), INITIAL_STATE_LOAD_COPIES), embeddingBytes);
        long sampling = add(add(gridBytes(), workingBytes()), heldBytes());
        long drawing = add(add(gridBytes(), multiply(imagePixels(), 4)), heldBytes());
        return Math.max(loading, Math.max(sampling, drawing));
    }

    /**
     * The problem with a run whose grid does not fit, or empty.
     *
     * @param o      the options: their memory limit
     * @param grids  grids held at once (1 when streamed)
     */
    Optional<String> problem(PipelineOptions o, int grids) {
        long limit = limit(o);
        String what = "a grid of " + rows + " label row(s) × " + cols + " samples of shape " + Arrays.toString(shape);
        String hint = "; use fewer labels or samplesPerLabel, or split the run into several documents";
        if (floats() > MAX_ARRAY) {
            return Optional.of(
                    what + " has " + floats() + " values, more than a Java array holds (" + MAX_ARRAY + ")" + hint);
        }
        if (imagePixels() > MAX_ARRAY) {
            return Optional.of(what + " draws a picture of " + imagePixels() + " pixels, more than a Java image holds ("
                    + MAX_ARRAY + "); lower output.upscale, or use fewer labels or samplesPerLabel");
        }
        long need = add(peakBytes(), multiply(gridBytes(), Math.max(0, grids - 1)));
        if (need > limit) {
            StringBuilder sb = new StringBuilder(what)
                    .append(" needs about ")
                    .append(bytes(need))
                    .append(" of memory (samples ")
                    .append(bytes(gridBytes()));
            if (grids > 1) {
                sb.append(" per grid, ").append(grids).append(" grids held");
            }
            sb.append(", sampler working set ")
                    .append(bytes(workingBytes()))
                    .append(" for batches of ")
                    .append(chunk);
            if (imagePixels() > 0) {
                sb.append(", picture ").append(bytes(multiply(imagePixels(), 4)));
            }
            if (initialState) {
                sb.append(", initial state ").append(bytes(initialStateBytes()));
            }
            if (embeddingBytes > 0) {
                sb.append(", sample embeddings ").append(bytes(embeddingBytes));
            }
            sb.append("), more than the ")
                    .append(bytes(limit))
                    .append(" this run may use (")
                    .append(o.memoryLimit() > 0 ? "the pipeline options' memory limit" : limitSource())
                    .append(")")
                    .append(hint);
            if (chunk == samples() && samples() > 1) {
                sb.append(", or set batchSize to sample the grid in smaller batches");
            }
            return Optional.of(sb.toString());
        }
        return Optional.empty();
    }

    /** The options' limit, else three quarters of the JVM's maximum heap. */
    static long limit(PipelineOptions o) {
        return o.memoryLimit() > 0 ? o.memoryLimit() : Runtime.getRuntime().maxMemory() / 4 * 3;
    }

    private static String limitSource() {
        return "3/4 of the JVM's maximum heap " + bytes(Runtime.getRuntime().maxMemory()) + "; raise it with -Xmx";
    }

    static String bytes(long b) {
        if (b >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30));
        }
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }

    private static long multiply(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
