package org.diffusion4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFilesTest {
    @TempDir
    Path dir;

    private static NdArray randomF32(Random r, int... shape) {
        float[] v = new float[NdArray.sizeOf(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.intBitsToFloat(r.nextInt()); // every bit pattern, NaNs included
        }
        return NdArray.ofFloats(v, shape);
    }

    private static NdArray randomF64(Random r, int... shape) {
        double[] v = new double[NdArray.sizeOf(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.longBitsToDouble(r.nextLong());
        }
        return NdArray.ofDoubles(v, shape);
    }

    private static List<NdArray> samples() {
        Random r = new Random(11);
        return List.of(
                randomF32(r, 2, 3, 4),
                randomF64(r, 7),
                randomF32(r),
                randomF32(r, 0, 5),
                randomF64(r, 1, 1, 28, 28),
                randomF32(r, 3, 1));
    }

    @Test
    void npyRoundTripKeepsDtypeShapeAndBits() throws IOException {
        for (NdArray a : samples()) {
            Path p = dir.resolve("a.npy");
            Npy.write(p, a);
            assertThat(Npy.read(p)).isEqualTo(a);
            assertThat(Npy.read(p, a.shape())).isEqualTo(a);
        }
    }

    @Test
    void npyHeaderTooLongForVersion1UsesVersion2() throws IOException {
        int[] shape = new int[25_000]; // "1, " per axis: over 65 535 header bytes
        Arrays.fill(shape, 1);
        NdArray a = NdArray.ofFloats(new float[] {3.5f}, shape);
        byte[] b = Npy.toBytes(a);
        assertThat(b[6]).isEqualTo((byte) 2);
        assertThat(Npy.parse(b, "mem")).isEqualTo(a);
    }

    @Test
    void safetensorsRoundTripOfSeveralTensorsAndMetadata() throws IOException {
        Map<String, NdArray> m = new LinkedHashMap<>();
        List<NdArray> s = samples();
        for (int i = 0; i < s.size(); i++) {
            m.put("t" + i, s.get(i));
        }
        Path p = dir.resolve("a.safetensors");
        Safetensors.write(p, m, Map.of("k", "v"));
        Safetensors.Contents c = Safetensors.readAll(p);
        assertThat(c.tensors()).isEqualTo(m);
        assertThat(c.metadata()).isEqualTo(Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(p);
        long headerLen = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
    }

    @Test
    void rawRoundTripAndTheFormatFromTheName() throws IOException {
        NdArray a = randomF32(new Random(3), 4, 5);
        for (String name : List.of("a.npy", "a.safetensors", "a.bin")) {
            Path p = dir.resolve(name);
            TensorFiles.write(p, a);
            assertThat(TensorFiles.read(p, 4, 5)).isEqualTo(a);
        }
        assertThatThrownBy(() -> TensorFiles.read(dir.resolve("a.bin"))).hasMessageContaining("needs its shape");
        // float64 is rounded to float32 in a raw file
        NdArray d = NdArray.ofDoubles(new double[] {0.1, 1e300}, 2);
        RawFloat32.write(dir.resolve("d.f32"), d);
        assertThat(RawFloat32.read(dir.resolve("d.f32"), 2).toFloatArray())
                .containsExactly(0.1f, Float.POSITIVE_INFINITY);
    }

    @Test
    void shapeMismatchNamesBothShapes() throws IOException {
        Path p = dir.resolve("x.npy");
        Npy.write(p, NdArray.ofFloats(new float[6], 2, 3));
        assertThatThrownBy(() -> TensorFiles.read(p, 3, 2))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining("x.npy")
                .hasMessageContaining("shape [2, 3] where [3, 2] was expected");
        Path raw = dir.resolve("x.f32");
        RawFloat32.write(raw, NdArray.ofFloats(new float[6], 6));
        assertThatThrownBy(() -> RawFloat32.read(raw, 7))
                .hasMessageContaining("24 bytes, but shape [7]")
                .hasMessageContaining("needs 28")
                .hasMessageContaining("6 values in the file");
    }

    @Test
    void truncatedAndOverlongNpy() throws IOException {
        byte[] good = Npy.toBytes(NdArray.ofFloats(new float[] {1, 2, 3}, 3));
        assertThatThrownBy(() -> Npy.parse(Arrays.copyOf(good, good.length - 1), "t.npy"))
                .hasMessageContaining("t.npy: truncated")
                .hasMessageContaining("needs 12 data bytes, the file has 11");
        assertThatThrownBy(() -> Npy.parse(Arrays.copyOf(good, good.length + 4), "t.npy"))
                .hasMessageContaining("4 bytes after the data");
        assertThatThrownBy(() -> Npy.parse(Arrays.copyOf(good, 40), "t.npy")).hasMessageContaining("truncated");
        assertThatThrownBy(() -> Npy.parse("hello world".getBytes(StandardCharsets.US_ASCII), "t.npy"))
                .hasMessageContaining("not a NumPy .npy file");
        assertThatThrownBy(() -> Npy.read(dir.resolve("absent.npy")))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining("absent.npy: no such file");
    }

    @Test
    void malformedNpyHeaders() {
        for (String[] c : new String[][] {
            {"{'descr': '<f4', 'shape': (2,), }", "lacks"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", "non-negative integer dimension"},
            {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", "structured dtype"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'shape': (2,)}", "given twice"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999,), }", "too large"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", "more than 2^31"},
        }) {
            byte[] h = (c[0] + "\n").getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer b = ByteBuffer.allocate(10 + h.length + 8).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                    .putShort((short) h.length)
                    .put(h);
            assertThatThrownBy(() -> Npy.parse(b.array(), "h.npy"))
                    .as(c[0])
                    .isInstanceOf(TensorFileException.class)
                    .hasMessageContaining(c[1]);
        }
    }

    private static byte[] safetensors(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length)
                .put(h)
                .array();
    }

    @Test
    void anEmptyTensorSharingItsOffsetWithAFullOneIsNotAnOverlap() throws IOException {
        // the non-empty tensor is listed first, so a sort by start offset alone would put it before the
        // empty one and read [12, 12] after [12, 20] as an overlap
        byte[] file = safetensors(
                "{\"full\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [12, 20]},"
                        + " \"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12]},"
                        + " \"empty\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [12, 12]}}",
                20);
        Path f = dir.resolve("empty.safetensors");
        Files.write(f, file);
        Safetensors.Contents c = Safetensors.readAll(f);
        assertThat(c.tensors().keySet()).containsExactly("full", "a", "empty");
        assertThat(c.tensors().get("empty").shape()).containsExactly(0);
        assertThat(c.tensors().get("full").size()).isEqualTo(2);
    }

    @Test
    void badSafetensorsFiles() throws IOException {
        Object[][] cases = {
            {
                safetensors("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", 4),
                "truncated file?"
            },
            {safetensors("{\"a\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8), "needs 12"},
            {
                safetensors(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                                + "\"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}",
                        8),
                "overlap"
            },
            {safetensors("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8), "a hole"},
            {safetensors("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 8), "trailing bytes"
            },
            {
                safetensors("{\"a\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}", 4),
                "not a dimension"
            },
            {safetensors("{\"a\": {\"dtype\": \"F32\"}}", 0), "needs \"dtype\""},
            {safetensors("{\"a\": ", 0), "not valid JSON"},
            {new byte[] {1, 2, 3}, "truncated"},
            {ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-5).array(), "not a plausible"},
        };
        for (Object[] c : cases) {
            Path p = dir.resolve("bad.safetensors");
            Files.write(p, (byte[]) c[0]);
            assertThatThrownBy(() -> Safetensors.readAll(p))
                    .as((String) c[1])
                    .isInstanceOf(TensorFileException.class)
                    .hasMessageContaining("bad.safetensors")
                    .hasMessageContaining((String) c[1]);
        }
        assertThatThrownBy(() ->
                        Safetensors.toBytes(Map.of("__metadata__", NdArray.ofFloats(new float[1], 1)), Map.of()))
                .hasMessageContaining("not allowed");
    }

    @Test
    void aFailedWriteLeavesNeitherAPartialFileNorATemporaryOne() throws IOException {
        Path p = dir.resolve("keep.npy");
        NdArray before = NdArray.ofFloats(new float[] {1, 2}, 2);
        Npy.write(p, before);
        assertThatThrownBy(() -> AtomicFiles.write(p, out -> {
                    out.write(new byte[1000]);
                    throw new IOException("disk full");
                }))
                .hasMessage("disk full");
        assertThat(Npy.read(p)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("keep.npy");
        }
    }

    @Test
    void ndArrayChecksItsSizeAndCopies() {
        assertThatThrownBy(() -> NdArray.ofFloats(new float[5], 2, 3))
                .hasMessageContaining("5 values do not fill shape [2, 3]");
        float[] v = {1, 2};
        NdArray a = NdArray.ofFloats(v, 2);
        v[0] = 9;
        assertThat(a.toFloatArray()).containsExactly(1, 2);
        assertThat(a.reshape(1, 2).shape()).containsExactly(1, 2);
        assertThat(a.asFloat64().toDoubleArray()).containsExactly(1, 2);
    }

    @Test
    @org.junit.jupiter.api.condition.DisabledOnOs(org.junit.jupiter.api.condition.OS.WINDOWS) // POSIX permissions
    void aWrittenFileHasTheDefaultPermissionsOfANewFileAndNoTemporaryFileIsLeft(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path plain = java.nio.file.Files.createFile(dir.resolve("plain"));
        Path written = dir.resolve("x.npy");
        Npy.write(written, NdArray.ofFloats(new float[] {1, 2}, 2));
        assertThat(java.nio.file.Files.getPosixFilePermissions(written))
                .isEqualTo(java.nio.file.Files.getPosixFilePermissions(plain));
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("plain", "x.npy");
        }
    }
}
