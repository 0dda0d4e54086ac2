package org.diffusion4j.guidance.spi;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.apiguardian.api.API;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.spi.PluginContext;
import org.diffusion4j.guidance.ClassifierFreeGuidance;
import org.diffusion4j.guidance.ClassifierGuidance;
import org.jspecify.annotations.Nullable;

/** The JSON configurations of the built-in guidance. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class GuidanceConfigs {
    private GuidanceConfigs() {}

    /**
     * {@code cfg}: give exactly one of the equivalent scales; {@code guidanceScale} is the canonical one.
     *
     * @param guidanceScale γ, diffusers' guidance_scale: ε̂ = γ ε_c + (1 − γ) ε_u
     * @param hoSalimansW   Ho &amp; Salimans' w (arXiv 2207.12598, eq. 6): ε̃ = (1 + w) ε_c − w ε_u (γ = 1 + w)
     * @param w             deprecated alias of {@code hoSalimansW}, kept so older documents still run (reported
     *                      as a deprecation warning): a bare "w" was misread as γ (the CFG seeds' and GLIDE's w are γ)
     * @param wPrime        GLIDE's scale (arXiv 2112.10741, §2.3) w': ε̄ = ε_u + w'(ε_c − ε_u) (γ = w')
     * @param batching      {@code auto} (default), {@code concat} or {@code sequential}
     * @param rescale       guidance rescale φ ∈ [0, 1] (default 0)
     * @param windowStart   apply from this trajectory fraction (default 0)
     * @param windowStop    apply until this trajectory fraction (default 1)
     */
    public record Cfg(
            @Nullable Double guidanceScale,
            @Nullable Double hoSalimansW,
            @Nullable Double w,
            @Nullable Double wPrime,
            @Nullable String batching,
            @Nullable Double rescale,
            @Nullable Double windowStart,
            @Nullable Double windowStop) {

        /** The configuration without {@code hoSalimansW} (the record's components before it was added). */
        public Cfg(
                @Nullable Double guidanceScale,
                @Nullable Double w,
                @Nullable Double wPrime,
                @Nullable String batching,
                @Nullable Double rescale,
                @Nullable Double windowStart,
                @Nullable Double windowStop) {
            this(guidanceScale, null, w, wPrime, batching, rescale, windowStart, windowStop);
        }

        public static Cfg defaults() {
            return new Cfg(null, null, null, null, null, null, null, null);
        }

        /**
         * The message for a bare {@code w}, which is read as Ho &amp; Salimans' w; empty when not given.
         * Reported as a deprecation by the {@code cfg} provider (validate and the pipeline print it).
         */
        Optional<String> wDeprecation() {
            if (w == null) {
                return Optional.empty();
            }
            return Optional.of("\"w\": " + w + " is read as Ho & Salimans' w, gamma = 1 + w = " + (1 + w)
                    + "; \"w\" is deprecated: write \"hoSalimansW\": " + w + ", or \"guidanceScale\": " + (1 + w));
        }

        ClassifierFreeGuidance build() {
            int given = (guidanceScale != null ? 1 : 0)
                    + (hoSalimansW != null ? 1 : 0)
                    + (w != null ? 1 : 0)
                    + (wPrime != null ? 1 : 0);
            if (given > 1) {
                throw new IllegalArgumentException(
                        "give only one of guidanceScale (gamma), hoSalimansW (Ho & Salimans' w,"
                                + " gamma = 1 + w) and wPrime (gamma = wPrime); they are the same knob");
            }
            Double hs = hoSalimansW != null ? hoSalimansW : w;
            ClassifierFreeGuidance g = hs != null
                    ? ClassifierFreeGuidance.ofW(hs)
                    : wPrime != null
                            ? ClassifierFreeGuidance.ofWPrime(wPrime)
                            : ClassifierFreeGuidance.ofGuidanceScale(guidanceScale != null ? guidanceScale : 7.5);
            if (batching != null) {
                g = g.withBatching(ClassifierFreeGuidance.Batching.parse(batching));
            }
            if (rescale != null) {
                g = g.withRescale(rescale);
            }
            if (windowStart != null || windowStop != null) {
                g = g.withWindow(windowStart == null ? 0 : windowStart, windowStop == null ? 1 : windowStop);
            }
            return g;
        }
    }

    /**
     * {@code classifier}.
     *
     * @param scale      s ≥ 0 (default 1)
     * @param placement  {@code epsilon} (default) or {@code mean_shift}
     * @param inner      the guidance to correct, as a nested {@code {"type": ...}} object (default
     *                   {@code unconditional}: the model under ∅)
     * @param classifier the name of the classifier resource supplied by the caller (default {@code classifier})
     */
    public record Classifier(
            @Nullable Double scale,
            @Nullable String placement,
            @Nullable JsonNode inner,
            @Nullable String classifier) {

        public static Classifier defaults() {
            return new Classifier(null, null, null, null);
        }

        ClassifierGuidance build(PluginContext context) {
            String name = classifier == null ? "classifier" : classifier;
            ClassifierGradient g = context.resource(name, ClassifierGradient.class)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "classifier guidance needs a classifier: no ClassifierGradient resource named '" + name
                                    + "' was supplied (load one with a backend that has the GRADIENTS capability)"));
            Guidance in = Guidance.UNCONDITIONAL;
            if (inner != null && !inner.isNull()) {
                JsonNode type = inner.get("type");
                if (type == null || !type.isTextual()) {
                    throw new IllegalArgumentException("inner guidance needs a \"type\" field");
                }
                in = context.registry().guidance(type.asText(), inner, context);
            }
            return new ClassifierGuidance(
                    in,
                    g,
                    scale == null ? 1 : scale,
                    placement == null
                            ? ClassifierGuidance.Placement.EPSILON
                            : ClassifierGuidance.Placement.parse(placement));
        }
    }
}
