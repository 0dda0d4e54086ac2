package org.diffusion4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.OutputSpec;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.jspecify.annotations.Nullable;

/**
 * Sampling documents on Apache Spark, with the samples one machine gives.
 *
 * <h2>Which samples</h2>
 * The document's grid has m = {@code labels.size()} rows and C = {@code samplesPerLabel} columns, G = m·C
 * cells; {@link SamplingPipeline} samples it row by row in batches of {@code batchSize}. Sample i of a
 * distributed run is cell j = i mod G of grid copy b = i div G: label {@code labels[j div C]}, per-sample
 * noise seed {@code SamplingPipeline.sampleSeed(seed, b·C + j mod C)}. So samples 0..G−1 are the
 * single-machine grid in its order, and later copies continue the columns with new seeds. Tasks are the
 * single-machine batches: each grid copy is cut into runs of {@code batchSize} consecutive cells (the last
 * one shorter, and the last copy cut at n). Sample i thus depends only on the document, n and i, never on
 * the partitioning, the executors, task retries or speculative execution; and with the document's batch
 * size each task computes exactly the batch one machine computes, so the bits are the same on the same
 * machine and kernels whatever the backend (see the module README for when they can differ).
 *
 * <h2>Models</h2>
 * The model file ({@code model.file}) may be a URI of any Hadoop file system ({@code file:}, {@code hdfs:},
 * {@code s3a:}); each JVM copies it once to a local temporary file. Each executor JVM loads the model once
 * (see {@code ModelHolder}) and all its tasks share it.
 */
