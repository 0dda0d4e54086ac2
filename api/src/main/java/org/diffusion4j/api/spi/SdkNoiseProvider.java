package org.diffusion4j.api.spi;

import java.util.List;
import org.apiguardian.api.API;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.SdkNoise;

/** Registers the SDK's own noise ({@link SdkNoise}) as noise source {@code sdk}. */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class SdkNoiseProvider implements NoiseSourceProvider<NoConfig>, UnconfiguredProvider<NoiseSource> {
    @Override
    public String id() {
        return SdkNoise.ID;
    }

    @Override
    public List<String> aliases() {
        return List.of("default", "diffusion4j");
    }

    @Override
    public String description() {
        return "per-sample xoshiro256** streams with Box-Muller normals, identical on every platform";
    }

    @Override
    public NoiseSource create(PluginContext context) {
        return SdkNoise.INSTANCE;
    }
}
