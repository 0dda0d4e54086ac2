package org.diffusion4j.djl.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import javax.imageio.ImageIO;
import org.diffusion4j.api.tensor.Tensor;

/** Writes a batch of images in [−1, 1] as one PNG grid. */
public final class ImageGrid {

    private ImageGrid() {}

    /**
     * Writes {@code images} ({@code [N, C, H, W]}, C = 1 grey or 3 RGB, values in [−1, 1], clipped) as a
     * grid of {@code cols} columns with a 2-pixel border, each pixel drawn {@code scale}×{@code scale}.
     * The file is written to a temporary name and renamed.
     */
    public static void writePng(Tensor images, int cols, int scale, Path file) throws IOException {
        int[] d = images.shape().dims();
        if (d.length != 4 || (d[1] != 1 && d[1] != 3)) {
            throw new IllegalArgumentException("image grid needs [N, 1 or 3, H, W], got " + images.shape());
        }
        int n = d[0];
        int c = d[1];
        int h = d[2];
        int w = d[3];
        int rows = (n + cols - 1) / cols;
        int pad = 2;
        BufferedImage img = new BufferedImage(
                cols * (w * scale + pad) + pad, rows * (h * scale + pad) + pad, BufferedImage.TYPE_INT_RGB);
        float[] v = images.toFloatArray();
        for (int i = 0; i < n; i++) {
            int ox = pad + (i % cols) * (w * scale + pad);
            int oy = pad + (i / cols) * (h * scale + pad);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int[] rgb = new int[3];
                    for (int k = 0; k < 3; k++) {
                        float f = v[((i * c + (c == 1 ? 0 : k)) * h + y) * w + x];
                        rgb[k] = Math.round((Math.max(-1f, Math.min(1f, f)) + 1f) * 127.5f);
                    }
                    int p = (rgb[0] << 16) | (rgb[1] << 8) | rgb[2];
                    for (int sy = 0; sy < scale; sy++) {
                        for (int sx = 0; sx < scale; sx++) {
                            img.setRGB(ox + x * scale + sx, oy + y * scale + sy, p);
                        }
                    }
                }
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null) {
            throw new IllegalArgumentException("image path " + file + " has no parent directory to write into");
        }
        Files.createDirectories(dir);
        Path tmp = Files.createFile(dir.resolve(
                "." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp")); // default permissions
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) {
                throw new IOException("no PNG writer available");
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
