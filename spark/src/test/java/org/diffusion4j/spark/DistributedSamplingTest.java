package org.diffusion4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.diffusion4j.pipeline.Json;
import org.diffusion4j.pipeline.PipelineOptions;
import org.diffusion4j.pipeline.SampleSet;
import org.diffusion4j.pipeline.SamplingPipeline;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed samples are the single-machine samples, bit for bit: the comparisons below are exact
 * ({@code Float.floatToRawIntBits} equality), no tolerance. Each sample is computed from its own label and
 * noise seed by the same code ({@code SamplingPipeline.Session}) on the same machine and kernels whatever
 * task, batch or thread it lands in; what is being tested is that the partitioning, the executor count and
 * the grouping into batches change nothing. (Across machines with different CPUs, ONNX Runtime may pick
 * other kernels: then only float32 rounding bounds hold, see the module README.)
 */
class DistributedSamplingTest {
    private static final int LABELS = 4;
    private static final int COLUMNS = 6;
    private static final int N = LABELS * COLUMNS;

    private static SampleSet mixtureGrid;
    private static SampleSet onnxGrid;

    static ObjectNode mixtureDoc() {
        return (ObjectNode) Json.parse("""
                {"version": 1, "model": {"type": "gaussian-mixture"},
                 "schedule": {"type": "linear", "numTrainTimesteps": 1000},
                 "sampler": {"type": "ddim", "steps": 20, "eta": 1},
                 "guidance": {"type": "cfg", "guidanceScale": 2},
                 "labels": [0, 1, 2, null], "samplesPerLabel": %d, "seed": 11, "batchSize": 5}
                """.formatted(COLUMNS), "mixture");
    }

    static ObjectNode onnxDoc(String modelFile) {
        return (ObjectNode) Json.parse("""
                {"version": 1, "backend": {"type": "onnx", "intraOpThreads": 1},
                 "model": {"type": "file", "file": "%s", "sampleShape": [1, 8, 8], "numClasses": 3},
                 "schedule": {"type": "linear", "numTrainTimesteps": 1000},
                 "sampler": {"type": "ddim", "steps": 10, "eta": 1},
                 "guidance": {"type": "cfg", "guidanceScale": 2},
                 "labels": [0, 1, 2, null], "samplesPerLabel": %d, "seed": 5, "batchSize": 5}
                """.formatted(modelFile, COLUMNS), "onnx");
    }

    static ObjectNode djlDoc(String modelFile) {
        ObjectNode d = onnxDoc(modelFile);
        d.set("backend", Json.object().put("type", "djl").put("threads", 1));
        return d;
    }

    @BeforeAll
    static void singleMachine() {
        mixtureGrid = SamplingPipeline.fromJson(mixtureDoc(), PipelineOptions.defaults())
                .sample()
                .sets()
                .get(0);
        ObjectNode onnx = onnxDoc(Spark.fixture("gmm_eps").toString());
        onnxGrid = SamplingPipeline.fromJson(onnx, PipelineOptions.defaults())
                .sample()
                .sets()
                .get(0);
    }

    @AfterAll
    static void closeModels() {
        ModelHolder.closeAll();
    }

    /** Sample i &lt; G of a distributed run is cell i of the grid, row-major. */
    private static float[] gridSample(SampleSet grid, long i) {
        float[] all = grid.samples().toFloatArray();
        int size = all.length / N;
        return java.util.Arrays.copyOfRange(all, (int) i * size, ((int) i + 1) * size);
    }

    private static Map<Long, float[]> collect(Dataset<Row> ds) {
        Map<Long, float[]> m = new HashMap<>();
        for (Row r : ds.select("index", "sample").collectAsList()) {
            List<Float> l = r.getList(1);
            float[] f = new float[l.size()];
            for (int i = 0; i < f.length; i++) {
                f[i] = l.get(i);
            }
            assertThat(m.put(r.getLong(0), f))
                    .as("index %d twice", r.getLong(0))
                    .isNull();
        }
        return m;
    }

    private static void assertBitIdentical(Map<Long, float[]> got, SampleSet grid) {
        assertThat(got.keySet()).hasSize(N);
        for (long i = 0; i < N; i++) {
            float[] want = gridSample(grid, i);
            float[] g = got.get(i);
            assertThat(g).as("sample %d", i).hasSize(want.length);
            for (int k = 0; k < want.length; k++) {
                assertThat(Float.floatToRawIntBits(g[k]))
                        .as("sample %d, value %d: %s vs %s", i, k, g[k], want[k])
                        .isEqualTo(Float.floatToRawIntBits(want[k]));
            }
        }
    }

