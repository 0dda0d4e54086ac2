package org.diffusion4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.diffusion4j.pipeline.PipelineListener;
import org.diffusion4j.pipeline.Progress;

/**
 * Progress of a run: a redrawn bar with rate and ETA on a terminal; a plain line every few seconds
 * (and at each end of a batch) when the output is a file or pipe. {@link #cancel()} (from the
 * shutdown hook on Ctrl-C) stops the run after the current step.
 */
final class ProgressReporter implements PipelineListener {
    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final long start = System.nanoTime();
    private long lastPrint;
    private long steps;

    ProgressReporter(PrintStream out, boolean terminal, long intervalMillis) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = intervalMillis * 1_000_000L;
        this.lastPrint = start;
    }

    void cancel() {
        cancelled.set(true);
    }

    @Override
    public boolean cancelled() {
        return cancelled.get();
    }

    @Override
    public void onVariant(int index, int count, String label) {
        if (count > 1) {
            finishLine();
            out.println("[" + (index + 1) + "/" + count + "] " + label);
        }
    }

    @Override
    public void onProgress(Progress p) {
        steps++;
        long now = System.nanoTime();
        double f = p.fraction();
        double elapsed = (now - start) / 1e9;
        double rate = steps / Math.max(elapsed, 1e-9);
        double eta = f > 0 ? elapsed * (1 - f) / f : 0;
        String stats = String.format(
                Locale.ROOT,
                "batch %d/%d step %d/%d  %5.1f%%  %.1f steps/s  ETA %s",
                p.batch(),
                p.batches(),
                p.step(),
                p.steps(),
                100 * f,
                rate,
                time(eta));
        if (terminal) {
            int width = 30;
            int filled = (int) Math.round(f * width);
            out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + stats);
            if (f >= 1) {
                out.println();
            }
            out.flush();
        } else if (now - lastPrint >= intervalNanos || (p.batchDone() && p.batch() == p.batches())) {
            lastPrint = now;
            out.println(stats);
        }
    }

    void finishLine() {
        if (terminal) {
            out.println();
        }
    }

    static String time(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
