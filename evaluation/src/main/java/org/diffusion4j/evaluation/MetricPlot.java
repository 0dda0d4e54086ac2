package org.diffusion4j.evaluation;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** A line plot of one metric against the swept parameter, one line per series, drawn with Java2D. */
final class MetricPlot {
    static final int WIDTH = 720;
    static final int HEIGHT = 460;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f),
    };

    private MetricPlot() {}

    static BufferedImage render(SweepReport report, Metric metric) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        TreeSet<Integer> ns = new TreeSet<>();
        String model = "";
        for (SweepReport.Point p : report.points()) {
            p.result()
                    .get(metric)
                    .ifPresent(v -> series.computeIfAbsent(p.series(), s -> new ArrayList<>())
                            .add(new double[] {p.value(), v}));
            ns.add(p.result().samples());
            model = p.result().featureModelId();
        }
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (List<double[]> pts : series.values()) {
            pts.sort(Comparator.comparingDouble(a -> a[0]));
            for (double[] a : pts) {
                xMin = Math.min(xMin, a[0]);
                xMax = Math.max(xMax, a[0]);
                yMin = Math.min(yMin, a[1]);
                yMax = Math.max(yMax, a[1]);
            }
        }
        if (xMin == xMax) {
            xMin -= 0.5;
            xMax += 0.5;
        }
        double pad = (yMax - yMin) * 0.08;
        if (pad == 0) {
            pad = Math.max(Math.abs(yMax) * 0.05, 0.05);
        }
        // round axis ends to a 1-2-5 step so the tick labels read as round numbers
        double yStep = niceStep((yMax - yMin + 2 * pad) / 5);
        yMin = Math.floor((yMin - pad) / yStep) * yStep;
        yMax = Math.ceil((yMax + pad) / yStep) * yStep;
        double xStep = niceStep((xMax - xMin) / 5);
        xMin = Math.floor(xMin / xStep + 1e-9) * xStep;
        xMax = Math.ceil(xMax / xStep - 1e-9) * xStep;

        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int pw = WIDTH - LEFT - RIGHT;
            int ph = HEIGHT - TOP - BOTTOM;
            Text text = new Text(g);
            text.font(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            // grid and ticks
            int yTicks = (int) Math.round((yMax - yMin) / yStep);
            for (int i = 0; i <= yTicks; i++) {
                double yv = snap(yMin + i * yStep, yStep);
                int y = TOP + ph - (int) Math.round(ph * (yv - yMin) / (yMax - yMin));
                g.setColor(new Color(0xe5e5e5));
                g.drawLine(LEFT, y, LEFT + pw, y);
                g.setColor(Color.DARK_GRAY);
                String s = format(yv);
                text.draw(s, LEFT - 8 - text.width(s), y + text.ascent() / 2 - 1);
            }
            int xTicks = (int) Math.round((xMax - xMin) / xStep);
            for (int i = 0; i <= xTicks; i++) {
                double xv = snap(xMin + i * xStep, xStep);
                int x = LEFT + (int) Math.round(pw * (xv - xMin) / (xMax - xMin));
                g.setColor(Color.DARK_GRAY);
                g.drawLine(x, TOP + ph, x, TOP + ph + 5);
                String t = format(xv);
                text.draw(t, x - text.width(t) / 2, TOP + ph + 8 + text.ascent());
            }
            g.setColor(Color.BLACK);
            g.drawRect(LEFT, TOP, pw, ph);
            text.draw(report.parameter(), LEFT + pw / 2 - text.width(report.parameter()) / 2, HEIGHT - 14);
            text.font(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            String title = metric.title() + " vs " + report.parameter();
            text.draw(title, LEFT, 22);
            text.font(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            String sub = "n = " + (ns.size() == 1 ? ns.first().toString() : ns.first() + "…" + ns.last())
                    + (metric == Metric.ACCURACY ? "" : ", features: " + model);
            text.draw(sub, LEFT, 40);
            // series
            // the legend box fits the widest label: a 22-pixel line swatch, 6 pixels, the label, 6 pixels
            int labelWidth = 0;
            for (String name : series.keySet()) {
                labelWidth = Math.max(labelWidth, text.width(name));
            }
            int legendWidth = Math.max(150, 6 + 22 + 6 + labelWidth + 6);
            int legendLeft = LEFT + pw - 6 - legendWidth;
            if (series.size() > 1 || !series.keySet().iterator().next().isEmpty()) {
                g.setColor(new Color(255, 255, 255, 220));
                g.fillRect(legendLeft, TOP + 4, legendWidth, 16 * series.size() + 6);
            }
            int c = 0;
            int legendY = TOP + 16;
            for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
                Color col = PALETTE[c++ % PALETTE.length];
                g.setColor(col);
                g.setStroke(new BasicStroke(2f));
                Path2D.Double path = new Path2D.Double();
                boolean first = true;
                for (double[] a : e.getValue()) {
                    double x = LEFT + pw * (a[0] - xMin) / (xMax - xMin);
                    double y = TOP + ph - ph * (a[1] - yMin) / (yMax - yMin);
                    if (first) {
                        path.moveTo(x, y);
                        first = false;
                    } else {
                        path.lineTo(x, y);
                    }
                    g.fill(new Ellipse2D.Double(x - 3.5, y - 3.5, 7, 7));
                }
                g.draw(path);
                if (series.size() > 1 || !e.getKey().isEmpty()) {
                    g.drawLine(legendLeft + 6, legendY - 4, legendLeft + 28, legendY - 4);
                    g.setColor(Color.BLACK);
                    text.draw(e.getKey(), legendLeft + 34, legendY);
                    legendY += 16;
                }
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** A tick value with the rounding residue of i·step removed (0.30000000000000004 → 0.3, 5e-17 → 0). */
    private static double snap(double v, double step) {
        return Math.abs(v) < step * 1e-9 ? 0 : Math.round(v / step) * step;
    }

    /** The 1-2-5 × 10^k step nearest above {@code raw} (raw > 0), for round tick values. */
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) {
            return 1;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    }

    /**
     * Text drawing that degrades to no text where the JVM has no usable fonts (a headless JRE without
     * fontconfig fails in font lookup): the plot's lines and points are still drawn.
     */
    private static final class Text {
        private final Graphics2D g;
        private boolean usable = true;

        Text(Graphics2D g) {
            this.g = g;
        }

        void font(Font f) {
            if (usable) {
                try {
                    g.setFont(f);
                    g.getFontMetrics();
                } catch (RuntimeException | LinkageError | InternalError e) {
                    usable = false;
                }
            }
        }

        int width(String s) {
            return usable ? g.getFontMetrics().stringWidth(s) : 0;
        }

        int ascent() {
            return usable ? g.getFontMetrics().getAscent() : 0;
        }

        void draw(String s, int x, int y) {
            if (usable) {
                try {
                    g.drawString(s, x, y);
                } catch (RuntimeException | LinkageError | InternalError e) {
                    usable = false;
                }
            }
        }
    }

    private static String format(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-3 || a >= 1e5)) {
            return String.format(Locale.ROOT, "%.2e", v);
        }
        String s = new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v))
                .stripTrailingZeros()
                .toPlainString();
        return s.equals("-0") ? "0" : s;
    }
}
