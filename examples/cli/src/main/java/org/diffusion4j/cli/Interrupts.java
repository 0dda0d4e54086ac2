package org.diffusion4j.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Ctrl-C (SIGINT) and SIGTERM for the command line: a cancellation request, never an exit.
 *
 * <p>{@link #install()} replaces the JVM's handlers of both signals, which would start the shutdown
 * sequence and stop the JVM while the run is still writing a file. The handler only records the signal;
 * the run polls {@link #requested()} at every sampling or training step, stops there, deletes its
 * temporary files and returns exit code {@code 128 + signal number} (130 for Ctrl-C) after printing one
 * line {@code cancelled: ...}. Further signals while the run stops change nothing.
 *
 * <p>Test hook (hidden): with {@code -Ddiffusion4j.test.awaitSignalAtStep=N} the run prints
 * {@code [test] step N: waiting for a signal} to stderr at its step N and waits (at most 60 s) until a
 * signal has arrived, so a test can send one at a known point without depending on timing.
 */
final class Interrupts {
    /** Exit code of a run cancelled by Ctrl-C (SIGINT): 128 + 2. */
    static final int CANCELLED = 130;

    private static final AtomicReference<@Nullable Signal> RECEIVED = new AtomicReference<>();
    private static final long AWAIT_AT_STEP = Long.getLong("diffusion4j.test.awaitSignalAtStep", -1);

    /** A signal that cancels a run. */
    enum Signal {
        INT(2),
        TERM(15);

        final int number;

        Signal(int number) {
            this.number = number;
        }

        /** The exit code of a run it cancelled. */
        int exitCode() {
            return 128 + number;
        }
    }

    private Interrupts() {}

    /**
     * Handles SIGINT and SIGTERM by requesting cancellation. Where a signal cannot be handled (the JVM
     * runs with {@code -Xrs}, or the signal was ignored when the process started) it keeps its default.
     */
    @SuppressWarnings("restriction")
    static void install() {
        for (Signal s : Signal.values()) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(s.name()), sig -> RECEIVED.compareAndSet(null, s));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the JVM keeps this signal (-Xrs, or no such signal on this OS): its default stays
            }
        }
    }

    /** Whether a signal has asked the run to stop. */
    static boolean requested() {
        return RECEIVED.get() != null;
    }

    /** The exit code for a run cancelled now: 130 after Ctrl-C, 143 after SIGTERM. */
    static int exitCode() {
        Signal s = RECEIVED.get();
        return s == null ? CANCELLED : s.exitCode();
    }

    /** Requests cancellation as if {@code s} had arrived (tests, in-process callers). */
    static void request(Signal s) {
        RECEIVED.compareAndSet(null, s);
    }

    /** Forgets a request (tests running several commands in one JVM). */
    static void reset() {
        RECEIVED.set(null);
    }

    /** The test hook: see the class comment. Called at every step of a run. */
    static void atStep(long step, PrintWriter err) {
        if (step != AWAIT_AT_STEP) {
            return;
        }
        err.println("[test] step " + step + ": waiting for a signal");
        err.flush();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!requested() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
