package org.diffusion4j.io;

/** A run drew more noise than its recording holds; the message says how much more, at which draw. */
public final class RecordedNoiseExhaustedException extends IllegalStateException {
    /** With the message. */
    public RecordedNoiseExhaustedException(String message) {
        super(message);
    }
}
