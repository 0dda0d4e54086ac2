package org.diffusion4j.djl.train;

import org.jspecify.annotations.Nullable;

/**
 * Hyper-parameters of a {@link Trainer}; immutable, JSON-bindable, every field optional. The training
 * target (ε, x0 or v) is the network's own {@code predictionType}.
 *
 * @param batchSize      images per step (default 64)
 * @param learningRate   peak learning rate η of AdamW (default 2e-4)
 * @param warmupSteps    linear learning-rate warm-up from η/warmup to η (default 500; 0 = none)
 * @param weightDecay    decoupled weight decay λ of AdamW (default 0)
 * @param beta1          AdamW β₁ (default 0.9)
 * @param beta2          AdamW β₂ (default 0.999)
 * @param epsilon        AdamW ε (default 1e-8)
 * @param gradClip       clip the global gradient norm to this (default 1; 0 = no clipping)
 * @param emaDecay       decay of the exponential moving average of the weights (default 0.999); the
 *                       effective decay at step t is min(emaDecay, (1 + t)/(10 + t))
 * @param pUncond        probability that a label is replaced by the null class ∅ (classifier-free
 *                       training; default 0.1; ignored for unconditional networks)
 * @param minSnrGamma    γ of min-SNR-γ loss weighting (Hang et al. 2023); 0 (default) = plain L_simple
 * @param seed           seed of the data order, noise, times, condition dropout and dropout masks
 * @param threads        PyTorch intra-op threads; 0 (default) keeps PyTorch's choice
 * @param decaySteps     cosine learning-rate decay from η at the end of the warm-up to 0 at this step
 *                       (SGDR, arXiv 1608.03983, eq. 5, one cycle); 0 (default) = constant η after the warm-up
 */
