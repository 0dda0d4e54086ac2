package org.diffusion4j.spark;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.diffusion4j.api.tensor.Shape;
import org.jspecify.annotations.Nullable;

/** One sample as a PNG: shape [1, H, W] or [H, W] grey, [3, H, W] RGB; values in [low, high] map to 0..255. */
final class Png {
    private Png() {}

    /** The PNG bytes, or null when the shape is not a picture (a 1-D sample, say). */
    static byte @Nullable [] encode(float[] v, int offset, Shape shape, double low, double high) {
        int c;
        int h;
        int w;
        if (shape.rank() == 3 && (shape.get(0) == 1 || shape.get(0) == 3)) {
            c = shape.get(0);
            h = shape.get(1);
            w = shape.get(2);
        } else if (shape.rank() == 2) {
            c = 1;
            h = shape.get(0);
            w = shape.get(1);
        } else {
            return null;
        }
        BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int p = y * w + x;
                if (c == 1) {
                    img.getRaster().setSample(x, y, 0, level(v[offset + p], low, high));
                } else {
                    int rgb = level(v[offset + p], low, high) << 16
                            | level(v[offset + plane + p], low, high) << 8
                            | level(v[offset + 2 * plane + p], low, high);
                    img.setRGB(x, y, rgb);
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static int level(float x, double low, double high) {
        double t = (x - low) / (high - low);
        return (int) Math.round(255 * Math.max(0, Math.min(1, Double.isNaN(t) ? 0 : t)));
    }
}
