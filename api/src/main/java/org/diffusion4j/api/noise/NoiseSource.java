package org.diffusion4j.api.noise;

import org.apiguardian.api.API;

/**
 * A source of standard normal noise for sampling runs. Immutable: every run opens its own
 * {@link NoiseStream}, so runs on different threads never share generator state.
 *
 * <p>Two ways to seed a run: one seed for the batch ({@link #open}) and one seed per sample
 * ({@link #openPerSample}); what the first means for individual samples is the source's documented
 * choice (the SDK's own source gives every sample its own stream either way).
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface NoiseSource {

    /** The plugin id of this source, for reports and JSON. */
    String id();

    /** A stream for a run of {@code batchSize} samples seeded with {@code seed}. */
    NoiseStream open(long seed, int batchSize);

    /** A stream in which sample {@code i} draws only from its own generator seeded with {@code seeds[i]}. */
    NoiseStream openPerSample(long[] seeds);
}
