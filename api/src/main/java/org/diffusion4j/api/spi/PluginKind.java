package org.diffusion4j.api.spi;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A kind of plugin: a label for messages and JSON ({@code sampler}) and the provider interface its
 * plugins implement and list in {@code META-INF/services}. The five kinds of the SDK are constants;
 * another module adds one with {@link #of} (the pipeline's model sources and trainers are such kinds) and
 * loads it with {@link PluginRegistry#load(ClassLoader, java.util.Collection)}. Kinds compare by identity:
 * declare each once, as a constant.
 *
 * @param <P> the provider interface
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class PluginKind<P extends PluginDescriptor<?>> {
    public static final PluginKind<ScheduleProvider<?>> SCHEDULE =
            builtin("SCHEDULE", "schedule", ScheduleProvider.class);
    public static final PluginKind<SamplerProvider<?>> SAMPLER = builtin("SAMPLER", "sampler", SamplerProvider.class);
    public static final PluginKind<GuidanceProvider<?>> GUIDANCE =
            builtin("GUIDANCE", "guidance", GuidanceProvider.class);
    public static final PluginKind<BackendProvider<?>> BACKEND = builtin("BACKEND", "backend", BackendProvider.class);
    public static final PluginKind<NoiseSourceProvider<?>> NOISE = builtin("NOISE", "noise", NoiseSourceProvider.class);

    private static final List<PluginKind<?>> BUILTIN = List.of(SCHEDULE, SAMPLER, GUIDANCE, BACKEND, NOISE);

    private final String name;
    private final String label;
    private final Class<P> providerType;

    private PluginKind(String name, String label, Class<P> providerType) {
        this.name = name;
        this.label = label;
        this.providerType = providerType;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <P extends PluginDescriptor<?>> PluginKind<P> builtin(String name, String label, Class raw) {
        return new PluginKind<>(name, label, (Class<P>) raw);
    }

    /**
     * A new kind of plugin.
     *
     * @param label        the lower-case name used in messages ({@code "model source"}); the plural adds an s
     * @param providerType the interface its providers implement (a {@link PluginDescriptor})
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <P extends PluginDescriptor<?>> PluginKind<P> of(String label, Class<? super P> providerType) {
        Objects.requireNonNull(label, "label");
        if (!PluginDescriptor.class.isAssignableFrom(providerType) || !providerType.isInterface()) {
            throw new IllegalArgumentException(
                    "a plugin kind's provider type is an interface extending PluginDescriptor, got "
                            + providerType.getName());
        }
        return new PluginKind<>(
                label.toUpperCase(Locale.ROOT).replace(' ', '_'), label, (Class<P>) (Class) providerType);
    }

    /** The SDK's own kinds, in order: schedule, sampler, guidance, backend, noise. */
    public static List<PluginKind<?>> values() {
        return BUILTIN;
    }

    /** The constant's name, upper case ({@code SAMPLER}). */
    public String name() {
        return name;
    }

    /** The provider interface a plugin of this kind implements (and names in {@code META-INF/services}). */
    public Class<P> providerType() {
        return providerType;
    }

    /** Lower-case name for messages and JSON: {@code schedule}, {@code sampler}, ... */
    public String label() {
        return label;
    }

    /** True for a kind whose providers make their object with {@link PluginProvider#create}. */
    public boolean creates() {
        return PluginProvider.class.isAssignableFrom(providerType);
    }

    @Override
    public String toString() {
        return name;
    }
}
