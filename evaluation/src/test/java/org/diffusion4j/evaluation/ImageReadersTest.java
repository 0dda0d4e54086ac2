package org.diffusion4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.diffusion4j.io.NdArray;
import org.diffusion4j.io.Npy;
import org.diffusion4j.io.TensorFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageReadersTest {
    @TempDir
    Path dir;

    /** An IDX3 file of n images h × w with pixel (i, y, x) = (i + 7y + 3x) mod 256. */
    private static byte[] idx3(int n, int h, int w) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(0x00000803);
        out.writeInt(n);
        out.writeInt(h);
        out.writeInt(w);
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out.writeByte((i + 7 * y + 3 * x) & 0xFF);
                }
            }
        }
        return b.toByteArray();
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    @Test
    void idxImagesPlainAndGzipped() throws IOException {
        byte[] raw = idx3(40, 5, 6);
        Files.write(dir.resolve("images-idx3-ubyte"), raw);
        Files.write(dir.resolve("images-idx3-ubyte.gz"), gzip(raw));
        for (String name : new String[] {"images-idx3-ubyte", "images-idx3-ubyte.gz"}) {
            ImageSet s = ImageReaders.idxImages(dir.resolve(name));
            assertThat(s.size()).isEqualTo(40);
            assertThat(s.imageShape().dims()).containsExactly(1, 5, 6);
            float[] v = s.toFloatArray();
            for (int i = 0; i < 40; i++) {
                for (int y = 0; y < 5; y++) {
                    for (int x = 0; x < 6; x++) {
                        int p = (i + 7 * y + 3 * x) & 0xFF;
                        assertThat(v[(i * 5 + y) * 6 + x]).isEqualTo(p / 127.5f - 1f);
                    }
                }
            }
        }
        // pixel 0 is −1 and 255 is +1 exactly
        assertThat(0 / 127.5f - 1f).isEqualTo(-1f);
        assertThat(255 / 127.5f - 1f).isEqualTo(1f);
    }

    @Test
    void idxLabels() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeInt(0x00000801);
        out.writeInt(5);
        out.write(new byte[] {9, 0, 3, 3, 7});
        Files.write(dir.resolve("labels"), b.toByteArray());
        assertThat(ImageReaders.idxLabels(dir.resolve("labels"))).containsExactly(9, 0, 3, 3, 7);
        // an image file is not a label file
        Files.write(dir.resolve("images"), idx3(2, 2, 2));
        assertThatThrownBy(() -> ImageReaders.idxLabels(dir.resolve("images")))
                .isInstanceOf(TensorFileException.class)
                .hasMessageContaining("IDX magic 0x00000803 where 0x00000801");
    }

    @Test
    void badIdxFiles() throws IOException {
        byte[] raw = idx3(4, 3, 3);
        Files.write(dir.resolve("short"), java.util.Arrays.copyOf(raw, raw.length - 2));
        assertThatThrownBy(() -> ImageReaders.idxImages(dir.resolve("short")))
                .hasMessageContaining("promises 36 bytes of data, the file has 34");
        Files.write(dir.resolve("long"), java.util.Arrays.copyOf(raw, raw.length + 1));
        assertThatThrownBy(() -> ImageReaders.idxImages(dir.resolve("long"))).hasMessageContaining("bytes after");
        Files.write(dir.resolve("tiny"), new byte[] {0, 0});
        assertThatThrownBy(() -> ImageReaders.idxImages(dir.resolve("tiny"))).hasMessageContaining("no IDX header");
        assertThatThrownBy(() -> ImageReaders.idxImages(dir.resolve("absent"))).hasMessageContaining("no such file");
    }

    @Test
    void aFolderOfPngs() throws IOException {
        Path f = Files.createDirectory(dir.resolve("png"));
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 4; x++) {
                    img.getRaster().setSample(x, y, 0, 40 * i + 10 * x + y);
                }
            }
            ImageIO.write(img, "png", f.resolve("s" + (2 - i) + ".png").toFile()); // names in reverse order
        }
        Files.writeString(f.resolve("notes.txt"), "ignored");
        ImageSet s = ImageReaders.pngFolder(f);
        assertThat(s.size()).isEqualTo(3);
        assertThat(s.imageShape().dims()).containsExactly(1, 2, 4);
        // s0.png is i = 2: pixel (y = 1, x = 3) = 80 + 30 + 1
        assertThat(s.batch(0, 1)[1 * 4 + 3]).isEqualTo(111 / 127.5f - 1f);

        BufferedImage rgb = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(1, 0, 0x00FF8000);
        Path c = Files.createDirectory(dir.resolve("rgb"));
        ImageIO.write(rgb, "png", c.resolve("a.png").toFile());
        ImageSet cs = ImageReaders.pngFolder(c);
        assertThat(cs.imageShape().dims()).containsExactly(3, 2, 4);
        float[] v = cs.toFloatArray();
        assertThat(new float[] {v[1], v[8 + 1], v[16 + 1]}).containsExactly(1f, 128 / 127.5f - 1f, -1f);

        ImageIO.write(
                new BufferedImage(3, 3, BufferedImage.TYPE_BYTE_GRAY),
                "png",
                f.resolve("z.png").toFile());
        assertThatThrownBy(() -> ImageReaders.pngFolder(f))
                .hasMessageContaining("z.png")
                .hasMessageContaining("1 x 3 x 3")
                .hasMessageContaining("where s0.png is 1 x 2 x 4");
        assertThatThrownBy(() -> ImageReaders.pngFolder(Files.createDirectory(dir.resolve("empty"))))
                .hasMessageContaining("no .png files");
    }

    @Test
    void npyArraysOfImages() throws IOException {
        float[] v = new float[2 * 3 * 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.25f - 1;
        }
        Npy.write(dir.resolve("a.npy"), NdArray.ofFloats(v, 2, 3, 4));
        ImageSet s = ImageReaders.array(dir.resolve("a.npy"));
        assertThat(s.imageShape().dims()).containsExactly(1, 3, 4);
        assertThat(s.toFloatArray()).containsExactly(v);
        Npy.write(dir.resolve("b.npy"), NdArray.ofFloats(v, 2, 1, 3, 4));
        assertThat(ImageReaders.array(dir.resolve("b.npy")).imageShape().dims()).containsExactly(1, 3, 4);
        Npy.write(dir.resolve("c.npy"), NdArray.ofFloats(v, 24));
        assertThatThrownBy(() -> ImageReaders.array(dir.resolve("c.npy")))
                .hasMessageContaining("shape [24] is not a set of images");
    }
}
