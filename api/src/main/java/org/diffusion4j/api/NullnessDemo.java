package org.diffusion4j.api;

/** Enforcement demonstration (reverted in the next commit): a non-null return type returning null. */
final class NullnessDemo {
    private NullnessDemo() {}

    static String name() {
        return null;
    }
}
