package org.diffusion4j.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Reads the files {@code tools/fixtures/make_tensor_files.py} wrote with NumPy and safetensors and
 * compares every value's bits with the bit patterns Python wrote into {@code expected.json}.
 */
class PythonFixturesTest {

    static Path fixture(String name) {
        try {
            return Path.of(PythonFixturesTest.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    static JsonNode expected() throws IOException {
        return new ObjectMapper().readTree(fixture("expected.json").toFile());
    }

    /** Asserts dtype, shape and every value's bit pattern. */
    static void assertMatches(NdArray a, JsonNode e) {
        assertThat(a.dtype().name()).isEqualTo(e.get("dtype").asText());
        int[] shape = new int[e.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = e.get("shape").get(i).asInt();
        }
        assertThat(a.shape()).containsExactly(shape);
        assertThat(a.size()).isEqualTo(e.get("bits").size());
        for (int i = 0; i < a.size(); i++) {
            long want = Long.parseUnsignedLong(e.get("bits").get(i).asText(), 16);
            long got = a.dtype() == DType.F32
                    ? Float.floatToRawIntBits(a.toFloatArray()[i]) & 0xFFFFFFFFL
                    : Double.doubleToRawLongBits(a.toDoubleArray()[i]);
            assertThat(got).as("value %d", i).isEqualTo(want);
        }
    }

    @Test
    void everyNpyFileReadsBitForBit() throws IOException {
        JsonNode exp = expected();
        int n = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = exp.fields(); it.hasNext(); n++) {
            Map.Entry<String, JsonNode> f = it.next();
            assertMatches(Npy.read(fixture(f.getKey() + ".npy")), f.getValue());
        }
        assertThat(n).isEqualTo(5);
    }

    @Test
    void formatVersion2ReadsLikeVersion1() throws IOException {
        assertMatches(Npy.read(fixture("v2_f32_2x3x4.npy")), expected().get("randn_f32_2x3x4"));
    }

    @Test
    void rawFloat32WithItsShape() throws IOException {
        assertMatches(
                RawFloat32.read(fixture("randn_f32_2x3x4.f32"), 2, 3, 4),
                expected().get("randn_f32_2x3x4"));
        assertMatches(
                TensorFiles.read(fixture("randn_f32_2x3x4.f32"), 2, 3, 4),
                expected().get("randn_f32_2x3x4"));
    }

    @Test
    void safetensorsFromThePythonLibrary() throws IOException {
        JsonNode exp = expected();
        Safetensors.Contents c = Safetensors.readAll(fixture("three.safetensors"));
        assertThat(c.tensors().keySet()).containsExactlyInAnyOrder("x", "y", "s");
        assertMatches(c.tensors().get("x"), exp.get("randn_f32_2x3x4"));
        assertMatches(c.tensors().get("y"), exp.get("randn_f64_5"));
        assertMatches(c.tensors().get("s"), exp.get("scalar_f32"));
        assertThat(c.metadata()).containsEntry("made_by", "make_tensor_files.py");
        assertMatches(Safetensors.read(fixture("three.safetensors"), "y"), exp.get("randn_f64_5"));
    }

    @Test
    void aSupportedTensorNextToAnUnsupportedOne() throws IOException {
        Path p = fixture("half.safetensors");
        assertMatches(Safetensors.read(p, "x"), expected().get("special_f32_6"));
        assertThatThrownBy(() -> Safetensors.read(p, "h"))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining("half.safetensors")
                .hasMessageContaining("'h' has dtype F16");
        assertThatThrownBy(() -> Safetensors.readAll(p)).hasMessageContaining("F16");
        assertThatThrownBy(() -> Safetensors.read(p, "nope"))
                .hasMessageContaining("no tensor named 'nope'")
                .hasMessageContaining("h")
                .hasMessageContaining("x");
        assertThatThrownBy(() -> TensorFiles.read(fixture("three.safetensors")))
                .hasMessageContaining("holds 3 tensors");
    }

    @Test
    void filesNumpyWritesThatAreRefused() {
        assertThatThrownBy(() -> Npy.read(fixture("bad_fortran.npy")))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining("bad_fortran.npy")
                .hasMessageContaining("Fortran order");
        assertThatThrownBy(() -> Npy.read(fixture("bad_bigendian.npy"))).hasMessageContaining("big-endian dtype '>f4'");
        assertThatThrownBy(() -> Npy.read(fixture("bad_int64.npy")))
                .hasMessageContaining("dtype '<i8' is not supported");
        assertThatThrownBy(() -> Npy.read(fixture("bad_float16.npy")))
                .hasMessageContaining("dtype '<f2' is not supported");
    }

    @Test
    void javaWritesTheDataSectionNumpyWrites() throws IOException {
        byte[] numpy = java.nio.file.Files.readAllBytes(fixture("randn_f32_2x3x4.npy"));
        byte[] ours = Npy.toBytes(Npy.read(fixture("randn_f32_2x3x4.npy")));
        // both headers end at a multiple of 64 bytes (NumPy may pad more, leaving room to grow the shape)
        int nData = 24 * 4;
        assertThat((numpy.length - nData) % 64).isZero();
        assertThat((ours.length - nData) % 64).isZero();
        assertThat(java.util.Arrays.copyOfRange(ours, ours.length - nData, ours.length))
                .isEqualTo(java.util.Arrays.copyOfRange(numpy, numpy.length - nData, numpy.length));
    }
}
