package org.diffusion4j.pipeline;

/**
 * Where and how a run's pictures go (used by the command line and {@code output} writers).
 *
 * @param dir        output folder, relative to the working directory (default {@code out})
 * @param name       file name prefix, letters, digits, {@code . _ -} (default {@code samples})
 * @param valueLow   the sample value shown black (default −1)
 * @param valueHigh  the sample value shown white (default 1)
 * @param upscale    each pixel drawn as an upscale × upscale block, 1..32 (default 2)
 * @param padding    pixels between grid cells, 0..64 (default 2)
 */
public record OutputSpec(String dir, String name, double valueLow, double valueHigh, int upscale, int padding) {

    /** The largest {@code upscale}. */
    public static final int MAX_UPSCALE = 32;
    /** The largest {@code padding}. */
    public static final int MAX_PADDING = 64;
    /** What a {@code name} is made of (a regular expression). */
    public static final String NAME_PATTERN = "[A-Za-z0-9._-]+";

    /** The defaults. */
    public static final OutputSpec DEFAULT = new OutputSpec("out", "samples", -1, 1, 2, 2);

    public OutputSpec {
        if (dir.isBlank()) {
            throw new IllegalArgumentException("output dir must not be blank");
        }
        if (!name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException(
                    "output name must be letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        if (!(valueLow < valueHigh)) {
            throw new IllegalArgumentException(
                    "output valueRange needs low < high, got [" + valueLow + ", " + valueHigh + "]");
        }
        if (upscale < 1 || upscale > MAX_UPSCALE || padding < 0 || padding > MAX_PADDING) {
            throw new IllegalArgumentException(
                    "output upscale must be in [1, " + MAX_UPSCALE + "] and padding in [0, " + MAX_PADDING + "]");
        }
    }

    public OutputSpec withDir(String d) {
        return new OutputSpec(d, name, valueLow, valueHigh, upscale, padding);
    }
}
