package org.diffusion4j.onnx;

import java.util.List;
import java.util.Set;
import org.diffusion4j.api.spi.Backend;
import org.diffusion4j.api.spi.BackendProvider;
import org.diffusion4j.api.spi.Capability;
import org.diffusion4j.api.spi.PluginContext;

/**
 * Registers the ONNX Runtime backend as {@code onnx} (aliases {@code onnxruntime}, {@code ort}).
 * Constructing the provider touches no native code; {@link #create} loads ONNX Runtime.
 */
public final class OnnxBackendProvider implements BackendProvider<OnnxConfig> {

    /** The backend id. */
    public static final String ID = "onnx";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> aliases() {
        return List.of("onnxruntime", "ort");
    }

    /** Below djl (which can also train and differentiate), above the pure-Java backend. */
    @Override
    public int rank() {
        return 5;
    }

    @Override
    public String description() {
        return "ONNX Runtime: exported .onnx models as noise predictors and gradient-output classifiers, CPU or CUDA";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.MODEL_FILES, Capability.GPU);
    }

    @Override
    public Class<OnnxConfig> configType() {
        return OnnxConfig.class;
    }

    @Override
    public OnnxConfig defaultConfig() {
        return OnnxConfig.DEFAULT;
    }

    @Override
    public Backend create(OnnxConfig config, PluginContext context) {
        return OnnxBackend.open(config);
    }
}