public record TrainerConfig(
        @Nullable Integer batchSize,
        @Nullable Double learningRate,
        @Nullable Integer warmupSteps,
        @Nullable Double weightDecay,
        @Nullable Double beta1,
        @Nullable Double beta2,
        @Nullable Double epsilon,
        @Nullable Double gradClip,
        @Nullable Double emaDecay,
        @Nullable Double pUncond,
        @Nullable Double minSnrGamma,
        @Nullable Long seed,
        @Nullable Integer threads,
        @Nullable Integer decaySteps) {

    private static final int DEFAULT_BATCH_SIZE = 64;
    private static final double DEFAULT_LEARNING_RATE = 2e-4;
    private static final int DEFAULT_WARMUP_STEPS = 500;
    private static final double DEFAULT_WEIGHT_DECAY = 0.0;
    private static final double DEFAULT_BETA1 = 0.9;
    private static final double DEFAULT_BETA2 = 0.999;
    private static final double DEFAULT_EPSILON = 1e-8;
    private static final double DEFAULT_GRAD_CLIP = 1.0;
    private static final double DEFAULT_EMA_DECAY = 0.999;
    private static final double DEFAULT_P_UNCOND = 0.1;
    private static final double DEFAULT_MIN_SNR_GAMMA = 0.0;
    private static final long DEFAULT_SEED = 0L;
    private static final int DEFAULT_THREADS = 0;
    private static final int DEFAULT_DECAY_STEPS = 0;

    public TrainerConfig {
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        check(batchSize > 0, "batchSize must be positive, got " + batchSize);
        learningRate = learningRate == null ? DEFAULT_LEARNING_RATE : learningRate;
        check(learningRate > 0 && Double.isFinite(learningRate), "learningRate must be positive, got " + learningRate);
        warmupSteps = warmupSteps == null ? DEFAULT_WARMUP_STEPS : warmupSteps;
        check(warmupSteps >= 0, "warmupSteps must be >= 0, got " + warmupSteps);
        weightDecay = weightDecay == null ? DEFAULT_WEIGHT_DECAY : weightDecay;
        check(weightDecay >= 0, "weightDecay must be >= 0, got " + weightDecay);
        beta1 = beta1 == null ? DEFAULT_BETA1 : beta1;
        check(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got " + beta1);
        beta2 = beta2 == null ? DEFAULT_BETA2 : beta2;
        check(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got " + beta2);
        epsilon = epsilon == null ? DEFAULT_EPSILON : epsilon;
        check(epsilon > 0, "epsilon must be positive, got " + epsilon);
        gradClip = gradClip == null ? DEFAULT_GRAD_CLIP : gradClip;
        check(gradClip >= 0, "gradClip must be >= 0 (0: off), got " + gradClip);
        emaDecay = emaDecay == null ? DEFAULT_EMA_DECAY : emaDecay;
        check(emaDecay >= 0 && emaDecay < 1, "emaDecay must be in [0, 1), got " + emaDecay);
        pUncond = pUncond == null ? DEFAULT_P_UNCOND : pUncond;
        check(pUncond >= 0 && pUncond <= 1, "pUncond must be in [0, 1], got " + pUncond);
        minSnrGamma = minSnrGamma == null ? DEFAULT_MIN_SNR_GAMMA : minSnrGamma;
        check(minSnrGamma >= 0, "minSnrGamma must be >= 0 (0: off), got " + minSnrGamma);
        seed = seed == null ? DEFAULT_SEED : seed;
        threads = threads == null ? DEFAULT_THREADS : threads;
        check(threads >= 0, "threads must be >= 0, got " + threads);
        decaySteps = decaySteps == null ? DEFAULT_DECAY_STEPS : decaySteps;
        check(decaySteps >= 0, "decaySteps must be >= 0 (0: no decay), got " + decaySteps);
    }

    // The accessors below never return null: a component left out takes its default (the compact
    // constructor stores the same default, so these only spell that out for the nullness checker).

    @Override
    public Integer batchSize() {
        return batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
    }

    @Override
    public Double learningRate() {
        return learningRate == null ? DEFAULT_LEARNING_RATE : learningRate;
    }

    @Override
    public Integer warmupSteps() {
        return warmupSteps == null ? DEFAULT_WARMUP_STEPS : warmupSteps;
    }

    @Override
    public Double weightDecay() {
        return weightDecay == null ? DEFAULT_WEIGHT_DECAY : weightDecay;
    }

    @Override
    public Double beta1() {
        return beta1 == null ? DEFAULT_BETA1 : beta1;
    }

    @Override
    public Double beta2() {
        return beta2 == null ? DEFAULT_BETA2 : beta2;
    }

    @Override
    public Double epsilon() {
        return epsilon == null ? DEFAULT_EPSILON : epsilon;
    }

    @Override
    public Double gradClip() {
        return gradClip == null ? DEFAULT_GRAD_CLIP : gradClip;
    }

    @Override
    public Double emaDecay() {
        return emaDecay == null ? DEFAULT_EMA_DECAY : emaDecay;
    }

    @Override
    public Double pUncond() {
        return pUncond == null ? DEFAULT_P_UNCOND : pUncond;
    }

    @Override
    public Double minSnrGamma() {
        return minSnrGamma == null ? DEFAULT_MIN_SNR_GAMMA : minSnrGamma;
    }

    @Override
    public Long seed() {
        return seed == null ? DEFAULT_SEED : seed;
    }

    @Override
    public Integer threads() {
        return threads == null ? DEFAULT_THREADS : threads;
    }

    @Override
    public Integer decaySteps() {
        return decaySteps == null ? DEFAULT_DECAY_STEPS : decaySteps;
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** All defaults. */
    public static TrainerConfig defaults() {
        return new TrainerConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder(defaults());
    }

    /** Builder of {@link TrainerConfig}. */
    public static final class Builder {
        private int batchSize;
        private double learningRate;
        private int warmupSteps;
        private double weightDecay;
        private double beta1;
        private double beta2;
        private double epsilon;
        private double gradClip;
        private double emaDecay;
        private double pUncond;
        private double minSnrGamma;
        private long seed;
        private int threads;
        private int decaySteps;

        private Builder(TrainerConfig c) {
            batchSize = c.batchSize();
            learningRate = c.learningRate();
            warmupSteps = c.warmupSteps();
            weightDecay = c.weightDecay();
            beta1 = c.beta1();
            beta2 = c.beta2();
            epsilon = c.epsilon();
            gradClip = c.gradClip();
            emaDecay = c.emaDecay();
            pUncond = c.pUncond();
            minSnrGamma = c.minSnrGamma();
            seed = c.seed();
            threads = c.threads();
            decaySteps = c.decaySteps();
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder warmupSteps(int v) {
            warmupSteps = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        public Builder epsilon(double v) {
            epsilon = v;
            return this;
        }

        public Builder gradClip(double v) {
            gradClip = v;
            return this;
        }

        public Builder emaDecay(double v) {
            emaDecay = v;
            return this;
        }

        public Builder pUncond(double v) {
            pUncond = v;
            return this;
        }

        public Builder minSnrGamma(double v) {
            minSnrGamma = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder threads(int v) {
            threads = v;
            return this;
        }

        public Builder decaySteps(int v) {
            decaySteps = v;
            return this;
        }

        public TrainerConfig build() {
            return new TrainerConfig(
                    batchSize,
                    learningRate,
                    warmupSteps,
                    weightDecay,
                    beta1,
                    beta2,
                    epsilon,
                    gradClip,
                    emaDecay,
                    pUncond,
                    minSnrGamma,
                    seed,
                    threads,
                    decaySteps);
        }
    }
}
