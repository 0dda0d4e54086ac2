package org.diffusion4j.noise.torch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The golden vectors written by {@code tools/torch-noise/make_golden.py} from PyTorch itself
 * ({@code golden.json} next to this class): per CPU kernel, cases of consecutive draws from one seeded
 * generator and of per-sample generators.
 */
final class GoldenVectors {

    /** One {@code torch.randn} result: its shape, count, SHA-256 and either all values or a sample. */
    record Draw(int[] shape, int n, String sha256, float[] values, Map<Integer, Integer> sampleBits) {
        boolean full() {
            return values.length == n;
        }
    }

    /** A case: one generator ({@code seeds.size() == 1}, {@code sampleShape == null}) or per-sample ones. */
    record Case(String name, String kind, List<Long> seeds, int[] sampleShape, List<Draw> draws) {
        boolean perSample() {
            return kind.equals("perSample");
        }
    }

    /** The cases of one kernel and the PyTorch that wrote them. */
    record Kernel(String torchVersion, String capability, List<Case> cases) {}

    private GoldenVectors() {}

    static Kernel load(String kernel) {
        JsonNode root;
        try (InputStream in = GoldenVectors.class.getResourceAsStream("golden.json")) {
            if (in == null) {
                throw new IllegalStateException("golden.json is missing from the test resources");
            }
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode k = root.path("kernels").path(kernel);
        if (k.isMissingNode()) {
            throw new IllegalStateException("golden.json has no kernel '" + kernel + "'");
        }
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : k.path("cases")) {
            List<Long> seeds = new ArrayList<>();
            if (c.has("seed")) {
                seeds.add(seed(c.get("seed").asText()));
            } else {
                for (JsonNode s : c.get("seeds")) {
                    seeds.add(seed(s.asText()));
                }
            }
            List<Draw> draws = new ArrayList<>();
            for (JsonNode d : c.get("draws")) {
                draws.add(draw(d));
            }
            cases.add(new Case(
                    c.get("name").asText(),
                    c.get("kind").asText(),
                    seeds,
                    c.has("sampleShape") ? ints(c.get("sampleShape")) : null,
                    draws));
        }
        return new Kernel(k.get("torch").asText(), k.get("capability").asText(), cases);
    }

    /** A Python int seed (possibly negative or above 2^63) as the 64-bit pattern PyTorch uses. */
    static long seed(String decimal) {
        return new BigInteger(decimal).longValue();
    }

    private static Draw draw(JsonNode d) {
        int n = d.get("n").asInt();
        float[] values = new float[0];
        Map<Integer, Integer> sample = new java.util.TreeMap<>();
        if (d.has("base64")) {
            ByteBuffer b = ByteBuffer.wrap(
                            Base64.getDecoder().decode(d.get("base64").asText()))
                    .order(ByteOrder.LITTLE_ENDIAN);
            values = new float[n];
            b.asFloatBuffer().get(values);
        } else {
            for (JsonNode p : d.get("samples")) {
                sample.put(p.get(0).asInt(), (int) p.get(1).asLong());
            }
        }
        return new Draw(ints(d.get("shape")), n, d.get("sha256").asText(), values, sample);
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }

    /** SHA-256 of the values as little-endian float32 bytes, as the script hashes them. */
    static String sha256(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putInt(Float.floatToRawIntBits(v));
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Compares {@code actual} with {@code expected} bit for bit; returns "" when equal, otherwise a
     * description of the first difference and the number of differing values.
     */
    static String compare(Draw expected, float[] actual) {
        if (actual.length != expected.n()) {
            return "length " + actual.length + " instead of " + expected.n();
        }
        if (expected.full()) {
            int first = -1;
            int count = 0;
            for (int i = 0; i < actual.length; i++) {
                if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected.values()[i])) {
                    count++;
                    if (first < 0) {
                        first = i;
                    }
                }
            }
            if (count > 0) {
                return count + " of " + actual.length + " values differ, first at " + first + ": " + actual[first]
                        + " (0x" + Integer.toHexString(Float.floatToRawIntBits(actual[first])) + ") instead of "
                        + expected.values()[first] + " (0x"
                        + Integer.toHexString(Float.floatToRawIntBits(expected.values()[first])) + ")";
            }
        } else {
            for (Map.Entry<Integer, Integer> e : expected.sampleBits().entrySet()) {
                int bits = Float.floatToRawIntBits(actual[e.getKey()]);
                if (bits != e.getValue()) {
                    return "sampled value at " + e.getKey() + " is 0x" + Integer.toHexString(bits) + " instead of 0x"
                            + Integer.toHexString(e.getValue());
                }
            }
        }
        String sha = sha256(actual);
        return sha.equals(expected.sha256())
                ? ""
                : "SHA-256 of all values differs (" + sha + " instead of " + expected.sha256() + ")";
    }
}
