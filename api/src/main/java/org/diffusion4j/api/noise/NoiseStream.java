package org.diffusion4j.api.noise;

import org.apiguardian.api.API;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;

/**
 * The noise of one sampling run: consecutive draws continue the run's generator(s). Not thread-safe;
 * it belongs to one run.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public interface NoiseStream {

    /** Number of samples per draw. */
    int batchSize();

    /**
     * The next draw of {@code batchSize() * sampleShape.size()} standard normal values, sample-major
     * (the row-major layout of a tensor of shape {@code [B, ...sampleShape]}).
     */
    float[] next(Shape sampleShape);

    /** The next draw as a tensor of shape {@code [B, ...sampleShape]}. */
    default Tensor next(Shape sampleShape, TensorFactory factory) {
        return factory.of(next(sampleShape), sampleShape.withBatch(batchSize()));
    }
}
