package org.diffusion4j.djl;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.BackendProvider;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.PluginContext;

/**
 * Provides the {@code djl} backend (alias {@code pytorch}): DJL with the PyTorch engine, on the CPU or
 * a GPU. Construction loads nothing; the native library is loaded by {@link #create}.
 */
public final class DjlBackendProvider implements BackendProvider<DjlConfig> {

    /** The provider id. */
    public static final String ID = "djl";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> aliases() {
        return List.of("pytorch");
    }

    @Override
    public int rank() {
        return 10;
    }

    @Override
    public String description() {
        return "DJL + PyTorch: device tensors (cpu/gpu), Java UNet, TorchScript .pt models, training, autograd gradients";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.GRADIENTS, Capability.TRAINING, Capability.GPU, Capability.MODEL_FILES);
    }

    @Override
    public Class<DjlConfig> configType() {
        return DjlConfig.class;
    }

    @Override
    public DjlConfig defaultConfig() {
        return DjlConfig.DEFAULT;
    }

    @Override
    public Backend create(DjlConfig config, PluginContext context) {
        return new DjlBackend(config);
    }
}
