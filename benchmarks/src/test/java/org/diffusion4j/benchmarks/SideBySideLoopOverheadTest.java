package org.diffusion4j.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.api.tensor.Tensor;
import org.diffusion4j.schedules.Schedules;
import org.junit.jupiter.api.Test;

/** The loop-overhead machinery of {@link SideBySide}: the paired timing predictor and the bootstrap estimate. */
class SideBySideLoopOverheadTest {

    @Test
    void theTimedPredictorPairsEveryCallWithABareForwardInAbbaOrderAndDelegates() {
        List<String> events = new ArrayList<>();
        NoisePredictor inner = NoisePredictor.of(PredictionType.SAMPLE, (x, t, c) -> {
            events.add("model");
            return x.times(0.5);
        });
        SideBySide.TimedPredictor timed = new SideBySide.TimedPredictor(
                inner,
                () -> {
                    events.add("bare");
                    return 0.25;
                },
                4);
        Tensor x = ArrayTensor.wrap(new float[] {2, 4}, Shape.of(2, 1));
        Timestep t = Schedules.linear(1000).plan(10).get(0).current();
        Conditions c = Conditions.unconditional(2);

        timed.start(true);
        for (int i = 0; i < 4; i++) {
            assertThat(timed.predict(x, t, c).toFloatArray()).containsExactly(1f, 2f);
        }
        assertThat(events).containsExactly("bare", "model", "model", "bare", "bare", "model", "model", "bare");
        assertThat(timed.calls()).isEqualTo(4);
        assertThat(timed.bareNanos()).isEqualTo(1_000_000_000L); // 4 × the callable's own 0.25 s
        assertThat(timed.predictionType()).isEqualTo(PredictionType.SAMPLE);

        events.clear();
        timed.start(false); // the other run of a pair starts with the bare forward after the call
        timed.predict(x, t, c);
        assertThat(events).containsExactly("model", "bare");
        assertThat(timed.calls()).isEqualTo(1);
        assertThat(timed.cpuInCalls()).isGreaterThanOrEqualTo(0);
        for (int i = 1; i < 4; i++) {
            timed.predict(x, t, c);
        }
        assertThatThrownBy(() -> timed.predict(x, t, c)).hasMessageContaining("more than 4 model calls");
    }

    @Test
    void theBootstrapIntervalHoldsTheMedianAndStaysInsideTheData() {
        SideBySide.Estimate constant = SideBySide.Estimate.of(new double[] {0.3, 0.3, 0.3, 0.3});
        assertThat(constant.median()).isEqualTo(0.3);
        assertThat(constant.low()).isEqualTo(0.3);
        assertThat(constant.high()).isEqualTo(0.3);

        double[] v = {9, 1, 8, 2, 7, 3, 6, 4, 5};
        SideBySide.Estimate e = SideBySide.Estimate.of(v);
        assertThat(e.median()).isEqualTo(5);
        assertThat(e.n()).isEqualTo(9);
        // a median of resampled data is one of the data (odd n), so the interval lies within [min, max]
        assertThat(e.low()).isBetween(1.0, 5.0);
        assertThat(e.high()).isBetween(5.0, 9.0);
        assertThat(e.high() - e.low()).isPositive();
        assertThat(e.toString())
                .isEqualTo(
                        String.format(java.util.Locale.ROOT, "500.0 %% [%.1f, %.1f]", 100 * e.low(), 100 * e.high()));
    }
}
