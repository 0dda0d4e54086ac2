package org.diffusion4j.djl.bench;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.diffusion4j.api.ClassifierGradient;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.Guidance;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.djl.DjlRuntime;
import org.diffusion4j.djl.classifier.ClassifierConfig;
import org.diffusion4j.djl.classifier.ClassifierModel;
import org.diffusion4j.djl.classifier.ClassifierTrainer;
import org.diffusion4j.djl.data.FashionMnist;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.data.ImageGrid;
import org.diffusion4j.djl.tensor.DjlTensorFactory;
import org.diffusion4j.djl.train.ProgressListener;
import org.diffusion4j.djl.train.Trainer;
import org.diffusion4j.djl.train.TrainerConfig;
import org.diffusion4j.djl.unet.UNetConfig;
import org.diffusion4j.djl.unet.UNetModel;
import org.diffusion4j.djl.unet.UNetPredictor;
import org.diffusion4j.guidance.Guidances;
import org.diffusion4j.samplers.Samplers;
import org.diffusion4j.schedules.Schedules;

/**
 * The real run on Fashion-MNIST (not a test): trains the Java UNet class-conditionally for a time
 * budget, trains a clean classifier, samples 8 images per class with DDIM 50 steps at CFG
 * γ ∈ {0, 1, 3, 5}, writes PNG grids and reports, per γ, the fraction of samples the classifier assigns
 * to the requested class. Optionally also trains a noisy classifier and samples with classifier
 * guidance on the unconditional (∅) branch of the same UNet. Resumable: existing checkpoints in the
 * work directory are continued or reused.
 *
 * <pre>
 * java -cp ... org.diffusion4j.djl.bench.FashionMnistRun [--minutes 25] [--out docs/djl] [--work results/djl]
 *      [--classifier-steps 1000] [--noisy-steps 1000] [--threads 2] [--data /usr/share/datasets/fashion-mnist]
 *      [--per-class 8] [--ddim-steps 50]
 * </pre>
 */
public final class FashionMnistRun {

    private FashionMnistRun() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> a = parse(args);
        double minutes = Double.parseDouble(a.getOrDefault("minutes", "25"));
        Path out = Path.of(a.getOrDefault("out", "docs/djl"));
        Path work = Path.of(a.getOrDefault("work", "results/djl"));
        int classifierSteps = Integer.parseInt(a.getOrDefault("classifier-steps", "1000"));
        int noisySteps = Integer.parseInt(a.getOrDefault("noisy-steps", "1000"));
        int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
        Path dataDir = Path.of(a.getOrDefault("data", FashionMnist.DEFAULT_DIR.toString()));
        Files.createDirectories(out);
        Files.createDirectories(work);
        DjlRuntime.setThreads(threads);

        ImageDataset train = FashionMnist.train(dataDir);
        ImageDataset test = FashionMnist.test(dataDir);
        Schedule schedule = Schedules.linear(1000);
        Map<String, Object> report = new LinkedHashMap<>();

