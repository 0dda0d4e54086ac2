package org.diffusion4j.api.spi;

import java.util.Set;
import org.apiguardian.api.API;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.TensorFactory;

/**
 * The built-in backend {@code java}: pure-Java tensors on the CPU, always present, no native code.
 * It runs predictors written in Java (lambdas, the test kit's exact-score models) but loads no model
 * files; use the {@code djl} or {@code onnx} backend for those.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class JavaBackendProvider implements BackendProvider<NoConfig>, UnconfiguredProvider<Backend> {

    @Override
    public String id() {
        return "java";
    }

    @Override
    public int rank() {
        return -100;
    }

    @Override
    public String description() {
        return "pure-Java float32 tensors on the CPU; runs Java predictors, loads no model files";
    }

    @Override
    public Backend create(PluginContext context) {
        return new Backend() {
            @Override
            public String id() {
                return "java";
            }

            @Override
            public String device() {
                return "cpu";
            }

            @Override
            public TensorFactory tensors() {
                return ArrayTensor.FACTORY;
            }

            @Override
            public Set<Capability> capabilities() {
                return Set.of();
            }

            @Override
            public NoisePredictor loadPredictor(ModelSpec spec) {
                throw new UnsupportedOperationException("the 'java' backend loads no model files (asked for "
                        + spec.file() + "); use backend 'djl' for TorchScript .pt or 'onnx' for .onnx files");
            }
        };
    }
}
