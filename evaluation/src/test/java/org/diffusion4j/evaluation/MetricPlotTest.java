package org.diffusion4j.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
}
