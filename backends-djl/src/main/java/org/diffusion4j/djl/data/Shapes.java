package org.diffusion4j.djl.data;

import java.util.List;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.Shape;

/**
 * A built-in, seeded, labelled data set of simple grey shapes on a dark background, so training and
 * tests run anywhere with nothing installed. Four classes: 0 filled square, 1 filled disc,
 * 2 horizontal bar, 3 hollow square (a ring of width 2). Each image draws its centre, size and
 * brightness from its own stream seeded with (seed, index), so image i never depends on the set size.
 */
public final class Shapes {

    /** The class names, by label. */
    public static final List<String> CLASSES = List.of("square", "disc", "bar", "frame");

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Shapes() {}

    /** {@code n} images of {@code size}×{@code size} pixels, labels cycling 0, 1, 2, 3. */
    public static ImageDataset generate(int n, int size, long seed) {
        if (n <= 0 || size < 8) {
            throw new IllegalArgumentException("shapes: need n > 0 images of size >= 8, got n=" + n + ", size=" + size);
        }
        int per = size * size;
        byte[] pixels = new byte[Math.multiplyExact(n, per)];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int k = i % CLASSES.size();
            labels[i] = (byte) k;
            SdkNoise.Normal rng = SdkNoise.normal(seed + (i + 1) * GOLDEN_GAMMA);
            double half = size * (0.18 + 0.12 * rng.nextUniform());
            double cx = size / 2.0 + (rng.nextUniform() - 0.5) * size * 0.25;
            double cy = size / 2.0 + (rng.nextUniform() - 0.5) * size * 0.25;
            int bright = 170 + (int) (85 * rng.nextUniform());
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double dx = x + 0.5 - cx;
                    double dy = y + 0.5 - cy;
                    boolean on = switch (k) {
                        case 0 -> Math.abs(dx) <= half && Math.abs(dy) <= half;
                        case 1 -> dx * dx + dy * dy <= half * half;
                        case 2 -> Math.abs(dx) <= half * 1.3 && Math.abs(dy) <= half * 0.35;
                        default ->
                            Math.max(Math.abs(dx), Math.abs(dy)) <= half
                                    && Math.max(Math.abs(dx), Math.abs(dy)) > half - 2;
                    };
                    pixels[i * per + y * size + x] = (byte) (on ? bright : 0);
                }
            }
        }
        return new ByteImages(pixels, labels, Shape.of(1, size, size), CLASSES.size(), CLASSES);
    }
}