public final class DiffusionSpark {
    /** The columns of a sample data set. */
    public static final StructType SCHEMA = new StructType()
            .add("index", DataTypes.LongType, false)
            .add("label", DataTypes.IntegerType, true)
            .add("seed", DataTypes.LongType, false)
            .add("sample", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("png", DataTypes.BinaryType, true);

    /** As n: the document's grid, {@code labels.size() × samplesPerLabel} samples (a single-machine run's). */
    public static final long GRID = -1;

    /** Samples per task when neither the options nor the document give a batch size. */
    public static final int DEFAULT_BATCH = 64;

    private DiffusionSpark() {}

    /**
     * How a run is split and where relative files are.
     *
     * @param baseDirectory relative file names in the document resolve against it (a local folder or a URI)
     * @param batchSize     samples per task; 0: the document's {@code batchSize}, else {@value #DEFAULT_BATCH}
     *                      (another batch size than the document's changes which samples share a batch, which can
     *                      change the last bit with kernels that depend on the batch size, ONNX Runtime's)
     * @param partitions    Spark partitions; 0: one per task
     * @param png           whether to encode the PNG column
     */
    public record Options(String baseDirectory, int batchSize, int partitions, boolean png) implements Serializable {
        public Options {
            if (batchSize < 0 || partitions < 0) {
                throw new IllegalArgumentException("batchSize and partitions must be >= 0 (0: the default), got "
                        + batchSize + " and " + partitions);
            }
        }

        /** The working directory, the document's batch size, one partition per task, PNGs on. */
        public static Options defaults() {
            return new Options(Path.of("").toAbsolutePath().toString(), 0, 0, true);
        }

        public Options withBatchSize(int b) {
            return new Options(baseDirectory, b, partitions, png);
        }

        public Options withPartitions(int p) {
            return new Options(baseDirectory, batchSize, p, png);
        }

        public Options withPng(boolean p) {
            return new Options(baseDirectory, batchSize, partitions, p);
        }

        public Options withBaseDirectory(String d) {
            return new Options(d, batchSize, partitions, png);
        }
    }

    /** {@code n} samples of {@code document} with the default options. */
    public static Dataset<Row> sample(SparkSession spark, JsonNode document, long n) {
        return sample(spark, document, n, Options.defaults());
    }

    /**
     * {@code n} samples of {@code document}, as a lazily computed data set with the columns of {@link #SCHEMA}.
     * The document is checked here, on the driver; the model is loaded by the executors.
     *
     * @throws org.diffusion4j.pipeline.PipelineConfigException listing the document's problems
     * @param n the number of samples, or {@link #GRID}
     * @throws IllegalArgumentException for a sweep (submit one run per value) or n &lt; 0
     */
    public static Dataset<Row> sample(SparkSession spark, JsonNode document, long n, Options options) {
        Plan plan = plan(spark, document, n, options);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Integer> tasks = new ArrayList<>();
        for (int t = 0; t < plan.tasks(); t++) {
            tasks.add(t);
        }
        int parts = options.partitions() > 0 ? options.partitions() : Math.max(1, tasks.size());
        JavaRDD<Row> rows = jsc.parallelize(tasks, parts).flatMap(plan::rows);
        return spark.createDataFrame(rows, SCHEMA);
    }

    static Plan plan(SparkSession spark, JsonNode document, long n, Options options) {
        if (!(document instanceof ObjectNode doc0)) {
            throw new IllegalArgumentException(
                    "expected a sampling document (a JSON object), got " + document.getNodeType());
        }
        if (n < 0 && n != GRID) {
            throw new IllegalArgumentException("n must be >= 0 (or GRID: the document's grid), got " + n);
        }
        if (doc0.has("sweep")) {
            throw new IllegalArgumentException(
                    "a distributed run samples one variant: remove /sweep and submit one run per value");
        }
        ObjectNode doc = doc0.deepCopy();
        ModelFiles.Conf conf = new ModelFiles.Conf(spark.sparkContext().hadoopConfiguration());
        String modelUri = null;
        JsonNode model = doc.get("model");
        String localBase = ModelFiles.isUri(options.baseDirectory())
                ? Path.of("").toAbsolutePath().toString()
                : options.baseDirectory();
        if (model instanceof ObjectNode m
                && "file".equals(m.path("type").asText())
                && m.path("file").isTextual()) {
            String f = m.get("file").asText();
            if (ModelFiles.isUri(f)) {
                modelUri = f;
            } else if (ModelFiles.isUri(options.baseDirectory())) {
                modelUri = options.baseDirectory().replaceAll("/+$", "") + "/" + f;
            } else {
                m.put(
                        "file",
                        Path.of(options.baseDirectory())
                                .resolve(f)
                                .toAbsolutePath()
                                .normalize()
                                .toString());
            }
        }
        // checked on the driver, against a local copy of a remote model file
        ObjectNode local = doc;
        if (modelUri != null) {
            local = doc.deepCopy();
            ((ObjectNode) local.get("model"))
                    .put("file", ModelFiles.local(modelUri, conf).toString());
        }
        SamplingPipeline p = SamplingPipeline.fromJson(
                local,
                PipelineOptions.defaults().withBaseDirectory(Path.of(localBase)).withSource("sampling document"));
        int batch = options.batchSize() > 0
                ? options.batchSize()
                : p.spec().batchSize().orElse(DEFAULT_BATCH);
        long count = n == GRID ? (long) p.spec().labels().size() * p.spec().samplesPerLabel() : n;
        OutputSpec out = p.spec().output();
        return new Plan(
                Json.write(doc),
                modelUri,
                modelUri != null
                        ? modelUri
                        : model.path("file").asText(model.path("type").asText()),
                conf,
                localBase,
                new ArrayList<>(p.spec().labels()),
                p.spec().samplesPerLabel(),
                p.spec().seed(),
                count,
                batch,
                options.png(),
                out.valueLow(),
                out.valueHigh());
    }

    /** What every task needs, shipped to the executors. */
    record Plan(
            String document,
            @Nullable String modelUri,
            String modelName,
            ModelFiles.Conf conf,
            String baseDirectory,
            ArrayList<@Nullable Integer> labels,
            int columns,
            long seed,
            long n,
            int batchSize,
            boolean png,
            double low,
            double high)
            implements Serializable {

        /** Cells of one grid copy. */
        long grid() {
            return (long) labels.size() * columns;
        }

        /** Tasks per grid copy. */
        long tasksPerGrid() {
            return (grid() + batchSize - 1) / batchSize;
        }

        int tasks() {
            long copies = (n + grid() - 1) / grid();
            return Math.toIntExact(copies * tasksPerGrid());
        }

        /** The rows of task {@code t}: the t mod T-th run of batchSize cells of grid copy t div T, cut at n. */
        Iterator<Row> rows(int t) {
            long copy = t / tasksPerGrid();
            long from = copy * grid() + (t % tasksPerGrid()) * batchSize;
            long to = Math.min(Math.min(from + batchSize, (copy + 1) * grid()), n);
            int count = (int) (to - from);
            if (count <= 0) {
                return java.util.Collections.emptyIterator();
            }
            SamplingPipeline.Session s = session();
            List<@Nullable Integer> ls = new ArrayList<>(count);
            long[] seeds = new long[count];
            for (int k = 0; k < count; k++) {
                ls.add(label(from + k));
                seeds[k] = seed(from + k);
            }
            float[] all = s.sample(0, ls, seeds);
            Shape shape = s.sampleShape();
            int size = Math.toIntExact(shape.size());
            List<Row> rows = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                float[] one = java.util.Arrays.copyOfRange(all, k * size, (k + 1) * size);
                rows.add(RowFactory.create(
                        from + k, ls.get(k), seeds[k], one, png ? Png.encode(all, k * size, shape, low, high) : null));
            }
            return rows.iterator();
        }

        /** The label of sample i: row (i mod G) div C. */
        @Nullable
        Integer label(long i) {
            return labels.get((int) ((i % grid()) / columns));
        }

        /** The noise seed of sample i: column (i div G)·C + (i mod G) mod C. */
        long seed(long i) {
            return SamplingPipeline.sampleSeed(seed, Math.toIntExact((i / grid()) * columns + (i % grid()) % columns));
        }

        SamplingPipeline.Session session() {
            ObjectNode d = (ObjectNode) Json.parse(document, "sampling document");
            if (modelUri != null) {
                ((ObjectNode) d.get("model"))
                        .put("file", ModelFiles.local(modelUri, conf).toString());
            }
            return ModelHolder.session(d, Path.of(baseDirectory), modelName);
        }
    }

