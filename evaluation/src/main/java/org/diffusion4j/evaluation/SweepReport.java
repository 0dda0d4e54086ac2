package org.diffusion4j.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import org.diffusion4j.io.AtomicFiles;

/**
 * Evaluation results against a swept parameter (for example the guidance scale), in one or more series
 * (for example one per sampler and step count): written as JSON and as one PNG plot per metric.
 *
 * @param parameter the swept parameter's name, for example {@code guidanceScale}
 * @param points    the results, in the order they were added
 */
public record SweepReport(String parameter, List<Point> points) {

    /**
     * One evaluated setting.
     *
     * @param series the series it belongs to (one line per series in the plots)
     * @param value  the swept parameter's value
     * @param result its metrics
     */
    public record Point(String series, double value, EvaluationResult result) {
        /** Checks the fields. */
        public Point {
            Objects.requireNonNull(series, "series");
            Objects.requireNonNull(result, "result");
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("parameter value " + value + " is not finite");
            }
        }
    }

    /** Copies the points. */
    public SweepReport {
        Objects.requireNonNull(parameter, "parameter");
        points = List.copyOf(points);
    }

    /** An empty report for {@code parameter}. */
    public static SweepReport of(String parameter) {
        return new SweepReport(parameter, List.of());
    }

    /** This report with one more point. */
    public SweepReport with(String series, double value, EvaluationResult result) {
        List<Point> p = new ArrayList<>(points);
        p.add(new Point(series, value, result));
        return new SweepReport(parameter, p);
    }

    /** The metrics present in at least one point, in {@link Metric} order. */
    public Set<Metric> metrics() {
        Set<Metric> m = EnumSet.noneOf(Metric.class);
        points.forEach(p -> m.addAll(p.result().metrics().keySet()));
        return Collections.unmodifiableSet(m);
    }

    /** The report as JSON: the parameter's name and one object per point with {@code n} and every metric. */
    public ObjectNode toJson() {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode().put("parameter", parameter);
        ArrayNode arr = root.putArray("points");
        for (Point p : points) {
            EvaluationResult r = p.result();
            ObjectNode o = arr.addObject()
                    .put("series", p.series())
                    .put(parameter, p.value())
                    .put("n", r.samples())
                    .put("referenceSize", r.referenceSize())
                    .put("featureModel", r.featureModelId())
                    .put("k", r.k());
            r.metrics().forEach((m, v) -> o.put(m.jsonName(), v));
        }
        return root;
    }

    /**
     * Writes {@code <name>.json} and, for each metric present, {@code <name>-<metric>.png} into
     * {@code directory}, each atomically.
     *
     * @return the files written, the JSON first
     */
    public List<Path> write(Path directory, String name) throws IOException {
        List<Path> written = new ArrayList<>();
        Path json = directory.resolve(name + ".json");
        byte[] bytes = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson());
        AtomicFiles.write(json, out -> out.write(bytes));
        written.add(json);
        for (Metric m : metrics()) {
            Path png = directory.resolve(name + "-" + m.jsonName() + ".png");
            BufferedImage img = MetricPlot.render(this, m);
            AtomicFiles.write(png, out -> {
                if (!ImageIO.write(img, "png", out)) {
                    throw new IOException("no PNG writer");
                }
            });
            written.add(png);
        }
        return written;
    }
}