        // 1. the class-conditional UNet, trained for a time budget
        UNetConfig unet = UNetConfig.defaults().withClasses(10).withSize(32, List.of(1, 2, 2), 1, List.of(7));
        TrainerConfig tc = TrainerConfig.builder()
                .batchSize(64)
                .learningRate(5e-4)
                .warmupSteps(200)
                .emaDecay(0.995)
                .pUncond(0.1)
                .gradClip(1.0)
                .seed(2024)
                .threads(threads)
                .build();
        Path ckpt = work.resolve("unet.ckpt");
        long t0 = System.nanoTime();
        long trainedSteps;
        double trainedSeconds;
        try (Trainer t = Files.exists(ckpt)
                ? Trainer.resume(ckpt, schedule, train, Device.cpu())
                : Trainer.create(unet, tc, schedule, train, Device.cpu(), 2024)) {
            long start = t.stepsDone();
            double budget = minutes * 60;
            ProgressListener log = ProgressListener.logEvery(50);
            long lastSave = start;
            while ((System.nanoTime() - t0) / 1e9 < budget) {
                t.train(10, log);
                if (t.stepsDone() - lastSave >= 250) {
                    t.save(ckpt);
                    lastSave = t.stepsDone();
                }
            }
            t.save(ckpt);
            trainedSeconds = (System.nanoTime() - t0) / 1e9;
            trainedSteps = t.stepsDone();
            report.put("unetParameters", t.model().parameterCount());
            report.put("unetSteps", trainedSteps);
            report.put("unetStepsThisSession", trainedSteps - start);
            report.put("unetSecondsThisSession", trainedSeconds);
            report.put("unetStepsPerSecond", (trainedSteps - start) / trainedSeconds);
            List<Float> l = t.losses();
            report.put("lossFirst100", mean(l.subList(0, Math.min(100, l.size()))));
            report.put("lossLast100", mean(l.subList(Math.max(0, l.size() - 100), l.size())));
            StringBuilder csv = new StringBuilder("step,loss_mean_of_50\n");
            for (int i = 0; i + 50 <= l.size(); i += 50) {
                csv.append(i + 50)
                        .append(',')
                        .append(String.format(Locale.ROOT, "%.5f", mean(l.subList(i, i + 50))))
                        .append('\n');
            }
            Files.writeString(out.resolve("unet_loss.csv"), csv);
        }

        // 2. a clean classifier for evaluating samples
        Path clsPath = work.resolve("classifier.ckpt");
        ClassifierModel clean;
        if (Files.exists(clsPath)) {
            clean = ClassifierModel.load(clsPath, Device.cpu());
        } else {
            clean = ClassifierModel.create(ClassifierConfig.defaults(), Device.cpu(), 7);
            TrainerConfig cc = TrainerConfig.builder()
                    .batchSize(64)
                    .learningRate(1e-3)
                    .warmupSteps(100)
                    .seed(7)
                    .threads(threads)
                    .build();
            long c0 = System.nanoTime();
            try (ClassifierTrainer ct = new ClassifierTrainer(clean, cc, null, train)) {
                ct.train(classifierSteps, ProgressListener.logEvery(100));
            }
            report.put("classifierTrainSeconds", (System.nanoTime() - c0) / 1e9);
            clean.save(clsPath);
        }
        double acc = clean.accuracy(test, 0, 500);
        report.put("classifierSteps", classifierSteps);
        report.put("classifierTestAccuracy", acc);
        System.err.printf(Locale.ROOT, "clean classifier test accuracy %.4f%n", acc);

