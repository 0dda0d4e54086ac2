package org.diffusion4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * NumPy's {@code .npy} format (format versions 1.0, 2.0 and 3.0, as {@code numpy.lib.format} defines
 * them): the magic {@code \x93NUMPY}, a version, the header length (2 bytes in 1.0, 4 bytes later), a
 * header that is a Python dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}
 * padded with spaces and a newline, then the data.
 *
 * <p>Supported: float32 ({@code <f4}) and float64 ({@code <f8}), little-endian, C order; any other
 * dtype, a big-endian one, Fortran order, a short or over-long data section fail with a
 * {@link TensorFileException} saying so. Written files are version 1.0 (2.0 if the header needs it) with
 * the header padded so that the data starts at a multiple of 64 bytes, as NumPy writes them.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;

    private Npy() {}

    /** Reads an {@code .npy} file. */
    public static NdArray read(Path file) throws IOException {
        return parse(readBytes(file), file.toString());
    }

    /**
     * Reads an {@code .npy} file whose shape must be {@code expectedShape}.
     *
     * @throws TensorFileException also when the shape differs, naming both shapes
     */
    public static NdArray read(Path file, int... expectedShape) throws IOException {
        NdArray a = read(file);
        if (!a.hasShape(expectedShape)) {
            throw new TensorFileException(
                    file,
                    "shape " + Arrays.toString(a.shape()) + " where " + Arrays.toString(expectedShape)
                            + " was expected");
        }
        return a;
    }

    /** Parses the bytes of an {@code .npy} file; {@code source} names it in errors. */
    public static NdArray parse(byte[] bytes, String source) throws TensorFileException {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new TensorFileException(source, "not a NumPy .npy file (it does not start with \\x93NUMPY)");
        }
        int major = bytes[6] & 0xFF;
        int minor = bytes[7] & 0xFF;
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int headerStart;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xFFFF;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new TensorFileException(source, "truncated: the file ends inside the header length");
            }
            headerLen = b.getInt(8) & 0xFFFFFFFFL;
            headerStart = 12;
        } else {
            throw new TensorFileException(
                    source, "unsupported .npy format version " + major + "." + minor + " (supported: 1.0, 2.0, 3.0)");
        }
        if (headerStart + headerLen > bytes.length) {
            throw new TensorFileException(
                    source,
                    "truncated: the header needs " + headerLen + " bytes, the file has " + (bytes.length - headerStart)
                            + " after the preamble");
        }
        String header = new String(
                bytes, headerStart, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = HeaderParser.parse(header, source);
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shapeObj = dict.get("shape");
        if (!(descr instanceof String) || !(fortran instanceof Boolean) || !(shapeObj instanceof int[])) {
            throw new TensorFileException(
                    source,
                    "the header " + header.strip()
                            + " lacks 'descr' (a string), 'fortran_order' (True/False) or 'shape' (a tuple of integers)");
        }
        DType dtype = dtypeOf((String) descr, source);
        if ((Boolean) fortran) {
            throw new TensorFileException(
                    source,
                    "Fortran order (column-major) is not supported: save a C-order array "
                            + "(numpy.ascontiguousarray(a)) or its transpose");
        }
        int[] shape = (int[]) shapeObj;
        int n;
        try {
            n = NdArray.sizeOf(shape);
        } catch (IllegalArgumentException e) {
            throw new TensorFileException(
                    source, Objects.requireNonNullElse(e.getMessage(), "invalid shape " + Arrays.toString(shape)));
        }
        long dataStart = headerStart + headerLen;
        long expected = (long) n * dtype.byteSize();
        long actual = bytes.length - dataStart;
        if (actual < expected) {
            throw new TensorFileException(
                    source,
                    "truncated: shape " + Arrays.toString(shape) + " of " + descr + " needs " + expected
                            + " data bytes, the file has " + actual);
        }
        if (actual > expected) {
            throw new TensorFileException(
                    source,
                    (actual - expected) + " bytes after the data of shape " + Arrays.toString(shape) + " of " + descr
                            + " (" + expected + " bytes): not a single .npy array");
        }
        b.position((int) dataStart);
        if (dtype == DType.F32) {
            float[] data = new float[n];
            b.asFloatBuffer().get(data);
            return NdArray.wrapFloats(data, shape);
        }
        double[] data = new double[n];
        b.asDoubleBuffer().get(data);
        return NdArray.wrapDoubles(data, shape);
    }

    private static DType dtypeOf(String descr, String source) throws TensorFileException {
        for (DType t : DType.values()) {
            if (t.npyDescr().equals(descr)) {
                return t;
            }
        }
        if (descr.equals(">f4") || descr.equals(">f8")) {
            throw new TensorFileException(
                    source,
                    "big-endian dtype '" + descr + "' is not supported: only '<f4' "
                            + "(float32) and '<f8' (float64), little-endian (numpy: a.astype('<f4'))");
        }
        throw new TensorFileException(
                source,
                "dtype '" + descr + "' is not supported: only '<f4' (float32) and '<f8' " + "(float64), little-endian");
    }

    /** Writes {@code array} as an {@code .npy} file, atomically (temporary file and move). */
    public static void write(Path file, NdArray array) throws IOException {
        byte[] bytes = toBytes(array);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** The bytes of {@code array} as an {@code .npy} file. */
    public static byte[] toBytes(NdArray array) {
        StringBuilder sb = new StringBuilder("{'descr': '")
                .append(array.dtype().npyDescr())
                .append("', 'fortran_order': False, 'shape': (");
        int[] shape = array.shape();
        for (int d : shape) {
            sb.append(d).append(", ");
        }
        if (shape.length > 1) {
            sb.setLength(sb.length() - 2);
        } else if (shape.length == 1) {
            sb.setLength(sb.length() - 1); // a 1-tuple keeps its comma: (5,)
        }
        sb.append("), }");
        int preamble = 10;
        int unpadded = preamble + sb.length() + 1;
        int version = 1;
        if (((unpadded + ALIGN - 1) / ALIGN) * ALIGN - preamble > 0xFFFF) {
            version = 2;
            preamble = 12;
            unpadded = preamble + sb.length() + 1;
        }
        int total = ((unpadded + ALIGN - 1) / ALIGN) * ALIGN;
        sb.append(" ".repeat(total - unpadded)).append('\n');
        byte[] header = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        int n = array.size();
        ByteBuffer b = ByteBuffer.allocate(
                        preamble + header.length + n * array.dtype().byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            b.putShort((short) header.length);
        } else {
            b.putInt(header.length);
        }
        b.put(header);
        putData(b, array);
        return b.array();
    }

    /** Puts the array's values, little-endian, at the buffer's position. */
    static void putData(ByteBuffer b, NdArray array) {
        int pos = b.position();
        if (array.dtype() == DType.F32) {
            b.asFloatBuffer().put(array.floatsView());
            b.position(pos + array.size() * 4);
        } else {
            b.asDoubleBuffer().put(array.doublesView());
            b.position(pos + array.size() * 8);
        }
    }

    static byte[] readBytes(Path file) throws IOException {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TensorFileException(file, "no such file");
        }
    }

    /** Writes through a stream (for callers with their own sink). */
    public static void write(OutputStream out, NdArray array) throws IOException {
        out.write(toBytes(array));
    }

    /** A parser for the subset of Python literals an {@code .npy} header uses. */
    private static final class HeaderParser {
        private final String s;
        private final String source;
        private int i;

        private HeaderParser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        static Map<String, Object> parse(String header, String source) throws TensorFileException {
            HeaderParser p = new HeaderParser(header, source);
            Map<String, Object> out = p.dict();
            p.skipSpace();
            if (p.i != p.s.length()) {
                throw p.error("text after the header dict");
            }
            return out;
        }

        private TensorFileException error(String what) {
            return new TensorFileException(
                    source, "malformed .npy header (" + what + " at character " + i + "): " + s.strip());
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private void expect(char c) throws TensorFileException {
            skipSpace();
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private boolean peek(char c) {
            skipSpace();
            return i < s.length() && s.charAt(i) == c;
        }

        private Map<String, Object> dict() throws TensorFileException {
            Map<String, Object> out = new LinkedHashMap<>();
            expect('{');
            while (!peek('}')) {
                String key = string();
                expect(':');
                if (out.put(key, value()) != null) {
                    throw error("key '" + key + "' given twice");
                }
                if (!peek('}')) {
                    expect(',');
                }
            }
            expect('}');
            return out;
        }

        private Object value() throws TensorFileException {
            skipSpace();
            if (peek('\'') || peek('"')) {
                return string();
            }
            if (peek('(')) {
                return tuple();
            }
            if (s.startsWith("True", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (peek('[')) {
                throw error("a structured dtype (a list) is not supported");
            }
            throw error("unexpected value");
        }

        private String string() throws TensorFileException {
            skipSpace();
            if (i >= s.length() || (s.charAt(i) != '\'' && s.charAt(i) != '"')) {
                throw error("expected a quoted string");
            }
            char q = s.charAt(i++);
            int end = s.indexOf(q, i);
            if (end < 0) {
                throw error("unterminated string");
            }
            String v = s.substring(i, end);
            i = end + 1;
            return v;
        }

        private int[] tuple() throws TensorFileException {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (!peek(')')) {
                skipSpace();
                int start = i;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
                if (i < s.length() && s.charAt(i) == 'L') {
                    i++; // Python 2 long suffix
                }
                String digits = s.substring(start, i).replace("L", "");
                if (digits.isEmpty()) {
                    throw error("expected a non-negative integer dimension");
                }
                try {
                    dims.add(Integer.parseInt(digits));
                } catch (NumberFormatException e) {
                    throw error("dimension " + digits + " is too large");
                }
                if (!peek(')')) {
                    expect(',');
                }
            }
            expect(')');
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }
    }
}
