package org.diffusion4j.spark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Local-mode Spark sessions for the tests: no UI, few shuffle partitions. */
final class Spark {
    private Spark() {}

    /** A fresh session on {@code master} (local[k] or local[k,maxFailures]); the caller stops it. */
    static SparkSession local(String master) {
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
        return SparkSession.builder()
                .master(master)
                .appName("diffusion4j-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    /** The committed fixture model {@code name}.onnx. */
    static Path fixture(String name) {
        String dir = System.getProperty("diffusion4j.fixtures");
        if (dir == null) {
            throw new IllegalStateException(
                    "system property diffusion4j.fixtures is not set (the surefire configuration sets it)");
        }
        Path p = Path.of(dir, name + ".onnx").toAbsolutePath().normalize();
        if (!p.toFile().isFile()) {
            throw new IllegalStateException("missing committed fixture " + p);
        }
        return p;
    }
}
