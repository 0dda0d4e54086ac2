package org.diffusion4j.noise.torch;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.math.BigInteger;

/**
 * Reads a seed from JSON the way {@code torch.Generator.manual_seed} accepts it: any integer from
 * −2^63 to 2^64 − 1, kept as its 64-bit pattern (so {@code 18446744073709551615} and {@code -1} are the
 * same seed). Strings, fractions and values out of range are errors.
 */
final class TorchSeedDeserializer extends StdDeserializer<Long> {
    private static final long serialVersionUID = 1L;
    private static final BigInteger MIN = BigInteger.ONE.shiftLeft(63).negate();
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    TorchSeedDeserializer() {
        super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            return (Long) ctxt.handleUnexpectedToken(
                    Long.class,
                    p.currentToken(),
                    p,
                    "a seed must be an integer from -2^63 to 2^64 - 1 (as torch.manual_seed accepts), got %s",
                    p.getText());
        }
        BigInteger v = p.getBigIntegerValue();
        if (v.compareTo(MIN) < 0 || v.compareTo(MAX) > 0) {
            return (Long) ctxt.handleWeirdNumberValue(
                    Long.class, v, "a seed must be an integer from -2^63 to 2^64 - 1 (as torch.manual_seed accepts)");
        }
        return v.longValue();
    }
}
