package org.diffusion4j.djl.torchscript;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What one positional input of a TorchScript model receives. */
enum InputRole {
    /** x_t, float {@code [B, ...sampleShape]}. */
    SAMPLE("sample", "x", "x_t", "input", "latent", "latents", "noisy", "z"),
    /** The model time, {@code [B]} or a scalar, in the configured dtype. */
    TIMESTEP("timestep", "timesteps", "t", "time", "sigma", "noise_level"),
    /** Class labels, int64 {@code [B]}; the null condition becomes class {@code numClasses}. */
    CLASS_LABELS("class_labels", "y", "labels", "label", "class", "classes"),
    /** Embedding conditions stacked to {@code [B, ...embeddingShape]}. */
    ENCODER_HIDDEN_STATES("encoder_hidden_states", "context", "cond", "embedding", "embeddings", "c");

    private final List<String> names;

    InputRole(String... names) {
        this.names = List.of(names);
    }

    /** The canonical (diffusers) name. */
    public String canonical() {
        return names.get(0);
    }

    /** The role a name stands for, if it is one of the known names. */
    public static Optional<InputRole> of(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (InputRole r : values()) {
            if (r.names.contains(n)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** All known names, for messages. */
    public static String known() {
        StringBuilder sb = new StringBuilder();
        for (InputRole r : values()) {
            sb.append(sb.length() == 0 ? "" : "; ")
                    .append(r.canonical())
                    .append(" (")
                    .append(String.join(", ", r.names.subList(1, r.names.size())))
                    .append(')');
        }
        return sb.toString();
    }
}
