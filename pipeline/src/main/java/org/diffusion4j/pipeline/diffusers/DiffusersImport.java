package org.diffusion4j.pipeline.diffusers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a diffusers {@code scheduler_config.json} means in diffusion4j terms.
 *
 * @param className      {@code DDIMScheduler} or {@code DDPMScheduler}
 * @param schedule       the equivalent native schedule object, e.g. {@code {"type": "scaled_linear", ...}}
 * @param sampler        the equivalent native sampler object without {@code steps}
 *                       ({@code ddim} or {@code ddpm}, with clipping/thresholding/variance)
 * @param predictionType the model's prediction type: {@code epsilon}, {@code sample} or {@code v_prediction}
 * @param unsupported    fields (or values) that diffusion4j cannot reproduce, one line each
 * @param notes          fields read but without effect here (metadata, fields the class does not use)
 */
public record DiffusersImport(
        String className,
        ObjectNode schedule,
        ObjectNode sampler,
        String predictionType,
        List<String> unsupported,
        List<String> notes) {

    public DiffusersImport {
        schedule = schedule.deepCopy();
        sampler = sampler.deepCopy();
        unsupported = List.copyOf(unsupported);
        notes = List.copyOf(notes);
    }

    @Override
    public ObjectNode schedule() {
        return schedule.deepCopy();
    }

    @Override
    public ObjectNode sampler() {
        return sampler.deepCopy();
    }
}
