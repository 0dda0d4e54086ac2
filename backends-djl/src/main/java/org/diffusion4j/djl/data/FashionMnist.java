package org.diffusion4j.djl.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.diffusion4j.api.tensor.Shape;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017) read from its IDX files: 28×28 grey images of ten
 * kinds of clothing, 60 000 for training and 10 000 for testing.
 *
 * <p>The files {@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte} and {@code t10k-labels-idx1-ubyte} are read from a directory, each
 * plain or gzipped ({@code .gz}). The default directory is where Debian's {@code dataset-fashion-mnist}
 * package puts them.
 */
public final class FashionMnist {

    /** Where Debian's {@code dataset-fashion-mnist} installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, by label. */
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private FashionMnist() {}

    /** The training split from {@link #DEFAULT_DIR}. */
    public static ImageDataset train() throws IOException {
        return train(DEFAULT_DIR);
    }

    /** The test split from {@link #DEFAULT_DIR}. */
    public static ImageDataset test() throws IOException {
        return test(DEFAULT_DIR);
    }

    /** The training split from {@code dir}. */
    public static ImageDataset train(Path dir) throws IOException {
        return load(dir, "train");
    }

    /** The test split from {@code dir}. */
    public static ImageDataset test(Path dir) throws IOException {
        return load(dir, "t10k");
    }

    /**
     * Reads one split.
     *
     * @param prefix {@code train} or {@code t10k}
     * @throws java.nio.file.NoSuchFileException naming the expected files when one is missing
     * @throws IOException for a malformed file, naming it and what was wrong
     */
    public static ImageDataset load(Path dir, String prefix) throws IOException {
        Path images = find(dir, prefix + "-images-idx3-ubyte");
        Path labels = find(dir, prefix + "-labels-idx1-ubyte");
        byte[] lab = readIdx(labels, LABELS_MAGIC, 1)[0];
        byte[][] img = readIdx(images, IMAGES_MAGIC, 3);
        byte[] pixels = img[0];
        int n = lab.length;
        if (pixels.length != n * 28 * 28) {
            throw new IOException(images + ": " + pixels.length / (28 * 28) + " images of 28x28 but " + labels + " has "
                    + n + " labels");
        }
        for (int i = 0; i < n; i++) {
            if (lab[i] < 0 || lab[i] > 9) {
                throw new IOException(labels + ": label " + lab[i] + " at index " + i + " outside 0..9");
            }
        }
        return new ByteImages(pixels, lab, Shape.of(1, 28, 28), 10, CLASSES);
    }

    private static Path find(Path dir, String name) throws IOException {
        for (String candidate : new String[] {name, name + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new java.nio.file.NoSuchFileException(
                dir.resolve(name).toString(),
                null,
                "Fashion-MNIST file missing: expected " + name + " or " + name + ".gz in " + dir
                        + " (all four: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, "
                        + "t10k-labels-idx1-ubyte, plain or .gz; on Debian: apt-get install dataset-fashion-mnist)");
    }

    /** Reads an IDX file of unsigned bytes; returns its data (element [0]). */
    private static byte[][] readIdx(Path file, int magic, int dims) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                DataInputStream in = new DataInputStream(gunzipIfNeeded(raw))) {
            int m = in.readInt();
            if (m != magic) {
                throw new IOException(file + ": IDX magic 0x" + Integer.toHexString(m) + ", expected 0x"
                        + Integer.toHexString(magic) + " (unsigned bytes, " + dims + " dimension(s))");
            }
            long total = 1;
            for (int d = 0; d < dims; d++) {
                int size = in.readInt();
                if (size < 0) {
                    throw new IOException(file + ": negative dimension " + size);
                }
                total *= size;
            }
            if (total > Integer.MAX_VALUE) {
                throw new IOException(file + ": " + total + " elements is too many");
            }
            byte[] data = new byte[(int) total];
            try {
                in.readFully(data);
            } catch (java.io.EOFException e) {
                throw new IOException(file + ": truncated, header promises " + total + " bytes of data", e);
            }
            return new byte[][] {data};
        }
    }

    private static InputStream gunzipIfNeeded(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
