package org.diffusion4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.diffusion4j.cli.CliTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 9, bad inputs at the command line: validate catches what sample would fail on (exit 2 with the
 * JSON path), --out is checked before the run, a run's outputs appear together or not at all, a run too
 * large for memory is refused, and messages carry no exception class names.
 */
class CliBadInputTest {
    static final String SMALL = CliTest.SMALL;

    static Run run(String... args) {
        return CliTest.run(args);
    }

    /** Every entry under {@code dir}, recursively, relative to it. */
    static List<String> tree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir))
                    .map(p -> dir.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }

    // ---------------------------------------------------------------- 4, 7: validate catches them, sample refuses them

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "steps beyond the schedule | \"steps\": 10 | \"steps\": 2000 | /sampler/steps | inference steps must be in [1, 1000]",
                "a fraction for an integer | \"steps\": 10 | \"steps\": 10.5 | /sampler/steps | expected an integer, got number 10.5",
                "ddpm off the table | {\"type\": \"linear\"} | {\"type\": \"linear\", \"stepsOffset\": 1}, \"sampler\": {\"type\": \"ddpm\"} | "
                        + "/schedule/stepsOffset | gives timestep 1000 outside [0, 1000)",
                "djl device | \"seed\": 4 | \"seed\": 4, \"backend\": {\"type\": \"djl\", \"device\": \"tpu\"} | /backend/device | "
                        + "device must be cpu, gpu, gpu(i), cuda:i or auto, got 'tpu'",
                "top-level device | \"seed\": 4 | \"seed\": 4, \"backend\": {\"type\": \"djl\"}, \"device\": \"tpu\" | /device | got 'tpu'"
            })
    void validateCatchesWhatSampleWouldFailOn(
            String name, String from, String to, String path, String message, @TempDir Path dir) throws IOException {
        String json = SMALL.replace(from, to);
        if (name.startsWith("ddpm")) {
            json = json.replace("\"sampler\": {\"type\": \"ddim\", \"steps\": 10}, ", "");
        }
        Path f = CliTest.write(dir, "bad.json", json);
        Run v = run("validate", "--config", f.toString());
        assertThat(v.code()).as(v.err()).isEqualTo(Main.BAD_CONFIG);
        assertThat(v.err())
                .contains("D4J-CONFIG in " + f + " at " + path + ": ")
                .contains(message);
        Run s = run(
                "sample", "--config", f.toString(), "--out", dir.resolve("out").toString());
        assertThat(s.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(s.err()).contains(path).contains(message).doesNotContain("step 1/");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void aTrainingDocumentWithABadSampleSectionFailsBeforeTraining(@TempDir Path dir) throws IOException {
        Path f = CliTest.write(dir, "train.json", """
                {"trainer": {"type": "mixture-fit"}, "schedule": {"type": "linear"}, "steps": 50,
                 "sample": {"sampler": {"type": "ddim", "steps": 5000}, "labels": [0, -1]}}""");
        Run v = run("validate", "--config", f.toString());
        assertThat(v.code()).as(v.err()).isEqualTo(Main.BAD_CONFIG);
        assertThat(v.err())
                .contains(
                        "at /sample/sampler/steps: inference steps must be in [1, 1000]",
                        "at /sample/labels/1: must be in [0,");
        Path out = dir.resolve("run");
        Run t = run("train", "--config", f.toString(), "--out", out.toString());
        assertThat(t.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(t.err()).contains("/sample/sampler/steps");
        assertThat(out).as("nothing trained, nothing written").doesNotExist();
    }

    // ---------------------------------------------------------------- 1: the size of a run

    @Test
    void aRunTooLargeForAnyHeapIsRefusedByValidateAndSampleWithNumbers(@TempDir Path dir) throws IOException {
        String rows = String.join(", ", Collections.nCopies(300000, "0"));
        Path f = CliTest.write(
                dir,
                "big.json",
                SMALL.replace("[0, 1, 2]", "[" + rows + "]")
                        .replace("\"samplesPerLabel\": 5", "\"samplesPerLabel\": 4096"));
        for (String cmd : List.of("validate", "sample")) {
            Run r = cmd.equals("validate")
                    ? run(cmd, "--config", f.toString())
                    : run(
                            cmd,
                            "--config",
                            f.toString(),
                            "--out",
                            dir.resolve("out").toString());
            assertThat(r.code()).as(cmd).isEqualTo(Main.BAD_CONFIG);
            assertThat(r.err())
                    .contains(
                            "at /samplesPerLabel: a grid of 300000 label row(s) × 4096 samples of shape [2] has 2457600000"
                                    + " values, more than a Java array holds");
        }
        assertThat(dir.resolve("out")).doesNotExist();
    }

    // ---------------------------------------------------------------- 5: --out is checked before the run

    @Test
    void anOutFolderThatIsAFileOrUnderAFileIsAnArgumentErrorBeforeSampling(@TempDir Path dir) throws IOException {
        Path cfg = CliTest.write(dir, "run.json", SMALL);
        Path file = Files.writeString(dir.resolve("a-file"), "mine");
        for (Path out : List.of(file, file.resolve("sub"), file.resolve("sub/deeper"))) {
            Run r = run(
                    "sample", "--config", cfg.toString(), "--out", out.toString()); // not quiet: progress would show
            assertThat(r.code()).as("%s: %s", out, r.err()).isEqualTo(Main.BAD_CONFIG);
            assertThat(r.err())
                    .startsWith("error: --out " + out + ": ")
                    .contains("is a file, not a folder")
                    .doesNotContain("step ", "Exception");
        }
        assertThat(Files.readString(file)).isEqualTo("mine");
        assertThat(tree(dir)).containsExactly("a-file", "run.json");
    }

    @Test
    void theDocumentsOutputDirIsCheckedBeforeSamplingAtItsPath(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "mine");
        Path cfg = CliTest.write(
                dir,
                "run.json",
                SMALL.replace(
                        "\"output\": {\"name\": \"mix\"}",
                        "\"output\": {\"name\": \"mix\", \"dir\": \"" + file.resolve("out") + "\"}"));
        Run r = run("sample", "--config", cfg.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(Main.BAD_CONFIG);
        assertThat(r.err())
                .contains("D4J-CONFIG in " + cfg + " at /output/dir: " + file.resolve("out") + " is under " + file)
                .doesNotContain("step ");
    }

    @Test
    void aReadOnlyOutFolderIsRefusedBeforeSampling(@TempDir Path dir) throws IOException {
        assumeThat(System.getProperty("user.name"))
                .as("root may write into a read-only folder")
                .isNotEqualTo("root");
        Path cfg = CliTest.write(dir, "run.json", SMALL);
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            for (Path out : List.of(ro, ro.resolve("new"))) {
                Run r = run("sample", "--config", cfg.toString(), "--out", out.toString());
                assertThat(r.code()).isEqualTo(Main.BAD_CONFIG);
                assertThat(r.err())
                        .contains("--out " + out + ": cannot write in " + ro)
                        .doesNotContain("step ");
            }
            assertThat(tree(ro)).isEmpty();
        } finally {
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void trainChecksOutBeforeTraining(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "mine");
        Run t = run(
                "train",
                "--config",
                CliTest.CONFIGS.resolve("mixture-train.json").toString(),
                "--out",
                file.resolve("run").toString());
        assertThat(t.code()).isEqualTo(Main.BAD_CONFIG);
        assertThat(t.err())
                .contains("--out " + file.resolve("run") + ": ", "is a file, not a folder")
                .doesNotContain("step ");
    }

    // ---------------------------------------------------------------- 6: all outputs or none

    @Test
    void aFailedWriteLeavesNoneOfTheRunsFilesAndKeepsWhatWasThere(@TempDir Path dir) throws IOException {
        Path cfg = CliTest.write(dir, "run.json", SMALL);
        Path out = Files.createDirectory(dir.resolve("out"));
        Path old = Files.writeString(out.resolve("mix-guidanceScale=1.png"), "an older run's picture");
        // the report cannot be put in place: a folder (not empty) holds its name
        Files.writeString(Files.createDirectory(out.resolve("mix-report.json")).resolve("keep"), "x");
        Run r = run("sample", "--config", cfg.toString(), "--out", out.toString(), "-q");
        assertThat(r.code()).isEqualTo(Main.FAILURE);
        assertThat(r.err())
                .contains(
                        "error: cannot write the outputs into " + out.toAbsolutePath(),
                        "mix-report.json",
                        "none of them was written")
                .doesNotContain("Exception", "java.");
        assertThat(tree(out)).containsExactly("mix-guidanceScale=1.png", "mix-report.json", "mix-report.json/keep");
        assertThat(Files.readString(old)).isEqualTo("an older run's picture");
        assertThat(tree(dir)).noneMatch(n -> n.startsWith(".") || n.contains("/."));
    }

    @Test
    void aSuccessfulRunIntoANewFolderLeavesNoStagingFolder(@TempDir Path dir) throws IOException {
        Path cfg = CliTest.write(dir, "run.json", SMALL);
        Path out = dir.resolve("new/deeper/out");
        Run r = run("sample", "--config", cfg.toString(), "--out", out.toString(), "-q");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(tree(dir))
                .containsExactly(
                        "new",
                        "new/deeper",
                        "new/deeper/out",
                        "new/deeper/out/mix-guidanceScale=1.csv",
                        "new/deeper/out/mix-guidanceScale=1.png",
                        "new/deeper/out/mix-guidanceScale=4.csv",
                        "new/deeper/out/mix-guidanceScale=4.png",
                        "new/deeper/out/mix-report.json",
                        "run.json");
        assertThat(Files.readString(out.resolve("mix-report.json")))
                .contains(
                        out.resolve("mix-guidanceScale=4.png").toAbsolutePath().toString());
    }

    @Test
    void anOutputSetThatFailsHalfWayLeavesNothingNotEvenTheFoldersItMade(@TempDir Path dir) {
        Path out = dir.resolve("a/b");
        OutputSet set = OutputSet.open(out);
        set.writeString("first.png", "1");
        assertThatThrownBy(() -> set.write("second.json", os -> {
                    os.write(1);
                    throw new IOException("disk full");
                }))
                .hasMessage("cannot write " + out.toAbsolutePath().resolve("second.json") + ": disk full");
        set.abort();
        assertThat(dir.resolve("a")).doesNotExist();
        assertThat(AtomicOutput.pendingCount()).isZero();
    }

    @Test
    void anOutputSetCommitsEveryFileIntoAnExistingFolderReplacingOlderOnes(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.txt"), "old");
        Files.writeString(dir.resolve("other.txt"), "someone else's");
        OutputSet set = OutputSet.open(dir);
        set.writeString("a.txt", "new");
        set.writeString("b.txt", "b");
        assertThat(Files.readString(dir.resolve("a.txt")))
                .as("nothing in place before the commit")
                .isEqualTo("old");
        assertThat(dir.resolve("b.txt")).doesNotExist();
        set.commit();
        assertThat(tree(dir)).containsExactly("a.txt", "b.txt", "other.txt");
        assertThat(Files.readString(dir.resolve("a.txt"))).isEqualTo("new");
    }
}
