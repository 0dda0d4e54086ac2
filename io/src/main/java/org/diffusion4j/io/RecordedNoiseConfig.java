package org.diffusion4j.io;

import org.jspecify.annotations.Nullable;

/**
 * Configuration of the {@code recorded} noise source, for example
 * {@code {"type": "recorded", "file": "noise.npy"}}.
 *
 * @param file   the recording: {@code .npy}, or {@code .safetensors} (with {@code tensor} unless it
 *               holds one tensor); a relative path is resolved against the document's directory
 *               (the plugin context's resource {@value RecordedNoiseProvider#BASE_DIRECTORY}), else
 *               the working directory
 * @param tensor for a safetensors file with several tensors, the one to replay; else absent
 */
public record RecordedNoiseConfig(String file, @Nullable String tensor) {

    /**
     * @throws IllegalArgumentException if {@code file} is missing or blank, or {@code tensor} is given
     *                                  for a file that is not safetensors
     */
    public RecordedNoiseConfig {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("file: give the recorded noise file (.npy or .safetensors)");
        }
        if (tensor != null && !file.toLowerCase(java.util.Locale.ROOT).endsWith(".safetensors")) {
            throw new IllegalArgumentException("tensor: only a .safetensors file has named tensors, not " + file);
        }
    }

    /** A configuration replaying {@code file}. */
    public static RecordedNoiseConfig of(String file) {
        return new RecordedNoiseConfig(file, null);
    }
}
