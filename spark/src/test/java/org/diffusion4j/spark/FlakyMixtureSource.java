package org.diffusion4j.spark;

import java.util.concurrent.atomic.AtomicInteger;
import org.diffusion4j.pipeline.models.GaussianMixtureSource;
import org.diffusion4j.pipeline.spi.LoadedModel;
import org.diffusion4j.pipeline.spi.ModelContext;
import org.diffusion4j.pipeline.spi.ModelSourceProvider;

/**
 * Test model source {@code flaky-mixture}: the three-blob exact-score mixture, whose predictor throws once
 * per JVM, on its {@code failOnCall}-th call (so one task fails once, and its retry succeeds).
 */
public final class FlakyMixtureSource implements ModelSourceProvider<FlakyMixtureSource.Config> {
    static final AtomicInteger CALLS = new AtomicInteger();
    static final AtomicInteger FAILURES = new AtomicInteger();

    /** @param failOnCall the predictor call (1-based, counted over the JVM) that throws */
    public record Config(int failOnCall) {}

    @Override
    public String id() {
        return "flaky-mixture";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public LoadedModel load(Config c, ModelContext context) {
        LoadedModel m = new GaussianMixtureSource()
                .load(new GaussianMixtureSource.Config(null, null, null, null, null), context);
        org.diffusion4j.api.NoisePredictor inner = m.predictor();
        org.diffusion4j.api.NoisePredictor flaky = (x, t, cond) -> {
            if (CALLS.incrementAndGet() == c.failOnCall()) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("flaky-mixture: planned failure on call " + c.failOnCall());
            }
            return inner.predict(x, t, cond);
        };
        LoadedModel out = LoadedModel.of(flaky).withSampleShape(m.sampleShape().orElseThrow());
        return m.numClasses().isPresent() ? out.withNumClasses(m.numClasses().getAsInt()) : out;
    }

    @Override
    public java.util.Optional<String> preferredBackend(Config c) {
        return java.util.Optional.of("java");
    }

    @Override
    public java.util.Optional<int[]> sampleShape(Config c) {
        return java.util.Optional.of(new int[] {2});
    }
}
