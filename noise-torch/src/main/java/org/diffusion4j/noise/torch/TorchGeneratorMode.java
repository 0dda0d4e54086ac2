package org.diffusion4j.noise.torch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a {@code torch-cpu} noise source seeds a run, named in JSON as {@code "generator"}: the two ways
 * diffusers pipelines take a {@code generator} argument.
 */
public enum TorchGeneratorMode {
    /**
     * One generator for the whole run: {@code g = torch.Generator().manual_seed(seed)}, x_T is
     * {@code torch.randn([B, C, H, W], generator=g)} and every later draw continues {@code g}.
     */
    BATCH("batch"),
    /**
     * One generator per sample (diffusers' list of generators): sample {@code i} draws
     * {@code torch.randn([1, C, H, W], generator=g_i)} from its own generator.
     */
    PER_SAMPLE("per-sample");

    private final String id;

    TorchGeneratorMode(String id) {
        this.id = id;
    }

    /** The name in JSON: {@code batch} or {@code per-sample}. */
    @JsonValue
    public String id() {
        return id;
    }

    /**
     * The mode named {@code id}.
     *
     * @throws IllegalArgumentException for another name, listing the two
     */
    @JsonCreator
    public static TorchGeneratorMode fromId(String id) {
        for (TorchGeneratorMode m : values()) {
            if (m.id.equals(id.trim())) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown generator '" + id + "'; expected batch (one generator for the whole"
                + " batch) or per-sample (one generator per sample)");
    }
}
