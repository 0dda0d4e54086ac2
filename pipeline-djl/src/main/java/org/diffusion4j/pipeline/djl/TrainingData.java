package org.diffusion4j.pipeline.djl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.djl.data.FashionMnist;
import org.diffusion4j.djl.data.ImageDataset;
import org.diffusion4j.djl.data.Shapes;

/**
 * The data set of a {@code unet} training document: {@code shapes} (built in, nothing to install),
 * {@code fashion-mnist} (its IDX files in a directory; missing files are an error naming them) or
 * {@code auto} (Fashion-MNIST when its training files are present, else the built-in shapes).
 */
final class TrainingData {

    /** The data set names accepted in {@code dataset}. */
    static final List<String> NAMES = List.of("auto", "shapes", "fashion-mnist");

    /** The Fashion-MNIST training files, each plain or gzipped. */
    static final List<String> FASHION_TRAIN_FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte");

    private TrainingData() {}

    /**
     * A loaded data set and what to tell the user about it.
     *
     * @param data        the images
     * @param name        {@code shapes} or {@code fashion-mnist}
     * @param description one line: what was loaded, from where, and why (for {@code auto})
     */
    record Loaded(ImageDataset data, String name, String description) {}

    /** The canonical name of {@code dataset} (case-insensitive; {@code null} means {@code auto}). */
    static String canonical(String dataset) {
        String d = dataset.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        if (d.equals("fashionmnist") || d.equals("fashion")) {
            d = "fashion-mnist";
        }
        if (!NAMES.contains(d)) {
            throw new IllegalArgumentException(
                    "dataset must be one of " + String.join(", ", NAMES) + ", got '" + dataset + "'");
        }
        return d;
    }

    /** The Fashion-MNIST test files, each plain or gzipped. */
    static final List<String> FASHION_TEST_FILES = List.of("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /** The Fashion-MNIST training files missing from {@code dir} (each accepted plain or as {@code .gz}). */
    static List<String> missingFashionFiles(Path dir) {
        return missingFashionFiles(dir, false);
    }

    /** The Fashion-MNIST training files, and with {@code withTest} the test files, missing from {@code dir}. */
    static List<String> missingFashionFiles(Path dir, boolean withTest) {
        List<String> missing = new ArrayList<>();
        List<String> wanted = new ArrayList<>(FASHION_TRAIN_FILES);
        if (withTest) {
            wanted.addAll(FASHION_TEST_FILES);
        }
        for (String f : wanted) {
            if (!Files.isRegularFile(dir.resolve(f)) && !Files.isRegularFile(dir.resolve(f + ".gz"))) {
                missing.add(f);
            }
        }
        return missing;
    }

    /** The message for a Fashion-MNIST directory that lacks files. */
    static String missingMessage(Path dir, List<String> missing) {
        return "dataDir: Fashion-MNIST files missing in " + dir.toAbsolutePath() + ": "
                + String.join(", ", missing)
                + " (expected " + String.join(" and ", FASHION_TRAIN_FILES) + ", and for a classifier "
                + String.join(" and ", FASHION_TEST_FILES)
                + ", each plain or .gz; on Debian they come with"
                + " the package dataset-fashion-mnist). Use \"dataset\": \"shapes\" for the built-in data set, or \"auto\""
                + " to fall back to it when Fashion-MNIST is missing";
    }

    /** Which data set {@code dataset} means with the files now on disk. */
    static String resolve(String dataset, Path dir) {
        String d = canonical(dataset);
        if (d.equals("auto")) {
            return missingFashionFiles(dir).isEmpty() ? "fashion-mnist" : "shapes";
        }
        return d;
    }

    /**
     * Loads the data set.
     *
     * @param dataset     {@code auto}, {@code shapes} or {@code fashion-mnist}
     * @param dir         the Fashion-MNIST directory
     * @param shapesCount images of the built-in set
     * @param shapesSize  their side length
     * @param limit       use only the first {@code limit} images (0: all)
     * @param seed        seed of the built-in set
     */
    static Loaded load(String dataset, Path dir, int shapesCount, int shapesSize, int limit, long seed) {
        String asked = canonical(dataset);
        String chosen = resolve(asked, dir);
        ImageDataset data;
        String description;
        if (chosen.equals("fashion-mnist")) {
            List<String> missing = missingFashionFiles(dir);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(missingMessage(dir, missing));
            }
            try {
                data = FashionMnist.train(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Fashion-MNIST from " + dir + ": " + e.getMessage(), e);
            }
            description = "Fashion-MNIST training split from " + dir.toAbsolutePath();
        } else {
            data = Shapes.generate(shapesCount, shapesSize, seed);
            description = "built-in shapes (" + String.join(", ", Shapes.CLASSES) + "), " + shapesCount + " images of "
                    + shapesSize + "x" + shapesSize;
        }
        if (limit > 0 && limit < data.size()) {
            data = new FirstImages(data, limit);
            description += ", first " + limit + " images";
        }
        if (asked.equals("auto")) {
            description += chosen.equals("fashion-mnist")
                    ? " (dataset auto: Fashion-MNIST is installed)"
                    : " (dataset auto: no Fashion-MNIST in " + dir.toAbsolutePath() + ")";
        }
        return new Loaded(data, chosen, description);
    }

    /**
     * The held-out images matching a data set loaded by {@link #load}: Fashion-MNIST's test split, or
     * {@code shapesCount} shapes drawn with a seed other than the training set's.
     *
     * @param name  {@code shapes} or {@code fashion-mnist} (a {@link Loaded#name()})
     * @param limit use only the first {@code limit} images (0: all)
     */
    static ImageDataset loadTest(String name, Path dir, int shapesCount, int shapesSize, int limit, long seed) {
        ImageDataset data;
        if (name.equals("fashion-mnist")) {
            List<String> missing = missingFashionFiles(dir, true);
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(missingMessage(dir, missing));
            }
            try {
                data = FashionMnist.test(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read Fashion-MNIST from " + dir + ": " + e.getMessage(), e);
            }
        } else {
            data = Shapes.generate(shapesCount, shapesSize, ~seed); // another seed: images not trained on
        }
        return limit > 0 && limit < data.size() ? new FirstImages(data, limit) : data;
    }

    /** The first {@code n} images of a data set. */
    private record FirstImages(ImageDataset all, int n) implements ImageDataset {
        @Override
        public int size() {
            return n;
        }

        @Override
        public Shape imageShape() {
            return all.imageShape();
        }

        @Override
        public int numClasses() {
            return all.numClasses();
        }

        @Override
        public void copyImage(int i, float[] dst, int offset) {
            all.copyImage(i, dst, offset);
        }

        @Override
        public int label(int i) {
            return all.label(i);
        }

        @Override
        public List<String> classNames() {
            return all.classNames();
        }
    }
}
