package org.diffusion4j.schedules;

import org.apiguardian.api.API;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.Timestep;
import org.diffusion4j.api.noise.SdkNoise;
import org.diffusion4j.api.tensor.Tensor;

/**
 * The forward process q(x_t | x0) = N(α_t x0, σ_t² I) (Ho et al. 2020, arXiv 2006.11239, eq. 4; Kingma et al. 2021,
 * arXiv 2107.00630, §3.1) and its training-time
 * draws.
 */
@API(status = API.Status.STABLE, since = "0.1.0")
public final class ForwardProcess {
    private ForwardProcess() {}

    /** One training batch: x_t, the noise ε that made it, and each sample's level. */
    public record Draw(Tensor xt, Tensor eps, Timestep[] times) {
        public Draw {
            times = times.clone();
        }

        @Override
        public Timestep[] times() {
            return times.clone();
        }
    }

    /** x_t = α x0 + σ ε for one level shared by the batch. */
    public static Tensor sample(Tensor x0, Timestep t, Tensor eps) {
        return t.diffuse(x0, eps);
    }

    /**
     * diffusers' {@code add_noise(original_samples, noise, timesteps)} with a level per batch item:
     * x_t,i = α_i x0_i + σ_i ε_i.
     *
     * @param times one level per sample (length = batch size)
     */
    public static Tensor addNoise(Tensor x0, Tensor eps, Timestep[] times) {
        return x0.timesPerSample(alphas(x0, times)).plus(eps.timesPerSample(sigmas(times)));
    }

    /** {@link #addNoise(Tensor, Tensor, Timestep[])} with one level for the whole batch. */
    public static Tensor addNoise(Tensor x0, Tensor eps, Timestep t) {
        return t.diffuse(x0, eps);
    }

    /**
     * The velocity v = α ε − σ x0 (Salimans &amp; Ho 2022, §4; diffusers' {@code get_velocity}), the target of a
     * v-prediction model, for one level shared by the batch.
     */
    public static Tensor velocity(Tensor x0, Tensor eps, Timestep t) {
        return eps.linear(t.alpha(), x0, -t.sigma());
    }

    /** {@link #velocity(Tensor, Tensor, Timestep)} with a level per batch item: v_i = α_i ε_i − σ_i x0_i. */
    public static Tensor velocity(Tensor x0, Tensor eps, Timestep[] times) {
        double[] negSigmas = sigmas(times);
        for (int i = 0; i < negSigmas.length; i++) {
            negSigmas[i] = -negSigmas[i];
        }
        return eps.timesPerSample(alphas(x0, times)).plus(x0.timesPerSample(negSigmas));
    }

    private static double[] alphas(Tensor x0, Timestep[] times) {
        if (times.length != x0.batchSize()) {
            throw new IllegalArgumentException(
                    "need one timestep per batch item: " + x0.batchSize() + " items, " + times.length + " timesteps");
        }
        double[] a = new double[times.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = times[i].alpha();
        }
        return a;
    }

    private static double[] sigmas(Timestep[] times) {
        double[] s = new double[times.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = times[i].sigma();
        }
        return s;
    }

    /**
     * A training draw: for every sample a time from {@link Schedule#trainingTime(double)} with
     * u ~ U[0, 1), fresh ε ~ N(0, I), and x_t = α x0 + σ ε (Ho et al. 2020, arXiv 2006.11239, Algorithm 1, lines 3–5).
     *
     * @param rng the caller's seeded generator (consumed: one uniform per sample, then the noise)
     */
    public static Draw draw(Tensor x0, Schedule schedule, SdkNoise.Normal rng) {
        int n = x0.batchSize();
        Timestep[] times = new Timestep[n];
        double[] alphas = new double[n];
        double[] sigmas = new double[n];
        for (int i = 0; i < n; i++) {
            times[i] = schedule.trainingTime(rng.nextUniform());
            alphas[i] = times[i].alpha();
            sigmas[i] = times[i].sigma();
        }
        float[] e = new float[Math.toIntExact(x0.size())];
        rng.fill(e, 0, e.length);
        Tensor eps = x0.factory().of(e, x0.shape());
        Tensor xt = x0.timesPerSample(alphas).plus(eps.timesPerSample(sigmas));
        return new Draw(xt, eps, times);
    }
}
