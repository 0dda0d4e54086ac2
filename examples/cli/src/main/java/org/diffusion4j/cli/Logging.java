package org.diffusion4j.cli;

/**
 * Log levels of the command line (slf4j-simple, configured by system properties). A logger takes its
 * level when it is created, which for every library class is after these calls: the command line
 * itself logs nothing before the run starts. A level given on the command line ({@code -D...}) wins.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {}

    /**
     * The defaults of every run, the same with the launcher and with {@code java -jar}: DJL's INFO
     * lines (engine, threads, platform) are hidden, and so is DJL's probe of a CUDA runtime (the CPU
     * build is used unless a GPU is asked for; when one is asked for and missing, the backend says so
     * itself). Nothing is ever downloaded ({@code ai.djl.offline}).
     */
    static void defaults() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent(PREFIX + "log.ai.djl", "warn");
        setIfAbsent(PREFIX + "log.ai.djl.util.cuda", "error");
    }

    /** {@code --quiet}: only warnings and errors, from every library. */
    static void quiet() {
        setIfAbsent(PREFIX + "defaultLogLevel", "warn");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
