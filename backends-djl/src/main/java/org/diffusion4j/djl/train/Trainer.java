package org.diffusion4j.djl.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diffusion4j.api.DiffusionStateException;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link UNetModel} as a denoiser (DDPM training, Ho et al. 2020, arXiv 2006.11239, Algorithm 1,
 * generalised):
 * <pre>
 * repeat
 *   (x0, y) ~ data;  t ~ schedule.trainingTime(u), u ~ U[0, 1)   (t ~ U{0..T−1}, or a λ draw)
 *   ε ~ N(0, I);     x_t = α_t x0 + σ_t ε                         (Ho et al. eq. 4)
 *   y ← ∅ with probability p_uncond                               (classifier-free training)
 *   L = mean_b w(t_b) · mean‖f_θ(x_t, t, y) − target‖²            (target ε, x0 or v; w = 1 or min-SNR-γ)
 *   θ ← AdamW(θ, clip(∇_θ L)), learning rate warmed up linearly; θ̄ ← EMA(θ)
 * </pre>
 * Every random draw of step n is a function of (seed, n): the data order ({@link DataOrder}), the
 * times, the noise and the condition dropout come from the SDK's generator on the host, and the
 * engine's generator (dropout masks) is re-seeded from (seed, n) before each step. A run is therefore
 * deterministic on the CPU, and a checkpoint needs only the step count as its RNG state:
 * {@link #save}/{@link #resume} continue the loss curve exactly.
 *
 * <p>Native memory: each step runs in its own {@code NDManager} sub-manager and {@link NDScope}, so
 * only the weights, EMA and optimizer state persist between steps. Not thread-safe; gradient work of
 * the whole process is serialised by {@link DjlRuntime#withAutograd}.
 */
public final class Trainer implements AutoCloseable {

    /** Checkpoint kind written by {@link #save}. */
    public static final String KIND = "unet-trainer";

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final UNetModel model;
    private final TrainerConfig config;
    private final Schedule schedule;
    private final ImageDataset data;
    private final AdamW optimizer;
    private final Ema ema;
    private final DataOrder order;
    private final NDManager manager;
    private final List<Float> losses = new ArrayList<>();
    private long step;
    private double smoothed = Double.NaN;
    private int lastDropped;

    private Trainer(UNetModel model, TrainerConfig config, Schedule schedule, ImageDataset data) {
        UNetConfig uc = model.config();
        org.diffusion4j.api.tensor.Shape img = data.imageShape();
        if (img.rank() != 3
                || img.get(0) != uc.imageChannels()
                || img.get(1) != uc.imageSize()
                || img.get(2) != uc.imageSize()) {
            throw new IllegalArgumentException("data images have shape " + img + " but the UNet takes ["
                    + uc.imageChannels() + ", " + uc.imageSize() + ", " + uc.imageSize() + "]");
        }
        if (uc.conditional() && data.numClasses() > uc.numClasses()) {
            throw new IllegalArgumentException(
                    "data has " + data.numClasses() + " classes but the UNet only " + uc.numClasses());
        }
        this.model = model;
        this.config = config;
        this.schedule = schedule;
        this.data = data;
        DjlRuntime.setThreads(config.threads());
        this.manager = DjlRuntime.engine().newBaseManager(model.device());
        this.optimizer = new AdamW(
                model.block(), manager, config.beta1(), config.beta2(), config.epsilon(), config.weightDecay());
        this.ema = new Ema(model.block(), manager, config.emaDecay());
        this.order = new DataOrder(data.size(), config.seed());
    }

    /**
     * A trainer for a new network.
     *
     * @param seed of the initial weights (the data/noise seed is {@link TrainerConfig#seed()})
     */
    public static Trainer create(
            UNetConfig unet, TrainerConfig config, Schedule schedule, ImageDataset data, Device device, long seed) {
        return new Trainer(UNetModel.create(unet, device, seed), config, schedule, data);
    }

    /**
     * Continues the run saved in {@code checkpoint}: network, EMA, optimizer state, step and loss curve.
     * The schedule and data must be the ones of the original run for the continuation to be exact.
     */
    public static Trainer resume(Path checkpoint, Schedule schedule, ImageDataset data, Device device)
            throws IOException {
        Checkpoint c = Checkpoint.read(checkpoint);
        if (!KIND.equals(c.kind())) {
            throw new IOException(checkpoint + " holds a '" + c.kind() + "' checkpoint, not a " + KIND + " one");
        }
        ObjectNode state = c.state();
        UNetConfig uc = Checkpoint.JSON.treeToValue(c.meta().get("unet"), UNetConfig.class);
        TrainerConfig tc = Checkpoint.JSON.treeToValue(state.get("trainer"), TrainerConfig.class);
        long step = state.get("step").asLong();
        int dataSize = state.path("dataSize").asInt(-1);
        if (dataSize != data.size()) {
            LOG.warn(
                    "{} was trained on {} images, resuming on {}: the data order will differ",
                    checkpoint,
                    dataSize,
                    data.size());
        }
        UNetModel m = UNetModel.create(uc, device, 0);
        m.load(c.section(checkpoint, Checkpoint.MODEL), checkpoint.toString());
        Trainer t = new Trainer(m, tc, schedule, data);
        t.ema.restore(c.section(checkpoint, "ema"), state.get("emaUpdates").asLong(), checkpoint.toString());
        t.optimizer.restore(
                c.section(checkpoint, "adam.m"),
                c.section(checkpoint, "adam.v"),
                state.get("adamUpdates").asLong(),
                checkpoint.toString());
        t.step = step;
        float[] curve = c.section(checkpoint, "losses").getOrDefault("loss", new float[0]);
        for (float f : curve) {
            t.losses.add(f);
        }
        t.smoothed = state.path("smoothedLoss").asDouble(Double.NaN);
        LOG.info("resumed {} at step {}", checkpoint, step);
        return t;
    }

    /** The network being trained (its current, not averaged, weights). */
    public UNetModel model() {
        return model;
    }

    public TrainerConfig config() {
        return config;
    }

    /** Steps done. */
    public long stepsDone() {
        return step;
    }

    /** The loss of every step done, in order (including the steps before a resume). */
    public List<Float> losses() {
        return List.copyOf(losses);
    }

    /** How many labels of the last step's batch were replaced by the null class. */
    public int lastDropped() {
        return lastDropped;
    }

    /**
     * The learning rate of step {@code n} (0-based): η · min(1, (n + 1)/warmup), times, with
     * {@code decaySteps} D > warmup W, the cosine factor ½(1 + cos(π · min(1, (n − W)/(D − W)))) after the
     * warm-up (SGDR, Loshchilov &amp; Hutter, arXiv 1608.03983, eq. 5 with η_min = 0, one cycle).
     */
    public double learningRate(long n) {
        int w = config.warmupSteps();
        double lr = w == 0 ? config.learningRate() : config.learningRate() * Math.min(1.0, (n + 1.0) / w);
        int d = config.decaySteps();
        return d > w && n >= w ? lr * 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, (n - w) / (double) (d - w)))) : lr;
    }

    /** Runs {@code steps} more steps, telling {@code listener} after each. */
    public void train(long steps, ProgressListener listener) {
        long start = step;
        long target = step + steps;
        long t0 = System.nanoTime();
        while (step < target) {
            double loss = trainStep();
            double secs = (System.nanoTime() - t0) / 1e9;
            double rate = (step - start) / Math.max(secs, 1e-9);
            Duration eta = Duration.ofMillis((long) ((target - step) / Math.max(rate, 1e-9) * 1000));
            listener.onStep(new TrainingProgress(step, target, loss, smoothed, learningRate(step - 1), rate, eta));
        }
    }

    /** Runs one step and returns its loss. */
    public double trainStep() {
        int b = config.batchSize();
        UNetConfig uc = model.config();
        int per = data.imageShape().intSize();
        float[] x0 = new float[b * per];
        int[] classes = new int[b];
        for (int i = 0; i < b; i++) {
            int idx = order.index(step * b + i);
            data.copyImage(idx, x0, i * per);
            classes[i] = data.label(idx);
        }
        SdkNoise.Normal rng = DataOrder.stepRng(config.seed(), step);
        double[] times = new double[b];
        float[] alpha = new float[b];
        float[] sigma = new float[b];
        float[] cx0 = new float[b];
        float[] ceps = new float[b];
        float[] weight = new float[b];
        PredictionType target = uc.predictionType();
        for (int i = 0; i < b; i++) {
            Timestep t = schedule.trainingTime(rng.nextUniform());
            times[i] = t.modelTime();
            alpha[i] = (float) t.alpha();
            sigma[i] = (float) t.sigma();
            double[] c = LossWeighting.targetCoefficients(target, t);
            cx0[i] = (float) c[0];
            ceps[i] = (float) c[1];
            weight[i] = (float) LossWeighting.weight(target, t, config.minSnrGamma());
        }
        float[] eps = new float[b * per];
        rng.fill(eps, 0, eps.length);
        if (uc.conditional()) {
            lastDropped = ConditionDropout.apply(classes, config.pUncond(), uc.numClasses(), rng);
        }
        double lr = learningRate(step);
        double loss =
                DjlRuntime.withAutograd(() -> runStep(x0, eps, times, alpha, sigma, cx0, ceps, weight, classes, lr));
        step++;
        losses.add((float) loss);
        smoothed = Double.isNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
        return loss;
    }

    private double runStep(
            float[] x0,
            float[] eps,
            double[] times,
            float[] alpha,
            float[] sigma,
            float[] cx0,
            float[] ceps,
            float[] weight,
            int[] classes,
            double lr) {
        int b = times.length;
        UNetConfig uc = model.config();
        Shape img = new Shape(b, uc.imageChannels(), uc.imageSize(), uc.imageSize());
        Shape col = new Shape(b, 1, 1, 1);
        Engine engine = DjlRuntime.engine();
        engine.setRandomSeed(DataOrder.engineSeed(config.seed(), step));
        try (NDManager call = manager.newSubManager();
                NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray x0a = call.create(x0, img);
            NDArray epsA = call.create(eps, img);
            NDArray xt = x0a.mul(call.create(alpha, col)).add(epsA.mul(call.create(sigma, col))); // x_t = α x0 + σ ε
            NDArray target = x0a.mul(call.create(cx0, col)).add(epsA.mul(call.create(ceps, col)));
            NDArray w = call.create(weight, new Shape(b));
            NDArray lossA;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray out = model.forward(call, xt, times, classes, true);
                NDArray perSample = out.sub(target).square().reshape(b, -1).mean(new int[] {1});
                lossA = perSample.mul(w).mean();
                gc.backward(lossA);
            }
            double loss = lossA.getFloat();
            if (!Double.isFinite(loss)) {
                throw new DiffusionStateException(
                        "D4J-TRAIN-DIVERGED",
                        "training loss became " + loss + " at step " + step
                                + "; lower the learning rate or enable gradient clipping");
            }
            List<NDArray> grads = new ArrayList<>();
            NDList squares = new NDList();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                NDArray g = p.getValue().getArray().getGradient();
                grads.add(g);
                if (config.gradClip() > 0) {
                    squares.add(g.square().sum());
                }
            }
            if (config.gradClip() > 0) {
                // one host round trip for all parameters (not one each): the per-parameter float32 sums of squares,
                // added in float64
                double sq = NDArrays.stack(squares)
                        .toType(DataType.FLOAT64, false)
                        .sum()
                        .getDouble();
                double norm = Math.sqrt(sq); // global gradient norm (Pascanu et al. 2013)
                if (norm > config.gradClip()) {
                    float f = (float) (config.gradClip() / norm);
                    for (NDArray g : grads) {
                        g.muli(f);
                    }
                }
            }
            optimizer.update(grads, lr);
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                JniUtils.zeroGrad((PtNDArray) p.getValue().getArray());
            }
            ema.update();
            return loss;
        }
    }

    /**
     * Number of native arrays held between steps: the network's and the trainer's (EMA, optimizer
     * moments). Constant over a run when no step leaks.
     */
    public int managedArrays() {
        return model.managedArrays() + manager.getManagedArrays().size();
    }

    /** Host copies of the EMA weights. */
    public Map<String, float[]> emaWeights() {
        return ema.weights();
    }

    /**
     * A new network with the EMA weights (what sampling should use); the caller closes it.
     */
    public UNetModel emaModel() {
        UNetModel m = UNetModel.create(model.config(), model.device(), 0);
        m.load(ema.weights(), "EMA of the trainer");
        return m;
    }

    /** A predictor over the current (not averaged) weights, sharing this trainer's network. */
    public UNetPredictor predictor(DjlTensorFactory tensors) {
        return new UNetPredictor(model, tensors);
    }

    /**
     * Saves the checkpoint {@code file} (safetensors: the network's weights and configuration) and its
     * companion {@link Checkpoint#companionOf NAME.state.safetensors} (EMA weights, optimizer moments, loss
     * curve; the trainer's configuration, step, update counts and data size as JSON, the RNG position
     * being (seed, step)), each through a temporary file and a rename; see {@link Checkpoint}.
     */
    public void save(Path file) throws IOException {
        ObjectNode meta = Checkpoint.JSON.createObjectNode();
        meta.set("unet", Checkpoint.JSON.valueToTree(model.config()));
        ObjectNode state = Checkpoint.JSON.createObjectNode();
        state.set("trainer", Checkpoint.JSON.valueToTree(config));
        state.put("step", step);
        state.put("seed", config.seed());
        state.put("emaUpdates", ema.updates());
        state.put("adamUpdates", optimizer.updates());
        state.put("dataSize", data.size());
        state.put("smoothedLoss", smoothed);
        Map<String, Map<String, float[]>> sections = new LinkedHashMap<>();
        sections.put(Checkpoint.MODEL, model.weights());
        sections.put("ema", ema.weights());
        sections.putAll(optimizer.state());
        float[] curve = new float[losses.size()];
        for (int i = 0; i < curve.length; i++) {
            curve[i] = losses.get(i);
        }
        sections.put("losses", Map.of("loss", curve));
        new Checkpoint(KIND, meta, state, sections, org.diffusion4j.djl.nn.Weights.shapes(model.block())).write(file);
    }

    /**
     * Loads the network of a trainer checkpoint for sampling.
     *
     * @param useEma the EMA weights (normally) or the raw ones
     */
    public static UNetModel loadModel(Path checkpoint, Device device, boolean useEma) throws IOException {
        Checkpoint c = Checkpoint.read(checkpoint);
        if (!KIND.equals(c.kind())) {
            throw new IOException(checkpoint + " holds a '" + c.kind() + "' checkpoint, not a " + KIND + " one");
        }
        UNetConfig uc = Checkpoint.JSON.treeToValue(c.meta().get("unet"), UNetConfig.class);
        UNetModel m = UNetModel.create(uc, device, 0);
        m.load(c.section(checkpoint, useEma ? "ema" : Checkpoint.MODEL), checkpoint.toString());
        return m;
    }

    @Override
    public void close() {
        optimizer.close();
        ema.close();
        manager.close();
        model.close();
    }
}
