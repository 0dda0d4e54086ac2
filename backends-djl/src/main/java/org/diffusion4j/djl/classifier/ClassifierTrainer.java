package org.diffusion4j.djl.classifier;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.nn.Ops;
import org.diffusion4j.djl.train.AdamW;
import org.diffusion4j.djl.train.DataOrder;
import org.diffusion4j.djl.train.ProgressListener;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.train.TrainingProgress;
import org.jspecify.annotations.Nullable;

/**
 * Trains a {@link ClassifierModel} with cross-entropy, either on clean images (model time 0) or, for
 * classifier guidance, on forward-process samples x_t = α_t x0 + σ_t ε at random times
 * t ~ schedule.trainingTime(u) (Dhariwal &amp; Nichol, arXiv 2105.05233, §4: it must recognise noisy images).
 * Uses the {@link TrainerConfig} fields batchSize, learningRate, warmupSteps, weightDecay, betas,
 * epsilon, gradClip, seed and threads; the data order and all draws are functions of (seed, step).
 */
public final class ClassifierTrainer implements AutoCloseable {

    private final ClassifierModel model;
    private final TrainerConfig config;
    private final @Nullable Schedule schedule;
    private final ImageDataset data;
    private final AdamW optimizer;
    private final DataOrder order;
    private final NDManager manager;
    private long step;
    private double smoothed = Double.NaN;

    /**
     * @param schedule the forward process to train on; {@code null} for a clean classifier
     */
    public ClassifierTrainer(
            ClassifierModel model, TrainerConfig config, @Nullable Schedule schedule, ImageDataset data) {
        if (data.numClasses() > model.config().numClasses()) {
            throw new IllegalArgumentException("data has " + data.numClasses() + " classes, the classifier "
                    + model.config().numClasses());
        }
        this.model = model;
        this.config = config;
        this.schedule = schedule;
        this.data = data;
        DjlRuntime.setThreads(config.threads());
        this.manager = DjlRuntime.engine().newBaseManager(model.device());
        this.optimizer = new AdamW(
                model.block(), manager, config.beta1(), config.beta2(), config.epsilon(), config.weightDecay());
        this.order = new DataOrder(data.size(), config.seed());
    }

    public ClassifierModel model() {
        return model;
    }

    public long stepsDone() {
        return step;
    }

    /** Runs {@code steps} steps, telling {@code listener} after each. */
    public void train(long steps, ProgressListener listener) {
        long start = step;
        long target = step + steps;
        long t0 = System.nanoTime();
        while (step < target) {
            double loss = trainStep();
            double rate = (step - start) / Math.max((System.nanoTime() - t0) / 1e9, 1e-9);
            listener.onStep(
                    new TrainingProgress(step, target, loss, smoothed, lr(step - 1), rate, Duration.ofMillis((long)
                            ((target - step) / Math.max(rate, 1e-9) * 1000))));
        }
    }

    private double lr(long n) {
        int w = config.warmupSteps();
        return w == 0 ? config.learningRate() : config.learningRate() * Math.min(1.0, (n + 1.0) / w);
    }

    /** One step; returns the mean cross-entropy of the batch. */
    public double trainStep() {
        int b = config.batchSize();
        int per = data.imageShape().intSize();
        float[] x = new float[b * per];
        int[] y = new int[b];
        for (int i = 0; i < b; i++) {
            int idx = order.index(step * b + i);
            data.copyImage(idx, x, i * per);
            y[i] = data.label(idx);
        }
        double[] times = new double[b];
        if (schedule != null) {
            SdkNoise.Normal rng = DataOrder.stepRng(config.seed(), step);
            float[] eps = new float[per];
            for (int i = 0; i < b; i++) {
                Timestep t = schedule.trainingTime(rng.nextUniform());
                times[i] = t.modelTime();
                float a = (float) t.alpha();
                float s = (float) t.sigma();
                rng.fill(eps, 0, per);
                for (int j = 0; j < per; j++) {
                    x[i * per + j] = a * x[i * per + j] + s * eps[j]; // x_t = α x0 + σ ε
                }
            }
        }
        double rate = lr(step);
        double loss = DjlRuntime.withAutograd(() -> run(x, y, times, rate));
        step++;
        smoothed = Double.isNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
        return loss;
    }

    private double run(float[] x, int[] y, double[] times, double lr) {
        int b = y.length;
        var c = model.config();
        model.block().freezeParameters(false);
        Engine engine = DjlRuntime.engine();
        try (NDManager call = manager.newSubManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray xa = call.create(x, new Shape(b, c.imageChannels(), c.imageSize(), c.imageSize()));
            NDArray loss;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray logits = model.forward(call, xa, times, true);
                loss = Ops.scale(LogProbGradient.selectedLogProb(call, logits, y), -1f / b); // cross-entropy
                gc.backward(loss);
            }
            double l = loss.getFloat();
            List<NDArray> grads = new ArrayList<>();
            ai.djl.ndarray.NDList squares = new ai.djl.ndarray.NDList();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                grads.add(g);
                squares.add(g.square().sum());
            }
            // one host round trip for all parameters: the float32 sums of squares added in float64
            double sq = ai.djl.ndarray.NDArrays.stack(squares)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                    .sum()
                    .getDouble();
            double norm = Math.sqrt(sq);
            if (config.gradClip() > 0 && norm > config.gradClip()) {
                for (NDArray g : grads) {
                    g.muli((float) (config.gradClip() / norm));
                }
            }
            optimizer.update(grads, lr);
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                JniUtils.zeroGrad((PtNDArray) p.getValue().getArray());
            }
            return l;
        }
    }

    @Override
    public void close() {
        optimizer.close();
        manager.close();
    }
}
