package org.diffusion4j.djl.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {

    @Test
    void shapesAreSeededLabelledAndInRange() {
        ImageDataset a = Shapes.generate(40, 16, 7);
        ImageDataset b = Shapes.generate(80, 16, 7);
        ImageDataset c = Shapes.generate(40, 16, 8);
        assertThat(a.size()).isEqualTo(40);
        assertThat(a.imageShape()).isEqualTo(Shape.of(1, 16, 16));
        assertThat(a.numClasses()).isEqualTo(4);
        float[] x = new float[256];
        float[] y = new float[256];
        float[] z = new float[256];
        for (int i = 0; i < 40; i++) {
            assertThat(a.label(i)).isEqualTo(i % 4);
            a.copyImage(i, x, 0);
            b.copyImage(i, y, 0);
            c.copyImage(i, z, 0);
            assertThat(x).containsExactly(y); // image i does not depend on the set size
            for (float v : x) {
                assertThat(v).isBetween(-1f, 1f);
            }
        }
        assertThat(x).isNotEqualTo(z);
        // the ring (class 3) lights fewer pixels than the filled square (class 0) of the same image stream
        double squareOn = 0;
        double frameOn = 0;
        for (int i = 0; i < 40; i++) {
            a.copyImage(i, x, 0);
            double on = 0;
            for (float v : x) {
                on += v > 0 ? 1 : 0;
            }
            if (a.label(i) == 0) {
                squareOn += on;
            } else if (a.label(i) == 3) {
                frameOn += on;
            }
        }
        assertThat(frameOn).isLessThan(squareOn);
    }

    private static byte[] idx(int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(bytes) : bytes)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static void writeSplit(Path dir, String prefix, boolean gzip) throws IOException {
        byte[] pixels = new byte[3 * 784];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i % 256);
        }
        String ext = gzip ? ".gz" : "";
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + ext), idx(0x803, new int[] {3, 28, 28}, pixels, gzip));
        Files.write(
                dir.resolve(prefix + "-labels-idx1-ubyte" + ext),
                idx(0x801, new int[] {3}, new byte[] {9, 0, 4}, gzip));
    }

    @Test
    void idxFilesPlainOrGzipped(@TempDir Path dir) throws IOException {
        writeSplit(dir, "train", true);
        writeSplit(dir, "t10k", false);
        for (ImageDataset d : new ImageDataset[] {FashionMnist.train(dir), FashionMnist.test(dir)}) {
            assertThat(d.size()).isEqualTo(3);
            assertThat(d.label(0)).isEqualTo(9);
            assertThat(d.label(2)).isEqualTo(4);
            assertThat(d.classNames().get(9)).isEqualTo("Ankle boot");
            float[] x = new float[784];
            d.copyImage(1, x, 0);
            // pixel j of image 1 is (784 + j) mod 256, mapped by p / 127.5 - 1
            assertThat(x[0]).isEqualTo((784 % 256) / 127.5f - 1f);
            assertThat(x[255 - 784 % 256]).isEqualTo(1f);
        }
    }

    @Test
    void missingOrMalformedFilesAreNamed(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> FashionMnist.train(dir))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("train-images-idx3-ubyte")
                .hasMessageContaining("t10k-labels-idx1-ubyte")
                .hasMessageContaining("dataset-fashion-mnist");
        writeSplit(dir, "train", false);
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x803, new int[] {3}, new byte[3], false));
        assertThatThrownBy(() -> FashionMnist.train(dir))
                .hasMessageContaining("train-labels-idx1-ubyte")
                .hasMessageContaining("magic");
        Files.write(dir.resolve("train-labels-idx1-ubyte"), idx(0x801, new int[] {5}, new byte[3], false));
        assertThatThrownBy(() -> FashionMnist.train(dir)).hasMessageContaining("truncated");
    }

    @Test
    void theInstalledDataSetHasItsKnownSizes() throws IOException {
        assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST not installed");
        ImageDataset test = FashionMnist.test();
        assertThat(test.size()).isEqualTo(10_000);
        int[] counts = new int[10];
        for (int i = 0; i < test.size(); i++) {
            counts[test.label(i)]++;
        }
        assertThat(counts).containsOnly(1000); // the test split is balanced
    }

    @Test
    void imageGridsArePngsOfTheExpectedSize(@TempDir Path dir) throws IOException {
        float[] v = new float[2 * 4 * 4];
        java.util.Arrays.fill(v, 0, 16, 1f);
        java.util.Arrays.fill(v, 16, 32, -1f);
        Path png = dir.resolve("g.png");
        ImageGrid.writePng(ArrayTensor.of(v, Shape.of(2, 1, 4, 4)), 2, 3, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(2 * (4 * 3 + 2) + 2);
        assertThat(img.getHeight()).isEqualTo(4 * 3 + 4);
        assertThat(img.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0xFFFFFF); // first image white
        assertThat(img.getRGB(2 + 14, 2) & 0xFFFFFF).isEqualTo(0); // second black
        assertThatThrownBy(() -> ImageGrid.writePng(ArrayTensor.of(v, Shape.of(2, 16)), 2, 1, png))
                .hasMessageContaining("[N, 1 or 3, H, W]");
    }
}
