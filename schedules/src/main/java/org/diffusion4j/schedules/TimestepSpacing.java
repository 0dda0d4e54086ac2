package org.diffusion4j.schedules;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * How n inference timesteps are picked from T training timesteps, with diffusers' semantics
 * (Lin et al. 2023, Table 2). Timesteps are returned noisiest first.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public enum TimestepSpacing {
    /** {@code round(linspace(0, T−1, n))}, reversed. */
    LINSPACE,
    /** {@code arange(0, n) · (T div n) + stepsOffset}, reversed (diffusers' default). */
    LEADING,
    /** {@code round(arange(T, 0, −T/n)) − 1}: always includes the last training timestep T−1. */
    TRAILING;

    /**
     * The n model timesteps, noisiest first.
     *
     * @param T           training timesteps
     * @param n           inference steps, in [1, T]
     * @param stepsOffset added to every timestep by {@link #LEADING} (diffusers' {@code steps_offset})
     */
    public int[] timesteps(int T, int n, int stepsOffset) {
        if (n < 1 || n > T) {
            throw new IllegalArgumentException(
                    "inference steps must be in [1, " + T + "] (the schedule's training timesteps), got " + n);
        }
        int[] ts = new int[n];
        switch (this) {
            case LINSPACE -> {
                double step = n == 1 ? 0 : (double) (T - 1) / (n - 1); // numpy.linspace: i * step, last = stop
                for (int i = 0; i < n; i++) {
                    double v = (n > 1 && i == n - 1) ? T - 1 : i * step;
                    ts[n - 1 - i] = (int) Math.rint(v); // numpy.round: half to even, as rint
                }
            }
            case LEADING -> {
                int ratio = T / n;
                for (int i = 0; i < n; i++) {
                    ts[n - 1 - i] = i * ratio + stepsOffset;
                }
            }
            case TRAILING -> {
                double ratio = (double) T / n;
                for (int i = 0; i < n; i++) {
                    ts[i] = (int) Math.rint(T - i * ratio) - 1;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (ts[i] < 0 || ts[i] >= T) {
                throw new IllegalArgumentException("timestep spacing " + label() + " with steps_offset " + stepsOffset
                        + " gives timestep " + ts[i] + " outside [0, " + T + ")");
            }
            if (i > 0 && ts[i] > ts[i - 1]) {
                throw new IllegalStateException("non-decreasing timesteps from " + label());
            }
        }
        return ts;
    }

    /** The diffusers name: {@code linspace}, {@code leading}, {@code trailing}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a diffusers name. */
    public static TimestepSpacing parse(String s) {
        for (TimestepSpacing v : values()) {
            if (v.label().equalsIgnoreCase(s.trim())) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown timestep spacing '" + s + "'; known: linspace, leading, trailing");
    }
}
