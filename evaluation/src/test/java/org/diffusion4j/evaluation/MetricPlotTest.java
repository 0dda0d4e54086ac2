package org.diffusion4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricPlotTest {

    @Test
    void tickStepIsTheNextOneTwoFiveStepAtOrAboveTheRawStep() {
        // exact decimal inputs: 10^k is computed by Math.pow, whose result is within 1 ulp, and the
        // products below are formed from it with one more rounding, so 4 ulp of the value suffice
        double[][] cases = {{0.37, 0.5}, {1.2, 2}, {2, 2}, {7, 10}, {0.02, 0.02}, {130, 200}, {0.0041, 0.005}};
        for (double[] c : cases) {
            assertThat(MetricPlot.niceStep(c[0])).as("raw %s", c[0]).isCloseTo(c[1], within(4 * Math.ulp(c[1])));
        }
    }

    @Test
    void degenerateRangesFallBackToAUnitStep() {
        assertThat(MetricPlot.niceStep(0)).isEqualTo(1);
        assertThat(MetricPlot.niceStep(Double.NaN)).isEqualTo(1);
        assertThat(MetricPlot.niceStep(Double.POSITIVE_INFINITY)).isEqualTo(1);
    }

    @Test
    void theLegendFitsItsLongestLabelInsideThePlotArea() {
        String longName = "type=dpmpp-2m, steps=10, schedule=scaled_linear";
        SweepReport report = SweepReport.of("guidanceScale");
        for (String series : new String[] {"type=ddim, steps=10", longName}) {
            for (double g : new double[] {1, 3, 5}) {
                report = report.with(
                        series, g, new EvaluationResult(100, 1000, "f", 3, Map.of(Metric.ACCURACY, 0.5 + g / 20)));
            }
        }
        BufferedImage img = MetricPlot.render(report, Metric.ACCURACY);
        // the right margin (30 pixels beside the plot area, where the old fixed-width legend spilled a long
        // label) stays white over the legend's rows; without a usable font nothing is drawn and it is white too
        int white = 0xFFFFFF;
        for (int x = MetricPlot.WIDTH - 29; x < MetricPlot.WIDTH; x++) {
            for (int y = 50; y < 50 + 16 * 2 + 12; y++) {
                assertThat(img.getRGB(x, y) & 0xFFFFFF)
                        .as("pixel (%d, %d)", x, y)
                        .isEqualTo(white);
            }
        }
    }
}
