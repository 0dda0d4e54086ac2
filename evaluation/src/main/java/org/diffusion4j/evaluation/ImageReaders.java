package org.diffusion4j.evaluation;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.TensorFileException;
import org.diffusion4j.io.TensorFiles;

/**
 * Reads image sets: IDX files (the MNIST / Fashion-MNIST format, optionally gzip-compressed), a folder
 * of PNGs, and {@code .npy}/safetensors arrays. Pixels {@code p ∈ 0…255} become {@code p / 127.5 − 1}
 * (range {@code [-1, 1]}); arrays are taken as they are.
 */
public final class ImageReaders {
    private static final int IDX_UBYTE = 0x08;

    private ImageReaders() {}

    /**
     * Reads an IDX image file ({@code train-images-idx3-ubyte[.gz]}): magic {@code 0x00000803}
     * (unsigned bytes, 3 dimensions), big-endian dimensions {@code n, h, w}, then the pixels. Images
     * have shape {@code [1, h, w]}.
     */
    public static ImageSet idxImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = idxHeader(in, file, 3);
            long total = (long) dims[0] * dims[1] * dims[2];
            if (total > Integer.MAX_VALUE - 8) {
                throw new TensorFileException(
                        file, "IDX dimensions " + java.util.Arrays.toString(dims) + " are too large");
            }
            byte[] px = readFully(in, (int) total, file);
            float[] v = new float[px.length];
            for (int i = 0; i < px.length; i++) {
                v[i] = (px[i] & 0xFF) / 127.5f - 1f;
            }
            return ImageSet.wrap(
                    v, Shape.of(1, dims[1], dims[2]), file.getFileName().toString());
        }
    }

    /** Reads an IDX label file ({@code train-labels-idx1-ubyte[.gz]}): magic {@code 0x00000801}, {@code n}, labels. */
    public static int[] idxLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = idxHeader(in, file, 1);
            byte[] b = readFully(in, dims[0], file);
            int[] labels = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                labels[i] = b[i] & 0xFF;
            }
            return labels;
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new TensorFileException(file, "no such file");
        }
        InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        raw.mark(2);
        int b0 = raw.read();
        int b1 = raw.read();
        raw.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            raw = new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16);
        }
        return new DataInputStream(raw);
    }

    private static int[] idxHeader(DataInputStream in, Path file, int rank) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new TensorFileException(file, "truncated: no IDX header");
        }
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != IDX_UBYTE || (magic & 0xFF) != rank) {
            throw new TensorFileException(
                    file,
                    String.format(
                            Locale.ROOT,
                            "IDX magic 0x%08x where 0x%08x (unsigned " + "bytes, %d dimension%s) was expected",
                            magic,
                            (IDX_UBYTE << 8) | rank,
                            rank,
                            rank == 1 ? "" : "s"));
        }
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
            try {
                dims[i] = in.readInt();
            } catch (EOFException e) {
                throw new TensorFileException(file, "truncated: the IDX header ends before dimension " + i);
            }
            if (dims[i] < 0) {
                throw new TensorFileException(file, "IDX dimension " + i + " is " + Integer.toUnsignedString(dims[i]));
            }
        }
        return dims;
    }

    private static byte[] readFully(DataInputStream in, int n, Path file) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new TensorFileException(
                    file, "truncated: the IDX header promises " + n + " bytes of data, the file has " + b.length);
        }
        if (in.read() >= 0) {
            throw new TensorFileException(file, "bytes after the " + n + " bytes of data the IDX header promises");
        }
        return b;
    }

    /**
     * Reads every {@code .png} of a folder, in file-name order, as images of one shape: {@code [1, H, W]}
     * for greyscale PNGs, {@code [3, H, W]} (planar RGB) for colour ones.
     *
     * @throws TensorFileException if the folder has no PNG, an image cannot be decoded, or the images
     *                             differ in size or channel count (naming the file)
     */
    public static ImageSet pngFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new TensorFileException(folder, "not a folder");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p ->
                            p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png"))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new TensorFileException(folder, "no .png files in the folder");
        }
        BufferedImage first = readPng(files.get(0)); // the first image sets the shape
        int c = channels(first);
        int h = first.getHeight();
        int w = first.getWidth();
        float[] out = new float[Math.multiplyExact(files.size(), c * h * w)];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            BufferedImage img = i == 0 ? first : readPng(f);
            int ch = channels(img);
            if (ch != c || img.getHeight() != h || img.getWidth() != w) {
                throw new TensorFileException(
                        f,
                        "image of " + ch + " x " + img.getHeight() + " x " + img.getWidth()
                                + " (channels x height x width) where "
                                + files.get(0).getFileName() + " is " + c + " x " + h + " x " + w);
            }
            int base = i * c * h * w;
            var raster = img.getRaster();
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    if (c == 1) {
                        out[base + y * w + x] = raster.getSample(x, y, 0) / 127.5f - 1f;
                    } else {
                        int rgb = img.getRGB(x, y);
                        out[base + y * w + x] = ((rgb >> 16) & 0xFF) / 127.5f - 1f;
                        out[base + h * w + y * w + x] = ((rgb >> 8) & 0xFF) / 127.5f - 1f;
                        out[base + 2 * h * w + y * w + x] = (rgb & 0xFF) / 127.5f - 1f;
                    }
                }
            }
        }
        return ImageSet.wrap(out, Shape.of(c, h, w), folder.getFileName().toString());
    }

    private static BufferedImage readPng(Path f) throws IOException {
        BufferedImage img = ImageIO.read(f.toFile());
        if (img == null) {
            throw new TensorFileException(f, "not a readable PNG");
        }
        return img;
    }

    /** 1 for a greyscale image, else 3 (planar RGB). */
    private static int channels(BufferedImage img) {
        return img.getColorModel().getNumColorComponents() == 1 ? 1 : 3;
    }

    /**
     * Reads an array of images, {@code [N, C, H, W]} or {@code [N, H, W]} (one channel), from an
     * {@code .npy} or single-tensor safetensors file; values are taken as they are (float64 rounded to
     * float32).
     */
    public static ImageSet array(Path file) throws IOException {
        NdArray a = TensorFiles.read(file);
        int[] s = a.shape();
        if (s.length == 3) {
            return ImageSet.wrap(
                    a.toFloatArray(),
                    Shape.of(1, s[1], s[2]),
                    file.getFileName().toString());
        }
        if (s.length == 4) {
            return ImageSet.wrap(
                    a.toFloatArray(),
                    Shape.of(s[1], s[2], s[3]),
                    file.getFileName().toString());
        }
        throw new TensorFileException(
                file,
                "shape " + java.util.Arrays.toString(s) + " is not a set of images " + "[N, C, H, W] or [N, H, W]");
    }
}
