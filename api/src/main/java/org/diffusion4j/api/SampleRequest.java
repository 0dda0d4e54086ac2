package org.diffusion4j.api;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;
import org.diffusion4j.api.noise.NoiseSource;
import org.diffusion4j.api.noise.NoiseStream;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.api.tensor.TensorFactory;
import org.jspecify.annotations.Nullable;

/**
 * Everything one sampling run needs besides the update rule: the model, the schedule, the guidance,
 * one condition per sample, the sample shape, the seed and noise source, and the tensor factory.
 * Immutable; build it with {@link #builder()}.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class SampleRequest {
    private final NoisePredictor predictor;
    private final Schedule schedule;
    private final Guidance guidance;
    private final Conditions conditions;
    private final Shape sampleShape;
    private final long seed;
    private final long @Nullable [] sampleSeeds;
    private final NoiseSource noise;
    private final TensorFactory tensors;
    private final @Nullable Tensor initialState;

    private SampleRequest(Builder b) {
        this.predictor = Objects.requireNonNull(b.predictor, "predictor is required");
        this.schedule = Objects.requireNonNull(b.schedule, "schedule is required");
        this.guidance = b.guidance;
        this.sampleShape = Objects.requireNonNull(b.sampleShape, "sampleShape is required");
        this.conditions = b.conditions != null ? b.conditions : Conditions.unconditional(b.batchSize);
        if (conditions.size() == 0) {
            throw new IllegalArgumentException(
                    "a sample request needs at least one sample: give conditions or batchSize");
        }
        if (b.batchSize > 0 && b.conditions != null && b.batchSize != b.conditions.size()) {
            throw new IllegalArgumentException(
                    "batchSize " + b.batchSize + " but " + b.conditions.size() + " conditions");
        }
        this.seed = b.seed;
        this.sampleSeeds = b.sampleSeeds == null ? null : b.sampleSeeds.clone();
        if (sampleSeeds != null && sampleSeeds.length != conditions.size()) {
            throw new IllegalArgumentException(
                    sampleSeeds.length + " sample seeds for a batch of " + conditions.size());
        }
        this.noise = b.noise;
        this.tensors = b.tensors;
        this.initialState = b.initialState;
        if (initialState != null && !initialState.shape().equals(batchShape())) {
            throw new IllegalArgumentException(
                    "initial state has shape " + initialState.shape() + ", expected " + batchShape());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this request's settings. */
    public Builder toBuilder() {
        Builder b = new Builder()
                .predictor(predictor)
                .schedule(schedule)
                .guidance(guidance)
                .conditions(conditions)
                .sampleShape(sampleShape)
                .seed(seed)
                .noise(noise)
                .tensors(tensors);
        b.sampleSeeds = sampleSeeds;
        b.initialState = initialState;
        return b;
    }

    public NoisePredictor predictor() {
        return predictor;
    }

    public Schedule schedule() {
        return schedule;
    }

    public Guidance guidance() {
        return guidance;
    }

    public Conditions conditions() {
        return conditions;
    }

    public int batchSize() {
        return conditions.size();
    }

    /** The shape of one sample, without the batch axis. */
    public Shape sampleShape() {
        return sampleShape;
    }

    /** {@code [B, ...sampleShape]}. */
    public Shape batchShape() {
        return sampleShape.withBatch(batchSize());
    }

    public long seed() {
        return seed;
    }

    /** Per-sample seeds, when given. */
    public Optional<long[]> sampleSeeds() {
        return Optional.ofNullable(sampleSeeds).map(long[]::clone);
    }

    public NoiseSource noise() {
        return noise;
    }

    public TensorFactory tensors() {
        return tensors;
    }

    /** A given x_T to start from instead of drawing one. */
    public Optional<Tensor> initialState() {
        return Optional.ofNullable(initialState);
    }

    /** Opens this run's noise stream: per-sample seeds when given, else the run seed. */
    public NoiseStream openNoise() {
        return sampleSeeds != null ? noise.openPerSample(sampleSeeds) : noise.open(seed, batchSize());
    }

    @Override
    public String toString() {
        return "SampleRequest[batch=" + batchSize() + ", sampleShape=" + sampleShape + ", seed=" + seed
                + (sampleSeeds != null ? ", sampleSeeds=" + Arrays.toString(sampleSeeds) : "")
                + ", noise=" + noise.id() + ", tensors=" + tensors.name() + ", guidance=" + guidance.describe() + "]";
    }

    /** Builder of {@link SampleRequest}; defaults: no guidance, seed = 0, the SDK noise, pure-Java tensors. */
    public static final class Builder {
        private @Nullable NoisePredictor predictor;
        private @Nullable Schedule schedule;
        private Guidance guidance = Guidance.NONE;
        private @Nullable Conditions conditions;
        private int batchSize;
        private @Nullable Shape sampleShape;
        private long seed;
        private long @Nullable [] sampleSeeds;
        private NoiseSource noise = SdkNoise.INSTANCE;
        private TensorFactory tensors = ArrayTensor.FACTORY;
        private @Nullable Tensor initialState;

        private Builder() {}

        public Builder predictor(NoisePredictor p) {
            this.predictor = p;
            return this;
        }

        public Builder schedule(Schedule s) {
            this.schedule = s;
            return this;
        }

        public Builder guidance(Guidance g) {
            this.guidance = g;
            return this;
        }

        /** One condition per sample; sets the batch size. */
        public Builder conditions(Conditions c) {
            this.conditions = c;
            return this;
        }

        /** Batch size for unconditional sampling (when no conditions are given). */
        public Builder batchSize(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        public Builder sampleShape(Shape s) {
            this.sampleShape = s;
            return this;
        }

        public Builder sampleShape(int... dims) {
            return sampleShape(Shape.of(dims));
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** One seed per sample: sample i draws all its noise from a stream seeded with {@code seeds[i]}. */
        public Builder sampleSeeds(long... seeds) {
            this.sampleSeeds = seeds.clone();
            return this;
        }

        public Builder noise(NoiseSource n) {
            this.noise = n;
            return this;
        }

        public Builder tensors(TensorFactory f) {
            this.tensors = f;
            return this;
        }

        /** Start from this x_T instead of drawing it. */
        public Builder initialState(Tensor x) {
            this.initialState = x;
            return this;
        }

        public SampleRequest build() {
            return new SampleRequest(this);
        }
    }
}