    @Test
    void localOneTwoFourAndOneMachineGiveTheSameBitsForTheMixtureAndTheOnnxModel(@TempDir Path tmp) throws IOException {
        // the ONNX model from a file: URI, read through Hadoop's file system layer
        Path copy = Files.copy(Spark.fixture("gmm_eps"), tmp.resolve("gmm_eps.onnx"));
        ObjectNode onnx = onnxDoc(copy.toUri().toString());
        String[] masters = {"local[1]", "local[2]", "local[4]"};
        int[] partitions = {1, 3, 5};
        int[] batches = {5, 4, 24};
        for (int k = 0; k < masters.length; k++) {
            SparkSession spark = Spark.local(masters[k]);
            try {
                DiffusionSpark.Options o = DiffusionSpark.Options.defaults()
                        .withPartitions(partitions[k])
                        .withBatchSize(batches[k]);
                ModelHolder.closeAll();
                Dataset<Row> m = DiffusionSpark.sample(spark, mixtureDoc(), N, o);
                assertBitIdentical(collect(m), mixtureGrid);
                // the ONNX model with the document's batches (ONNX Runtime's kernels may round by batch size)
                Dataset<Row> x = DiffusionSpark.sample(spark, onnx, N, o.withBatchSize(0));
                List<Row> rows = x.collectAsList();
                assertBitIdentical(collect(x), onnxGrid);
                // labels and seeds are those of the grid cells; every 1x8x8 sample has its PNG
                for (Row r : rows) {
                    long i = r.getLong(0);
                    Integer want = i / COLUMNS == 3 ? null : (int) (i / COLUMNS);
                    assertThat(r.isNullAt(1) ? null : r.getInt(1)).isEqualTo(want);
                    assertThat(r.getLong(2)).isEqualTo(SamplingPipeline.sampleSeed(5, (int) (i % COLUMNS)));
                    byte[] png = (byte[]) r.get(4);
                    assertThat(png).isNotNull();
                    assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII))
                            .isEqualTo("PNG");
                }
                // one load per model per JVM, however many tasks: the mixture and the ONNX model, once each
                // (collect ran each data set twice: the holder kept the models)
                assertThat(ModelHolder.loads()).isEqualTo(2);
            } finally {
                spark.stop();
            }
        }
    }

    @Test
    void theDjlBackendWithOneThreadGivesTheSameBitsOnLocalOneTwoAndOneMachine() {
        Path pt = Spark.fixture("gmm_eps").resolveSibling("gmm_eps.pt");
        SampleSet grid = SamplingPipeline.fromJson(djlDoc(pt.toString()), PipelineOptions.defaults())
                .sample()
                .sets()
                .get(0);
        for (String master : new String[] {"local[1]", "local[2]"}) {
            SparkSession spark = Spark.local(master);
            try {
                assertBitIdentical(
                        collect(DiffusionSpark.sample(
                                spark,
                                djlDoc(pt.toUri().toString()),
                                N,
                                DiffusionSpark.Options.defaults().withPartitions(3))),
                        grid);
            } finally {
                spark.stop();
                ModelHolder.closeAll();
            }
        }
    }

    @Test
    void theMainWritesTheSingleMachineGridAsParquetAndPngs(@TempDir Path tmp) throws IOException {
        // what spark-submit runs: a document file whose model file is relative to its folder
        Files.copy(Spark.fixture("gmm_eps"), tmp.resolve("gmm_eps.onnx"));
        Path doc = tmp.resolve("run.json");
        Files.writeString(doc, Json.write(onnxDoc("gmm_eps.onnx")));
        String out = tmp.resolve("out").toUri().toString();
        System.setProperty("spark.master", "local[2]");
        try {
            DiffusionSpark.main(new String[] {doc.toString(), out});
        } finally {
            System.clearProperty("spark.master");
            ModelHolder.closeAll();
        }
        SparkSession spark = Spark.local("local[1]");
        try {
            assertBitIdentical(collect(spark.read().parquet(out + "/samples.parquet")), onnxGrid);
            try (var s = Files.list(tmp.resolve("out/png"))) {
                assertThat(s.filter(p -> p.toString().endsWith(".png")).count()).isEqualTo(N);
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void laterGridCopiesContinueTheColumns() {
        // samples G..2G-1 are columns C..2C-1 of the grid: the single-machine run with 2C columns
        ObjectNode wide = mixtureDoc();
        wide.put("samplesPerLabel", 2 * COLUMNS);
        float[] all = SamplingPipeline.fromJson(wide, PipelineOptions.defaults())
                .sample()
                .sets()
                .get(0)
                .samples()
                .toFloatArray();
        SparkSession spark = Spark.local("local[2]");
        try {
            Map<Long, float[]> got = collect(DiffusionSpark.sample(spark, mixtureDoc(), 2L * N - 3));
            assertThat(got).hasSize(2 * N - 3);
            int size = all.length / (2 * N);
            for (long i = 0; i < 2L * N - 3; i++) {
                int row = (int) ((i % N) / COLUMNS);
                int col = (int) ((i / N) * COLUMNS + (i % N) % COLUMNS);
                int cell = row * 2 * COLUMNS + col;
                float[] want = java.util.Arrays.copyOfRange(all, cell * size, (cell + 1) * size);
                assertThat(got.get(i)).as("sample %d", i).containsExactly(want);
            }
        } finally {
            spark.stop();
            ModelHolder.closeAll();
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndEachSampleIsWrittenOnce(@TempDir Path tmp) {
        ObjectNode doc = mixtureDoc();
        ObjectNode flaky = doc.deepCopy();
        flaky.set("model", Json.object().put("type", "flaky-mixture").put("failOnCall", 30));
        SparkSession spark = Spark.local("local[2,3]");
        try {
            FlakyMixtureSource.CALLS.set(0);
            FlakyMixtureSource.FAILURES.set(0);
            String out = tmp.resolve("run").toUri().toString();
            DiffusionSpark.write(
                    DiffusionSpark.sample(
                            spark, flaky, N, DiffusionSpark.Options.defaults().withBatchSize(4)),
                    out,
                    false);
            assertThat(FlakyMixtureSource.FAILURES.get())
                    .as("the planned failure happened")
                    .isEqualTo(1);
            Dataset<Row> back = spark.read().parquet(out + "/samples.parquet");
            assertThat(back.count()).isEqualTo(N);
            assertBitIdentical(collect(back), mixtureGrid);
        } finally {
            spark.stop();
            ModelHolder.closeAll();
        }
    }

    @Test
    void aCorruptModelFileFailsTheJobNamingTheFile(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("corrupt-model.onnx");
        Files.write(bad, "this is not an ONNX protobuf".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        SparkSession spark = Spark.local("local[2]");
        try {
            Dataset<Row> ds = DiffusionSpark.sample(spark, onnxDoc(bad.toUri().toString()), 8);
            assertThatThrownBy(ds::count).hasMessageContaining("cannot load model " + bad.toUri());
        } finally {
            spark.stop();
            ModelHolder.closeAll();
        }
    }

    @Test
    void aMissingModelFileFailsOnTheDriverNamingTheFile(@TempDir Path tmp) {
        SparkSession spark = Spark.local("local[1]");
        try {
            String missing = tmp.resolve("no-such-model.onnx").toUri().toString();
            assertThatThrownBy(() -> DiffusionSpark.sample(spark, onnxDoc(missing), 8))
                    .hasMessageContaining(missing);
        } finally {
            spark.stop();
        }
    }

    @Test
    void pngsAndParquetAreWrittenAndReadBack(@TempDir Path tmp) throws IOException {
        SparkSession spark = Spark.local("local[2]");
        try {
            String out = tmp.resolve("run").toUri().toString();
            Dataset<Row> ds = DiffusionSpark.sample(
                    spark,
                    onnxDoc(Spark.fixture("gmm_eps").toString()),
                    N,
                    DiffusionSpark.Options.defaults().withPartitions(2));
            DiffusionSpark.write(ds, out, true);
            assertBitIdentical(collect(spark.read().parquet(out + "/samples.parquet")), onnxGrid);
            List<Path> pngs = new ArrayList<>();
            try (var s = Files.list(tmp.resolve("run/png"))) {
                s.filter(p -> p.toString().endsWith(".png")).forEach(pngs::add);
            }
            assertThat(pngs).hasSize(N);
            assertThat(javax.imageio.ImageIO.read(
                                    tmp.resolve("run/png/sample-00000023.png").toFile())
                            .getWidth())
                    .isEqualTo(8);
        } finally {
            spark.stop();
            ModelHolder.closeAll();
        }
    }
}
