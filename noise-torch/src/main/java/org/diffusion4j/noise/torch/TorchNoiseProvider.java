package org.diffusion4j.noise.torch;

import java.util.List;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.spi.NoiseSourceProvider;
import org.diffusion4j.api.spi.PluginContext;

/**
 * Registers {@link TorchNoise} as noise source {@value TorchNoise#ID} (aliases {@code torch},
 * {@code pytorch}), configured by {@link TorchNoiseConfig}. A configured seed or list of sample seeds
 * wraps the source so that they replace the run's seeds.
 */
public final class TorchNoiseProvider implements NoiseSourceProvider<TorchNoiseConfig> {

    @Override
    public String id() {
        return TorchNoise.ID;
    }

    @Override
    public List<String> aliases() {
        return List.of("torch", "pytorch");
    }

    @Override
    public String description() {
        return "PyTorch CPU torch.randn bit for bit (MT19937, Box-Muller), for seeds shared with Python";
    }

    @Override
    public Class<TorchNoiseConfig> configType() {
        return TorchNoiseConfig.class;
    }

    @Override
    public TorchNoiseConfig defaultConfig() {
        return TorchNoiseConfig.DEFAULT;
    }

    @Override
    public NoiseSource create(TorchNoiseConfig config, PluginContext context) {
        TorchNoise noise = TorchNoise.of(config.kernel());
        if (!config.overridesSeeds()) {
            return noise;
        }
        long[] sampleSeeds = null;
        if (!config.sampleSeeds().isEmpty()) {
            sampleSeeds =
                    config.sampleSeeds().stream().mapToLong(Long::longValue).toArray();
        }
        return new SeedOverride(noise, config.seed(), sampleSeeds);
    }
}