    /**
     * Writes {@code samples} as Parquet to {@code outputUri/samples.parquet} and, when {@code pngs}, each PNG to
     * {@code outputUri/png/sample-<index>.png} (read back from the Parquet files: nothing is sampled twice).
     */
    public static void write(Dataset<Row> samples, String outputUri, boolean pngs) {
        String base = outputUri.replaceAll("/+$", "");
        samples.write().mode(SaveMode.ErrorIfExists).parquet(base + "/samples.parquet");
        if (pngs) {
            SparkSession spark = samples.sparkSession();
            ModelFiles.Conf conf = new ModelFiles.Conf(spark.sparkContext().hadoopConfiguration());
            String dir = base + "/png";
            spark.read()
                    .parquet(base + "/samples.parquet")
                    .select("index", "png")
                    .where("png is not null")
                    .javaRDD()
                    .foreachPartition(it -> {
                        org.apache.hadoop.conf.Configuration c = conf.get();
                        while (it.hasNext()) {
                            Row r = it.next();
                            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(
                                    dir, String.format(Locale.ROOT, "sample-%08d.png", r.getLong(0)));
                            FileSystem fs = p.getFileSystem(c);
                            try (OutputStream o = fs.create(p, true)) {
                                o.write((byte[]) r.get(1));
                            }
                        }
                    });
        }
    }

    /**
     * {@code spark-submit --class org.diffusion4j.spark.DiffusionSpark app.jar DOCUMENT OUTPUT [--n N] [--no-png]
     * [--batch-size B] [--partitions P]}: DOCUMENT a local path or a URI; relative model files resolve against its
     * folder; n defaults to labels × samplesPerLabel of the document.
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println(
                    "usage: DiffusionSpark DOCUMENT OUTPUT_URI [--n N] [--no-png] [--batch-size B] [--partitions P]");
            System.exit(2);
        }
        long n = GRID;
        boolean png = true;
        int batch = 0;
        int parts = 0;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--n" -> n = Long.parseLong(args[++i]);
                case "--no-png" -> png = false;
                case "--batch-size" -> batch = Integer.parseInt(args[++i]);
                case "--partitions" -> parts = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        SparkSession spark = SparkSession.builder().appName("diffusion4j").getOrCreate();
        try {
            String docName = args[0];
            JsonNode doc = Json.parse(readText(spark, docName), docName);
            String base = ModelFiles.isUri(docName)
                    ? docName.substring(0, docName.lastIndexOf('/'))
                    : Path.of(docName).toAbsolutePath().getParent().toString();
            long t0 = System.nanoTime();
            Dataset<Row> ds = sample(spark, doc, n, new Options(base, batch, parts, png));
            write(ds, args[1], png);
            double s = (System.nanoTime() - t0) / 1e9;
            long count = spark.read()
                    .parquet(args[1].replaceAll("/+$", "") + "/samples.parquet")
                    .count();
            System.out.printf(
                    Locale.ROOT,
                    "diffusion4j: %d samples in %.2f s (%.1f samples/s) to %s%n",
                    count,
                    s,
                    count / s,
                    args[1]);
        } finally {
            spark.stop();
        }
    }

    private static String readText(SparkSession spark, String name) {
        try {
            if (!ModelFiles.isUri(name)) {
                return java.nio.file.Files.readString(Path.of(name));
            }
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(new java.net.URI(name));
            try (InputStream in =
                    p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException | java.net.URISyntaxException e) {
            throw new UncheckedIOException(new IOException("cannot read document " + name + ": " + e, e));
        }
    }
}
