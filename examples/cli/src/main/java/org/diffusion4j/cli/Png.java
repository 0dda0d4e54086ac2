package org.diffusion4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.pipeline.OutputSpec;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.NodeList;

/**
 * Pictures of samples: image grids (rows = labels, columns = samples) and, for 2-D vectors, scatter
 * plots; each PNG carries text chunks (iTXt, UTF-8) with its provenance.
 */
final class Png {
    private static final String FORMAT = "javax_imageio_png_1.0";
    private static final Color[] PALETTE = {
        new Color(0x1f77b4),
        new Color(0xff7f0e),
        new Color(0x2ca02c),
        new Color(0xd62728),
        new Color(0x9467bd),
        new Color(0x8c564b),
        new Color(0xe377c2),
        new Color(0x7f7f7f),
        new Color(0xbcbd22),
        new Color(0x17becf)
    };

    private Png() {}

    /** True when samples of this shape are images: [C, H, W] with C = 1 or 3. */
    static boolean isImage(Shape sampleShape) {
        return sampleShape.rank() == 3 && (sampleShape.get(0) == 1 || sampleShape.get(0) == 3);
    }

    /** The grid of {@code samples} ([rows · cols, C, H, W]) with values mapped from the output's value range. */
    static BufferedImage grid(Tensor samples, int rows, int cols, OutputSpec out) {
        Shape s = samples.shape();
        int c = s.get(1);
        int h = s.get(2);
        int w = s.get(3);
        int up = out.upscale();
        int pad = out.padding();
        int width = cols * w * up + (cols + 1) * pad;
        int height = rows * h * up + (rows + 1) * pad;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        float[] d = samples.toFloatArray();
        double lo = out.valueLow();
        double hi = out.valueHigh();
        int per = c * h * w;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                int base = (r * cols + k) * per;
                int x0 = pad + k * (w * up + pad);
                int y0 = pad + r * (h * up + pad);
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int rgb;
                        if (c == 1) {
                            int v = level(d[base + y * w + x], lo, hi);
                            rgb = v << 16 | v << 8 | v;
                        } else {
                            rgb = level(d[base + y * w + x], lo, hi) << 16
                                    | level(d[base + h * w + y * w + x], lo, hi) << 8
                                    | level(d[base + 2 * h * w + y * w + x], lo, hi);
                        }
                        for (int dy = 0; dy < up; dy++) {
                            for (int dx = 0; dx < up; dx++) {
                                img.setRGB(x0 + x * up + dx, y0 + y * up + dy, rgb);
                            }
                        }
                    }
                }
            }
        }
        return img;
    }

    private static int level(float v, double lo, double hi) {
        double t = (v - lo) / (hi - lo);
        return (int) Math.round(255 * Math.max(0, Math.min(1, Float.isNaN(v) ? 0 : t)));
    }

    /** A scatter plot of the first two coordinates of [n, d] samples, one colour per grid row. */
    static BufferedImage scatter(Tensor samples, int rows, int cols) {
        int size = 480;
        float[] d = samples.toFloatArray();
        int dim = samples.shape().get(1);
        double lim = 1;
        for (int i = 0; i < rows * cols; i++) {
            lim = Math.max(lim, Math.max(Math.abs(d[i * dim]), dim > 1 ? Math.abs(d[i * dim + 1]) : 0));
        }
        lim = Math.ceil(lim * 1.05);
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
        g.setColor(new Color(0xdddddd));
        g.setStroke(new BasicStroke(1));
        g.drawLine(size / 2, 0, size / 2, size);
        g.drawLine(0, size / 2, size, size / 2);
        for (int i = 0; i < rows * cols; i++) {
            double x = d[i * dim];
            double y = dim > 1 ? d[i * dim + 1] : 0;
            int px = (int) Math.round((x / lim + 1) / 2 * (size - 1));
            int py = (int) Math.round((1 - (y / lim + 1) / 2) * (size - 1));
            g.setColor(PALETTE[(i / cols) % PALETTE.length]);
            g.fillOval(px - 2, py - 2, 5, 5);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(java.util.Locale.ROOT, "[-%.0f, %.0f]^2", lim, lim), 6, size - 8);
        g.dispose();
        return img;
    }

    /** A line plot of a loss curve. */
    static BufferedImage lossPlot(List<Double> losses) {
        int w = 640;
        int h = 360;
        int m = 40;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double max = losses.stream()
                .mapToDouble(Double::doubleValue)
                .filter(Double::isFinite)
                .max()
                .orElse(1);
        g.setColor(Color.GRAY);
        g.drawRect(m, m / 2, w - m - 10, h - m - m / 2);
        g.drawString(String.format(java.util.Locale.ROOT, "%.3g", max), 2, m / 2 + 10);
        g.drawString("0", 2, h - m);
        g.drawString("step " + losses.size(), w - 90, h - 10);
        g.setColor(PALETTE[0]);
        int n = losses.size();
        for (int i = 1; i < n; i++) {
            int x1 = m + (int) ((long) (i - 1) * (w - m - 10) / Math.max(1, n - 1));
            int x2 = m + (int) ((long) i * (w - m - 10) / Math.max(1, n - 1));
            int y1 = h - m - (int) (losses.get(i - 1) / max * (h - m - m / 2));
            int y2 = h - m - (int) (losses.get(i) / max * (h - m - m / 2));
            g.drawLine(x1, y1, x2, y2);
        }
        g.dispose();
        return img;
    }

    /** Writes {@code img} as PNG with {@code text} as iTXt chunks (keyword → UTF-8 text). */
    static void write(BufferedImage img, Map<String, String> text, OutputStream out) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            IIOMetadata meta = writer.getDefaultImageMetadata(
                    ImageTypeSpecifier.createFromRenderedImage(img), writer.getDefaultWriteParam());
            IIOMetadataNode root = new IIOMetadataNode(FORMAT);
            IIOMetadataNode itxt = new IIOMetadataNode("iTXt");
            for (Map.Entry<String, String> e : text.entrySet()) {
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", e.getKey());
                entry.setAttribute("compressionFlag", "TRUE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", e.getValue());
                itxt.appendChild(entry);
            }
            root.appendChild(itxt);
            try {
                meta.mergeTree(FORMAT, root);
            } catch (IIOInvalidTreeException ex) {
                throw new IOException("cannot add PNG text chunks: " + ex.getMessage(), ex);
            }
            writer.write(new IIOImage(img, null, meta));
        } finally {
            writer.dispose();
        }
    }

    /** The text chunks (tEXt, zTXt, iTXt) of a PNG file. */
    static Map<String, String> readText(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(Files.newInputStream(file))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException(file + " is not an image");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in);
                IIOMetadata meta = r.getImageMetadata(0);
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(FORMAT);
                for (String chunk : new String[] {"tEXtEntry", "zTXtEntry", "iTXtEntry"}) {
                    NodeList l = root.getElementsByTagName(chunk);
                    for (int i = 0; i < l.getLength(); i++) {
                        IIOMetadataNode n = (IIOMetadataNode) l.item(i);
                        String value = n.getAttribute(chunk.equals("iTXtEntry") ? "text" : "value");
                        out.put(n.getAttribute("keyword"), value);
                    }
                }
            } finally {
                r.dispose();
            }
        }
        return out;
    }

    static @Nullable String get(Map<String, String> text, String key) {
        return text.get(key);
    }
}
