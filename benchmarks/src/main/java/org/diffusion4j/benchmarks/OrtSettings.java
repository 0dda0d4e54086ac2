package org.diffusion4j.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ONNX Runtime session settings on the benchmark UNet (issue 12): the bare forward at batch 32 under
 * each setting, in interleaved rounds (so that a change of machine load hits every setting alike),
 * median per setting. Run after {@link SideBySide} made the model:
 *
 * <pre>
 * java -cp benchmarks/target/classes:$(cat benchmarks/target/classpath.txt) \
 *     org.diffusion4j.benchmarks.OrtSettings [model.onnx] [rounds]
 * </pre>
 */
public final class OrtSettings {

    private OrtSettings() {}

    /** A named way to set up a session. */
    record Setting(String name, Configurer configure) {}

    /** Applies a setting to session options. */
    @FunctionalInterface
    interface Configurer {
        void apply(OrtSession.SessionOptions so) throws OrtException;
    }

    /** Runs every setting; see the class comment. */
    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "benchmarks/target/bench-model/bench_unet.onnx");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<Setting> settings = List.of(
                new Setting("all, intra 2 (backend default)", so -> base(so, 2)),
                new Setting("extended", so -> {
                    base(so, 2);
                    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
                }),
                new Setting("basic", so -> {
                    base(so, 2);
                    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
                }),
                new Setting("intra 1", so -> base(so, 1)),
                new Setting("no spinning", so -> {
                    base(so, 2);
                    so.addConfigEntry("session.intra_op.allow_spinning", "0");
                }),
                new Setting("parallel execution, inter 2", so -> {
                    base(so, 2);
                    so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.PARALLEL);
                    so.setInterOpNumThreads(2);
                }),
                new Setting("no memory pattern", so -> {
                    base(so, 2);
                    so.setMemoryPatternOptimization(false);
                }),
                new Setting("no CPU arena", so -> {
                    base(so, 2);
                    so.setCPUArenaAllocator(false);
                }));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int n = 32;
        Map<String, OnnxTensor> in = SideBySide.benchInputs(env, n);
        List<OrtSession> sessions = new ArrayList<>();
        for (Setting s : settings) {
            OrtSession.SessionOptions so = new OrtSession.SessionOptions();
            s.configure().apply(so);
            OrtSession session = env.createSession(model.toString(), so);
            for (int i = 0; i < 3; i++) {
                session.run(in).close();
            }
            sessions.add(session);
        }
        double[][] times = new double[settings.size()][rounds * 5];
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < settings.size(); k++) {
                for (int i = 0; i < 5; i++) {
                    long t0 = System.nanoTime();
                    sessions.get(k).run(in).close();
                    times[k][r * 5 + i] = (System.nanoTime() - t0) * 1e-9;
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "ONNX Runtime %s, %s, forward batch 32, median of %d%n",
                env.getVersion(),
                model,
                rounds * 5);
        for (int k = 0; k < settings.size(); k++) {
            System.out.printf(Locale.ROOT, "%-32s %.4f s%n", settings.get(k).name(), SideBySide.median(times[k]));
        }
    }

    private static void base(OrtSession.SessionOptions so, int intra) throws OrtException {
        so.setIntraOpNumThreads(intra);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    }
}
