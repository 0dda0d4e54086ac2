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

    /** The defaults. */
    public static final OutputSpec DEFAULT = new OutputSpec("out", "samples", -1, 1, 2, 2);

    public OutputSpec {
        if (dir.isBlank()) {
            throw new IllegalArgumentException("output dir must not be blank");
        }
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("output name must be letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        if (!(valueLow < valueHigh)) {
            throw new IllegalArgumentException("output valueRange needs low < high, got [" + valueLow + ", " + valueHigh + "]");
        }
        if (upscale < 1 || upscale > 32 || padding < 0 || padding > 64) {
            throw new IllegalArgumentException("output upscale must be in [1, 32] and padding in [0, 64]");
        }
    }

    public OutputSpec withDir(String d) {
        return new OutputSpec(d, name, valueLow, valueHigh, upscale, padding);
    }
}