        // 3. CFG sampling: 8 per class, DDIM 50, γ ∈ {0, 1, 3, 5}
        int perClass = Integer.parseInt(a.getOrDefault("per-class", "8"));
        int[] labels = new int[10 * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i / perClass;
        }
        int ddimSteps = Integer.parseInt(a.getOrDefault("ddim-steps", "50"));
        Sampler ddim = Samplers.ddim(ddimSteps);
        report.put("ddimSteps", ddimSteps);
        List<String> rows = new ArrayList<>();
        try (DjlTensorFactory f = DjlTensorFactory.cpu();
                UNetModel ema = Trainer.loadModel(ckpt, Device.cpu(), true)) {
            UNetPredictor p = new UNetPredictor(ema, f);
            for (double gamma : new double[] {0, 1, 3, 5}) {
                Guidance g = Guidances.cfg(gamma);
                long s0 = System.nanoTime();
                Tensor x = ddim.sample(SampleRequest.builder()
                        .predictor(p)
                        .schedule(schedule)
                        .guidance(g)
                        .conditions(Conditions.labels(labels))
                        .sampleShape(1, 28, 28)
                        .seed(31)
                        .tensors(f)
                        .build());
                double secs = (System.nanoTime() - s0) / 1e9;
                String name = String.format(Locale.ROOT, "cfg_gamma%.0f.png", gamma);
                ImageGrid.writePng(x, perClass, 3, out.resolve(name));
                rows.add(evaluate("CFG γ=" + fmt(gamma), name, x, labels, clean, secs));
            }

            // 4. classifier guidance with a noisy classifier on the ∅ branch (arXiv 2105.05233, §4)
            if (noisySteps > 0) {
                Path noisyPath = work.resolve("noisy_classifier.ckpt");
                ClassifierModel noisy;
                if (Files.exists(noisyPath)) {
                    noisy = ClassifierModel.load(noisyPath, Device.cpu());
                } else {
                    noisy = ClassifierModel.create(ClassifierConfig.defaults(), Device.cpu(), 8);
                    TrainerConfig nc = TrainerConfig.builder()
                            .batchSize(64)
                            .learningRate(1e-3)
                            .warmupSteps(100)
                            .seed(8)
                            .threads(threads)
                            .build();
                    try (ClassifierTrainer nt = new ClassifierTrainer(noisy, nc, schedule, train)) {
                        nt.train(noisySteps, ProgressListener.logEvery(100));
                    }
                    noisy.save(noisyPath);
                }
                report.put("noisyClassifierSteps", noisySteps);
                ClassifierGradient grad = noisy.gradient();
                for (double s : new double[] {0, 2, 5}) {
                    long s0 = System.nanoTime();
                    Tensor x = ddim.sample(SampleRequest.builder()
                            .predictor(p)
                            .schedule(schedule)
                            .guidance(Guidances.classifier(grad, s))
                            .conditions(Conditions.labels(labels))
                            .sampleShape(1, 28, 28)
                            .seed(31)
                            .tensors(f)
                            .build());
                    double secs = (System.nanoTime() - s0) / 1e9;
                    String name = String.format(Locale.ROOT, "classifier_guidance_s%.0f.png", s);
                    ImageGrid.writePng(x, perClass, 3, out.resolve(name));
                    rows.add(evaluate("classifier guidance s=" + fmt(s) + " (∅ branch)", name, x, labels, clean, secs));
                }
                noisy.close();
            }
        }
        clean.close();

        StringBuilder md = new StringBuilder("# Fashion-MNIST real run (generated by FashionMnistRun)\n\n");
        for (Map.Entry<String, Object> e : report.entrySet()) {
            md.append("- ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue() instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : e.getValue())
                    .append('\n');
        }
        md.append(
                        "\n| guidance | grid | accuracy of the clean classifier on the samples | per class (0..9) | sampling s |\n")
                .append("|---|---|---|---|---|\n");
        rows.forEach(r -> md.append(r).append('\n'));
        Files.writeString(out.resolve("run-summary.md"), md);
        System.err.println(md);
    }

    private static String evaluate(
            String what, String grid, Tensor x, int[] labels, ClassifierModel clean, double secs) {
        int[] pred = clean.classify(x, 0);
        int ok = 0;
        int[] perClass = new int[10];
        for (int i = 0; i < pred.length; i++) {
            if (pred[i] == labels[i]) {
                ok++;
                perClass[labels[i]]++;
            }
        }
        StringBuilder pc = new StringBuilder();
        for (int k = 0; k < 10; k++) {
            pc.append(k == 0 ? "" : " ").append(perClass[k]);
        }
        String row = String.format(
                Locale.ROOT,
                "| %s | %s | %.3f (%d/%d) | %s (of " + pred.length / 10 + ") | %.1f |",
                what,
                grid,
                (double) ok / pred.length,
                ok,
                pred.length,
                pc,
                secs);
        System.err.println(row);
        return row;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static double mean(List<Float> l) {
        return l.stream().mapToDouble(Float::doubleValue).average().orElse(Double.NaN);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("arguments are --name value pairs; got " + String.join(" ", args));
            }
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }
}
