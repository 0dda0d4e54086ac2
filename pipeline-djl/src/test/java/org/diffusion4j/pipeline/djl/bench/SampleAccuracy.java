package org.diffusion4j.pipeline.djl.bench;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.djl.classifier.ClassifierModel;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;

/**
 * Class accuracy of sampled images by a {@link ClassifierModel} (a benchmark program, not a test): the
 * fraction of samples the classifier assigns to the label they were sampled for, per file and per
 * class. The samples are {@code .npy} arrays {@code [N, C, H, W]} as a sampling run's
 * {@code "output": {"tensors": "npy"}} writes them; their labels are either the grid's (labels 0..K−1,
 * {@code samplesPerLabel} each, label-major, as a sampling document without {@code sampleLabels} lays
 * them out) or a {@code labels.npy} of N integers.
 * <pre>
 * java -cp examples/cli/target/diffusion4j-cli-*-all.jar:pipeline-djl/target/test-classes \
 *     org.diffusion4j.pipeline.djl.bench.SampleAccuracy CLASSIFIER.ckpt (--per-label K | --labels labels.npy) A.npy ...
 * </pre>
 */
public final class SampleAccuracy {

    private SampleAccuracy() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: SampleAccuracy CLASSIFIER.ckpt (--per-label K | --labels labels.npy) A.npy ...");
            System.exit(2);
        }
        Path ckpt = Path.of(args[0]);
        int perLabel = 0;
        int[] given = null;
        if (args[1].equals("--per-label")) {
            perLabel = Integer.parseInt(args[2]);
        } else if (args[1].equals("--labels")) {
            double[] l = Npy.read(Path.of(args[2])).toDoubleArray();
            given = new int[l.length];
            for (int i = 0; i < l.length; i++) {
                given[i] = (int) l[i];
            }
        } else {
            throw new IllegalArgumentException("expected --per-label K or --labels FILE, got " + args[1]);
        }
        List<Path> files = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            files.add(Path.of(args[i]));
        }
        try (ClassifierModel m = ClassifierModel.load(ckpt, Device.cpu())) {
            int k = m.config().numClasses();
            for (Path f : files) {
                NdArray a = Npy.read(f);
                int[] s = a.shape();
                int n = s[0];
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = given != null ? given[i] : i / perLabel;
                }
                if (given != null && given.length != n) {
                    throw new IllegalArgumentException(f + ": " + n + " samples but " + given.length + " labels");
                }
                float[] x = a.toFloatArray();
                int per = x.length / n;
                int[] correct = new int[k];
                int[] count = new int[k];
                int batch = 250;
                for (int start = 0; start < n; start += batch) {
                    int b = Math.min(batch, n - start);
                    float[] chunk = new float[b * per];
                    System.arraycopy(x, start * per, chunk, 0, b * per);
                    int[] pred = m.classify(ArrayTensor.wrap(chunk, Shape.of(b, s[1], s[2], s[3])), 0.0);
                    for (int i = 0; i < b; i++) {
                        int y = labels[start + i];
                        count[y]++;
                        correct[y] += pred[i] == y ? 1 : 0;
                    }
                }
                int all = 0;
                StringBuilder perClass = new StringBuilder();
                for (int c = 0; c < k; c++) {
                    all += correct[c];
                    perClass.append(String.format(Locale.ROOT, " %d:%d/%d", c, correct[c], count[c]));
                }
                System.out.printf(
                        Locale.ROOT, "%s accuracy %.4f (%d/%d) per class%s%n", f, (double) all / n, all, n, perClass);
            }
        }
    }
}
