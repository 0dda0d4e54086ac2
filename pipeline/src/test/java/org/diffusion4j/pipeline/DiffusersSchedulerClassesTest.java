package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.diffusion4j.api.Conditions;
import org.diffusion4j.api.NoisePredictor;
import org.diffusion4j.api.PredictionType;
import org.diffusion4j.api.SampleRequest;
import org.diffusion4j.api.Sampler;
import org.diffusion4j.api.Schedule;
import org.diffusion4j.api.spi.PluginRegistry;
import org.diffusion4j.api.tensor.ArrayTensor;
import org.diffusion4j.api.tensor.Shape;
import org.diffusion4j.pipeline.diffusers.DiffusersImport;
import org.diffusion4j.pipeline.diffusers.DiffusersSchedulerConfig;
import org.diffusion4j.samplers.SigmaSampler;
import org.diffusion4j.samplers.SigmaSpacing;
import org.diffusion4j.samplers.SigmaTrajectory;
import org.diffusion4j.testkit.ErrorBound;
import org.junit.jupiter.api.Test;

/**
 * Every imported diffusers scheduler class against numbers derived by hand, in double, from diffusers' published
 * {@code set_timesteps} and {@code step} formulas (no diffusers installation): the sampler and σ spacing the
 * import picks, the timesteps and σ levels (first and last, fractional and half-to-even rounded timesteps), and the
 * samples of one or more steps, the first and the last step included.
 *
 * <p>The model is the affine ε-predictor ε(x, t) = 0.5·x + 0.1 + 0.001·t, so a wrong model timestep shows. The
 * σ table is recomputed here from β (diffusers' {@code betas}, {@code alphas_cumprod}) independently of the schedule
 * module.
 *
 * <p>Tolerances. σ levels: relative γ_{2T}·2 (ᾱ is a product of T = 1000 factors 1 − β, each rounded, then one
 * division, one sqrt; both sides round, ×2). Samples: the sampler works in float32 tensors (ArrayTensor), so
 * |error| ≤ u₃₂ · magnitude · growth · safety with magnitude 16 (|x_VE| ≤ 0.7·√(1 + 14.6²) ≈ 10.3, the model output
 * ≤ 6), growth 10 float32 roundings per step times the number of steps (errors carried from step to step are not
 * amplified: every update multiplies the state by a factor ≤ 1 + σ-ratio bounded by 2 over these trajectories,
 * counted in the safety factor), safety 4 (×2 for that amplification, ×2 for the double-side and library rounding).
 */
class DiffusersSchedulerClassesTest {
    static final PluginRegistry REG = PluginRegistry.load();
    static final double Z = 0.7;

    static double tolSteps(int steps) {
        return ErrorBound.float32(16, 10.0 * steps, 4);
    }

    static final double TOL_SIGMA_REL = 2 * ErrorBound.gamma64(2 * 1000);

    static double eps(double x, double t) {
        return 0.5 * x + 0.1 + 0.001 * t;
    }

    // ---------------------------------------------------------------- diffusers' tables, by hand

    /** alphas_cumprod of diffusers' betas: linear (torch.linspace) or scaled_linear (linspace of √β, squared). */
    static double[] alphaBar(boolean scaled, double b0, double b1, int T) {
        double[] ab = new double[T];
        double p = 1;
        for (int i = 0; i < T; i++) {
            double beta = scaled
                    ? Math.pow(Math.sqrt(b0) + i * (Math.sqrt(b1) - Math.sqrt(b0)) / (T - 1), 2)
                    : b0 + i * (b1 - b0) / (T - 1);
            p *= 1 - beta;
            ab[i] = p;
        }
        return ab;
    }

    /** σ_t = ((1 − ᾱ_t)/ᾱ_t)^½. */
    static double[] sigmas(double[] ab) {
        double[] s = new double[ab.length];
        for (int i = 0; i < ab.length; i++) {
            s[i] = Math.sqrt((1 - ab[i]) / ab[i]);
        }
        return s;
    }

    static double interp(double t, double[] table) {
        int lo = (int) Math.floor(t);
        return lo >= table.length - 1 ? table[table.length - 1] : table[lo] + (t - lo) * (table[lo + 1] - table[lo]);
    }

    // ---------------------------------------------------------------- running the imported sampler

    record Imported(DiffusersImport imp, Schedule schedule, Sampler sampler) {
        SigmaTrajectory trajectory() {
            SigmaSampler s = (SigmaSampler) sampler;
            return SigmaTrajectory.of(schedule, s.steps(), s.spacing());
        }
    }

    static Imported load(String config, int steps) {
        DiffusersImport imp = DiffusersSchedulerConfig.read(Json.parse(config, "t"));
        assertThat(imp.unsupported()).isEmpty();
        ObjectNode s = imp.schedule();
        ObjectNode m = imp.sampler();
        m.put("steps", steps);
        return new Imported(
                imp,
                REG.schedule(s.get("type").asText(), s),
                REG.sampler(m.get("type").asText(), m));
    }

    /** Runs from x_T = Z (variance-preserving, as the SDK draws it); returns the VP states after each step, then the result. */
    static List<Double> run(Imported im) {
        NoisePredictor p = NoisePredictor.of(PredictionType.EPSILON, (x, t, c) -> {
            float[] v = x.toFloatArray();
            return ArrayTensor.of(new float[] {(float) eps(v[0], t.modelTime())}, x.shape());
        });
        SampleRequest r = SampleRequest.builder()
                .predictor(p)
                .schedule(im.schedule())
                .conditions(Conditions.unconditional(1))
                .sampleShape(1)
                .initialState(ArrayTensor.of(new float[] {(float) Z}, Shape.of(1, 1)))
                .build();
        List<Double> states = new ArrayList<>();
        float out = im.sampler()
                .sample(r, e -> states.add((double) e.state().toFloatArray()[0]))
                .toFloatArray()[0];
        states.add((double) out);
        return states;
    }

    static void assertSigmas(SigmaTrajectory tr, double[] expected) {
        assertThat(tr.sigmas()).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(tr.sigma(i)).as("sigma %d", i).isCloseTo(expected[i], within(TOL_SIGMA_REL * expected[i]));
        }
    }

    static final String SD = "\"beta_schedule\": \"scaled_linear\", \"beta_start\": 0.00085, \"beta_end\": 0.012";

    // ---------------------------------------------------------------- Euler

    @Test
    void eulerLeadingWithOffsetFollowsDiffusersToTheLastStep() {
        int n = 10;
        Imported im = load(
                "{\"_class_name\": \"EulerDiscreteScheduler\", " + SD
                        + ", \"timestep_spacing\": \"leading\", \"steps_offset\": 1, \"prediction_type\": \"epsilon\"}",
                n);
        assertThat(im.imp().sampler().get("type").asText()).isEqualTo("euler");
        assertThat(((SigmaSampler) im.sampler()).spacing())
                .isEqualTo(SigmaSpacing.of(SigmaSpacing.Kind.LEADING).withStepsOffset(1));
        // set_timesteps: (arange(n)·(T // n)).round()[::-1] + steps_offset = 901, 801, …, 1; σ from the table, then 0
        double[] table = sigmas(alphaBar(true, 0.00085, 0.012, 1000));
        double[] ts = new double[n];
        double[] sig = new double[n + 1];
        for (int i = 0; i < n; i++) {
            ts[i] = 901 - 100 * i;
            sig[i] = table[(int) ts[i]];
        }
        SigmaTrajectory tr = im.trajectory();
        assertThat(tr.modelTimes()[0]).isEqualTo(901);
        assertThat(tr.modelTimes()[n - 1]).isEqualTo(1);
        assertSigmas(tr, sig);
        // EulerDiscreteScheduler.step, s_churn = 0: x0 = x − σ·ε, d = (x − x0)/σ, x' = x + (σ' − σ)·d; the model sees
        // scale_model_input(x) = x/√(σ² + 1); the sample starts at z·init_noise_sigma = z·√(σ_max² + 1) (leading)
        double x = Z * Math.sqrt(sig[0] * sig[0] + 1);
        List<Double> got = run(im);
        for (int i = 0; i < n; i++) {
            double e = eps(x / Math.sqrt(sig[i] * sig[i] + 1), ts[i]);
            x = x + (sig[i + 1] - sig[i]) * e;
            if (i == 0) {
                assertThat(got.get(0))
                        .as("first step")
                        .isCloseTo(x / Math.sqrt(sig[1] * sig[1] + 1), within(tolSteps(1)));
            }
        }
        assertThat(got.get(n)).as("last step (sigma 0: x0)").isCloseTo(x, within(tolSteps(n)));
    }

    @Test
    void eulerAncestralDefaultIsLinspaceWithEtaOne() {
        Imported im = load("{\"_class_name\": \"EulerAncestralDiscreteScheduler\"}", 4);
        assertThat(im.imp().sampler())
                .isEqualTo(Json.parse("{\"type\": \"euler_a\", \"eta\": 1.0, \"spacing\": \"linspace\"}", "t"));
        // linspace(0, 999, 4)[::-1] = 999, 666, 333, 0
        assertThat(im.trajectory().modelTimes()).containsExactly(999, 666, 333, 0);
        double[] table = sigmas(alphaBar(false, 1e-4, 0.02, 1000));
        assertSigmas(im.trajectory(), new double[] {table[999], table[666], table[333], table[0], 0});
    }

    // ---------------------------------------------------------------- Heun

    @Test
    void heunDefaultsFractionalTimestepAndSecondOrderSteps() {
        int n = 3;
        Imported im = load("{\"_class_name\": \"HeunDiscreteScheduler\"}", n);
        assertThat(im.imp().schedule().get("betaStart").asDouble())
                .isEqualTo(0.00085); // HeunDiscreteScheduler's defaults
        assertThat(im.imp().schedule().get("betaEnd").asDouble()).isEqualTo(0.012);
        assertThat(im.imp().sampler().get("type").asText()).isEqualTo("heun");
        // linspace(0, 999, 3)[::-1] = 999, 499.5, 0; σ(499.5) interpolated linearly in the table (np.interp)
        double[] table = sigmas(alphaBar(false, 0.00085, 0.012, 1000));
        double[] ts = {999, 499.5, 0};
        double[] sig = {table[999], interp(499.5, table), table[0], 0};
        assertThat(im.trajectory().modelTimes()).containsExactly(999, 499.5, 0);
        assertSigmas(im.trajectory(), sig);
        // HeunDiscreteScheduler.step: first order x̂ = x + dt·ε(x, σ); second order x' = x + dt·(ε(x, σ) + ε(x̂,
        // σ'))/2;
        // the step onto σ = 0 is first order only (2n − 1 model calls)
        double x = Z * Math.sqrt(sig[0] * sig[0] + 1);
        List<Double> got = run(im);
        for (int i = 0; i < n; i++) {
            double dt = sig[i + 1] - sig[i];
            double d1 = eps(x / Math.sqrt(sig[i] * sig[i] + 1), ts[i]);
            if (i == n - 1) {
                x = x + dt * d1;
            } else {
                double xh = x + dt * d1;
                double d2 = eps(xh / Math.sqrt(sig[i + 1] * sig[i + 1] + 1), ts[i + 1]);
                x = x + dt * (d1 + d2) / 2;
            }
            if (i == 0) {
                assertThat(got.get(0))
                        .as("first step")
                        .isCloseTo(x / Math.sqrt(sig[1] * sig[1] + 1), within(tolSteps(2)));
            }
        }
        assertThat(got.get(got.size() - 1)).as("last step").isCloseTo(x, within(tolSteps(2 * n)));
    }

    // ---------------------------------------------------------------- DPM-Solver++ multistep

    @Test
    void dpmSolverMultistepDefaultLinspaceRoundsHalfToEvenAndMatchesTheUpdate() {
        int n = 6;
        Imported im = load("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"_diffusers_version\": \"0.30.0\"}", n);
        assertThat(im.imp().sampler())
                .isEqualTo(Json.parse("{\"type\": \"dpmpp_2m\", \"spacing\": \"multistep_linspace\"}", "t"));
        // linspace(0, 999, n + 1).round()[::-1][:-1]: j·166.5 → 999, 832 (832.5, half to even), 666, 500 (499.5), 333,
        // 166 (166.5)
        double[] ts = {999, 832, 666, 500, 333, 166};
        double[] table = sigmas(alphaBar(false, 1e-4, 0.02, 1000));
        double[] sig = new double[n + 1];
        for (int i = 0; i < n; i++) {
            sig[i] = table[(int) ts[i]];
        }
        assertThat(im.trajectory().modelTimes()).containsExactly(999, 832, 666, 500, 333, 166);
        assertSigmas(im.trajectory(), sig);
        // DPMSolverMultistepScheduler (dpmsolver++, midpoint, order 2), on the VP sample (init_noise_sigma 1):
        // α = 1/√(σ² + 1), σ_t = σ·α, λ = log α − log σ_t, h = λ' − λ, x0 = (x − σ_t·ε)/α;
        // first order x' = (σ_t'/σ_t)·x − α'(e^{−h} − 1)·x0 (first step, and the last: final_sigmas_type zero);
        // second order adds −½α'(e^{−h} − 1)·D1, D1 = (m0 − m1)/r0, r0 = h_prev/h
        double x = Z;
        double prevM = 0;
        double prevLambda = 0;
        List<Double> got = run(im);
        for (int i = 0; i < n; i++) {
            double a = 1 / Math.sqrt(sig[i] * sig[i] + 1);
            double st = sig[i] * a;
            double m = (x - st * eps(x, ts[i])) / a;
            double lambda = Math.log(a) - Math.log(st);
            if (i == n - 1) {
                x = m; // σ' = 0: α' = 1, σ_t' = 0, e^{−h} = 0
            } else {
                double a1 = 1 / Math.sqrt(sig[i + 1] * sig[i + 1] + 1);
                double st1 = sig[i + 1] * a1;
                double h = (Math.log(a1) - Math.log(st1)) - lambda;
                double y = st1 / st * x - a1 * Math.expm1(-h) * m;
                if (i > 0) {
                    double r0 = (lambda - prevLambda) / h;
                    y -= 0.5 * a1 * Math.expm1(-h) * (m - prevM) / r0;
                }
                x = y;
            }
            prevM = m;
            prevLambda = lambda;
            if (i == 0) {
                assertThat(got.get(0)).as("first step").isCloseTo(x, within(tolSteps(1)));
            }
        }
        assertThat(got.get(n)).as("last step").isCloseTo(x, within(tolSteps(n)));
    }

    @Test
    void dpmSolverKarrasRoundsTimestepsAndSdeVariantMapsToDpmpp2mSde() {
        Imported im = load(
                "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"use_karras_sigmas\": true, " + SD
                        + ", \"timestep_spacing\": \"leading\", \"steps_offset\": 1, \"lower_order_final\": true,"
                        + " \"final_sigmas_type\": \"zero\", \"solver_order\": 2}",
                8);
        assertThat(((SigmaSampler) im.sampler()).spacing())
                .isEqualTo(SigmaSpacing.karras().rounded());
        // Karras between the table's ends σ(0), σ(999) whatever the spacing; timesteps = round(_sigma_to_t(σ))
        double[] table = sigmas(alphaBar(true, 0.00085, 0.012, 1000));
        SigmaTrajectory tr = im.trajectory();
        assertThat(tr.sigma(0)).isCloseTo(table[999], within(TOL_SIGMA_REL * table[999]));
        assertThat(tr.sigma(7)).isCloseTo(table[0], within(TOL_SIGMA_REL * table[0]));
        assertThat(tr.modelTimes()[0]).isEqualTo(999);
        assertThat(tr.modelTimes()[7]).isEqualTo(0);
        for (int i = 0; i < 8; i++) {
            assertThat(tr.modelTimes()[i]).isEqualTo(Math.rint(tr.modelTimes()[i]));
        }
        DiffusersImport sde = DiffusersSchedulerConfig.read(Json.parse(
                "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"algorithm_type\": \"sde-dpmsolver++\", \"timestep_spacing\": \"trailing\"}",
                "t"));
        assertThat(sde.unsupported()).isEmpty();
        assertThat(sde.sampler())
                .isEqualTo(Json.parse("{\"type\": \"dpmpp_2m_sde\", \"eta\": 1.0, \"spacing\": \"trailing\"}", "t"));
    }

    @Test
    void multistepLeadingDividesByStepsPlusOne() {
        Imported im = load(
                "{\"_class_name\": \"UniPCMultistepScheduler\", \"timestep_spacing\": \"leading\", \"steps_offset\": 1}",
                4);
        // (arange(n + 1)·(1000 // 5))[::-1][:-1] + 1 = 801, 601, 401, 201
        assertThat(im.trajectory().modelTimes()).containsExactly(801, 601, 401, 201);
    }

    // ---------------------------------------------------------------- LMS

    /** ∫_{σ_i}^{σ_{i+1}} of the Lagrange basis polynomial j on σ_i, σ_{i−1}, … (k points): 4-point Gauss–Legendre, exact to degree 7. */
    static double lmsCoefficient(double[] s, int i, int k, int j) {
        double[] nodes = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
        double[] w = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
        double a = s[i];
        double b = s[i + 1];
        double sum = 0;
        for (int q = 0; q < 4; q++) {
            double tau = (a + b) / 2 + (b - a) / 2 * nodes[q];
            double prod = 1;
            for (int m = 0; m < k; m++) {
                if (m != j) {
                    prod *= (tau - s[i - m]) / (s[i - j] - s[i - m]);
                }
            }
            sum += w[q] * prod;
        }
        return sum * (b - a) / 2;
    }

    @Test
    void lmsWarmsUpToOrderFourAndTakesItsFullStepOntoZero() {
        int n = 4;
        Imported im = load("{\"_class_name\": \"LMSDiscreteScheduler\"}", n);
        assertThat(im.imp().sampler())
                .isEqualTo(Json.parse("{\"type\": \"lms\", \"order\": 4, \"spacing\": \"linspace\"}", "t"));
        double[] table = sigmas(alphaBar(false, 1e-4, 0.02, 1000));
        double[] ts = {999, 666, 333, 0};
        double[] sig = {table[999], table[666], table[333], table[0], 0};
        assertSigmas(im.trajectory(), sig);
        // LMSDiscreteScheduler.step(order=4): d_i = (x − x0)/σ = ε; x' = x + Σ_j c_j·d_{i−j}, order = min(i + 1, 4),
        // c_j the integral over [σ_i, σ_{i+1}] of the Lagrange basis on σ_i, σ_{i−1}, … (get_lms_coefficient)
        double x = Z * Math.sqrt(sig[0] * sig[0] + 1);
        double[] d = new double[n];
        List<Double> got = run(im);
        for (int i = 0; i < n; i++) {
            d[i] = eps(x / Math.sqrt(sig[i] * sig[i] + 1), ts[i]);
            int k = Math.min(i + 1, 4);
            for (int j = 0; j < k; j++) {
                x += lmsCoefficient(sig, i, k, j) * d[i - j];
            }
            if (i == 0) {
                assertThat(got.get(0))
                        .as("first step (Euler)")
                        .isCloseTo(x / Math.sqrt(sig[1] * sig[1] + 1), within(tolSteps(1)));
            }
        }
        assertThat(got.get(n)).as("last step, order 4 onto sigma 0").isCloseTo(x, within(tolSteps(n)));
    }

    // ---------------------------------------------------------------- PNDM

    @Test
    void pndmSkipPrkStepsFollowsDiffusersPlmsToTheFinalAlphaCumprod() {
        int n = 10;
        Imported im = load(
                "{\"_class_name\": \"PNDMScheduler\", " + SD + ", \"skip_prk_steps\": true, \"steps_offset\": 1,"
                        + " \"set_alpha_to_one\": false, \"timestep_spacing\": \"leading\"}",
                n);
        assertThat(im.imp().sampler()).isEqualTo(Json.parse("{\"type\": \"pndm\", \"spacing\": \"schedule\"}", "t"));
        assertThat(im.imp().schedule().get("setAlphaToOne").asBoolean()).isFalse();
        double[] ab = alphaBar(true, 0.00085, 0.012, 1000);
        // plms_timesteps: 901, 801, 801, 701, …, 1 (n + 1 model calls); PNDMScheduler.step_plms and _get_prev_sample
        List<Integer> plms = new ArrayList<>();
        plms.add(901);
        for (int t = 801; t >= 1; t -= 100) {
            plms.add(t);
            if (t == 801) {
                plms.add(t);
            }
        }
        assertThat(plms).hasSize(n + 1);
        List<Double> ets = new ArrayList<>();
        double sample = Z;
        double cur = 0;
        int counter = 0;
        for (int timestep : plms) {
            double e = eps(sample, timestep);
            int prevT = timestep - 100;
            int t = timestep;
            if (counter != 1) {
                while (ets.size() > 3) {
                    ets.remove(0);
                }
                ets.add(e);
            } else {
                prevT = timestep;
                t = timestep + 100;
            }
            double mo;
            double x = sample;
            int k = ets.size();
            if (k == 1 && counter == 0) {
                mo = e;
                cur = sample;
            } else if (k == 1 && counter == 1) {
                mo = (e + ets.get(0)) / 2;
                x = cur;
            } else if (k == 2) {
                mo = (3 * ets.get(1) - ets.get(0)) / 2;
            } else if (k == 3) {
                mo = (23 * ets.get(2) - 16 * ets.get(1) + 5 * ets.get(0)) / 12;
            } else {
                mo = (55 * ets.get(k - 1) - 59 * ets.get(k - 2) + 37 * ets.get(k - 3) - 9 * ets.get(k - 4)) / 24;
            }
            double a = ab[t];
            double ap = prevT >= 0 ? ab[prevT] : ab[0]; // final_alpha_cumprod: ᾱ_0 without set_alpha_to_one
            double coeff = Math.sqrt(ap / a);
            double denom = a * Math.sqrt(1 - ap) + Math.sqrt(a * (1 - a) * ap);
            sample = coeff * x - (ap - a) * mo / denom;
            counter++;
        }
        List<Double> got = run(im);
        assertThat(got.get(got.size() - 1))
                .as("last step, onto alpha_cumprod[0]")
                .isCloseTo(sample, within(tolSteps(n + 1)));
    }

    // ---------------------------------------------------------------- UniPC

    @Test
    void uniPcSingleStepReturnsTheDataPrediction() {
        Imported im = load(
                "{\"_class_name\": \"UniPCMultistepScheduler\", \"solver_type\": \"bh2\", \"predict_x0\": true,"
                        + " \"disable_corrector\": [], \"solver_p\": null}",
                1);
        assertThat(im.imp().sampler())
                .isEqualTo(Json.parse("{\"type\": \"unipc\", \"spacing\": \"multistep_linspace\"}", "t"));
        // linspace(0, 999, 2).round()[::-1][:-1] = 999; one step onto σ = 0 (order 1): x0 = (x − σ_t·ε)/α
        double[] table = sigmas(alphaBar(false, 1e-4, 0.02, 1000));
        assertThat(im.trajectory().modelTimes()).containsExactly(999);
        double a = 1 / Math.sqrt(table[999] * table[999] + 1);
        double x0 = (Z - table[999] * a * eps(Z, 999)) / a;
        assertThat(run(im).get(1)).isCloseTo(x0, within(tolSteps(1)));
    }

    // ---------------------------------------------------------------- DDPM / DDIM mapping

    @Test
    void ddpmAndDdimMapVarianceClippingAndLastStepNoiseExactly() {
        DiffusersImport log = DiffusersSchedulerConfig.read(Json.parse(
                "{\"_class_name\": \"DDPMScheduler\", \"variance_type\": \"fixed_small_log\", \"clip_sample\": false}",
                "t"));
        assertThat(log.unsupported()).isEmpty();
        assertThat(log.sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"ddpm\", \"variance\": \"posterior\", \"lastStepNoise\": \"diffusers\"}", "t"));
        DiffusersImport clipped = DiffusersSchedulerConfig.read(Json.parse(
                "{\"_class_name\": \"DDIMScheduler\", \"clip_sample_range\": 1.5, \"use_clipped_model_output\": true}",
                "t"));
        assertThat(clipped.sampler())
                .isEqualTo(
                        Json.parse("{\"type\": \"ddim\", \"clipSample\": 1.5, \"useClippedModelOutput\": true}", "t"));
        DiffusersImport noClip = DiffusersSchedulerConfig.read(
                Json.parse("{\"_class_name\": \"DDIMScheduler\", \"clip_sample\": false}", "t"));
        assertThat(noClip.sampler()).isEqualTo(Json.parse("{\"type\": \"ddim\"}", "t"));
        // the imported samplers are accepted by the registry as they are
        REG.sampler("ddpm", log.sampler());
        REG.sampler("ddim", clipped.sampler());
    }

    @Test
    void everyUnsupportedFieldIsListedWithItsJsonPath() {
        DiffusersImport imp = DiffusersSchedulerConfig.read(Json.parse("""
                {"_class_name": "DPMSolverMultistepScheduler", "algorithm_type": "dpmsolver", "solver_order": 3,
                 "final_sigmas_type": "sigma_min", "use_lu_lambdas": true, "solver_type": "heun", "thresholding": true,
                 "use_exponential_sigmas": true, "variance_type": "learned_range", "lambda_min_clipped": -5.1,
                 "rescale_betas_zero_snr": true, "clip_sample": true, "use_beta_sigmas": true, "use_dynamic_shifting": true}""", "t"));
        assertThat(imp.unsupported()).hasSize(10); // solver_order 3 and thresholding are reproduced
        assertThat(String.join("\n", imp.unsupported()))
                .contains(
                        "/algorithm_type 'dpmsolver'",
                        "/final_sigmas_type \"sigma_min\"",
                        "/use_lu_lambdas true: together with use_exponential_sigmas",
                        "/solver_type \"heun\"",
                        "/use_beta_sigmas true",
                        "/variance_type \"learned_range\"",
                        "/lambda_min_clipped -5.1",
                        "/rescale_betas_zero_snr true",
                        "/clip_sample = true",
                        "/use_dynamic_shifting true");
        DiffusersImport pndm = DiffusersSchedulerConfig.read(Json.parse(
                "{\"_class_name\": \"PNDMScheduler\", \"timestep_spacing\": \"trailing\", \"use_karras_sigmas\": true}",
                "t"));
        assertThat(String.join("\n", pndm.unsupported()))
                .contains("/timestep_spacing 'trailing'", "/use_karras_sigmas = true");
        assertThat(pndm.unsupported()).hasSize(2);
        DiffusersImport euler = DiffusersSchedulerConfig.read(Json.parse(
                "{\"_class_name\": \"EulerDiscreteScheduler\", \"use_karras_sigmas\": true, \"timestep_spacing\": \"leading\","
                        + " \"interpolation_type\": \"log_linear\", \"sigma_min\": 0.1}",
                "t"));
        assertThat(String.join("\n", euler.unsupported()))
                .contains(
                        "/use_karras_sigmas true with timestep_spacing 'leading'",
                        "/interpolation_type \"log_linear\"",
                        "/sigma_min 0.1");
        assertThat(euler.unsupported()).hasSize(3);
    }

    @Test
    void aDiffusersScheduleInADocumentPicksTheImportedSampler() {
        String doc = """
                {"model": {"type": "gaussian-mixture"},
                 "schedule": {"type": "diffusers", "config": {"_class_name": "DPMSolverMultistepScheduler", "use_karras_sigmas": true}},
                 "sampler": {"type": "dpmpp_2m", "steps": 12}, "samplesPerLabel": 2}""";
        SamplingPipeline p = SamplingPipeline.fromJson(Json.parse(doc, "t"), PipelineOptions.defaults());
        ObjectNode sampler = (ObjectNode) p.resolvedConfigs().get(0).get("sampler");
        assertThat(sampler.get("type").asText()).isEqualTo("dpmpp_2m");
        assertThat(sampler.get("spacing").asText()).isEqualTo("karras");
        assertThat(sampler.get("roundModelTime").asBoolean()).isTrue();
        assertThat(sampler.get("steps").asInt()).isEqualTo(12);
        String noSampler = """
                {"model": {"type": "gaussian-mixture"},
                 "schedule": {"type": "diffusers", "config": {"_class_name": "EulerAncestralDiscreteScheduler"}}, "samplesPerLabel": 2}""";
        SamplingPipeline q = SamplingPipeline.fromJson(Json.parse(noSampler, "t"), PipelineOptions.defaults());
        assertThat(q.resolvedConfigs().get(0).at("/sampler/type").asText()).isEqualTo("euler_a");
        assertThat(p.sample().sets()).isNotEmpty();
    }

    @Test
    void configsSavedWithEveryFieldAtItsDefaultImportCleanly() {
        // diffusers saves every __init__ parameter; these are the current signatures' defaults (DPMSolverMultistep,
        // UniPCMultistep, EulerDiscrete), lambda_min_clipped as null (JSON has no -inf; see the provider for -Infinity)
        DiffusersImport dpm = DiffusersSchedulerConfig.read(Json.parse("""
                {"_class_name": "DPMSolverMultistepScheduler", "_diffusers_version": "0.36.0", "num_train_timesteps": 1000,
                 "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear", "trained_betas": null, "solver_order": 2,
                 "prediction_type": "epsilon", "thresholding": false, "dynamic_thresholding_ratio": 0.995, "sample_max_value": 1.0,
                 "algorithm_type": "dpmsolver++", "solver_type": "midpoint", "lower_order_final": true, "euler_at_final": false,
                 "use_karras_sigmas": false, "use_exponential_sigmas": false, "use_beta_sigmas": false, "use_lu_lambdas": false,
                 "use_flow_sigmas": false, "flow_shift": 1.0, "final_sigmas_type": "zero", "lambda_min_clipped": null,
                 "variance_type": null, "timestep_spacing": "linspace", "steps_offset": 0, "rescale_betas_zero_snr": false,
                 "use_dynamic_shifting": false, "time_shift_type": "exponential"}""", "t"));
        assertThat(dpm.unsupported()).isEmpty();
        assertThat(dpm.sampler())
                .isEqualTo(Json.parse("{\"type\": \"dpmpp_2m\", \"spacing\": \"multistep_linspace\"}", "t"));
        DiffusersImport unipc = DiffusersSchedulerConfig.read(Json.parse("""
                {"_class_name": "UniPCMultistepScheduler", "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
                 "beta_schedule": "scaled_linear", "trained_betas": null, "solver_order": 2, "prediction_type": "v_prediction",
                 "thresholding": false, "dynamic_thresholding_ratio": 0.995, "sample_max_value": 1.0, "predict_x0": true,
                 "solver_type": "bh2", "lower_order_final": true, "disable_corrector": [], "solver_p": null,
                 "use_karras_sigmas": true, "use_exponential_sigmas": false, "use_beta_sigmas": false, "use_flow_sigmas": false,
                 "flow_shift": 1.0, "timestep_spacing": "trailing", "steps_offset": 0, "final_sigmas_type": "zero",
                 "rescale_betas_zero_snr": false, "use_dynamic_shifting": false, "time_shift_type": "exponential",
                 "sigma_min": null, "sigma_max": null, "shift_terminal": null}""", "t"));
        assertThat(unipc.unsupported()).isEmpty();
        assertThat(unipc.sampler())
                .isEqualTo(Json.parse("{\"type\": \"unipc\", \"spacing\": \"karras\", \"roundModelTime\": true}", "t"));
        assertThat(unipc.predictionType()).isEqualTo("v_prediction");
        DiffusersImport euler = DiffusersSchedulerConfig.read(Json.parse("""
                {"_class_name": "EulerDiscreteScheduler", "num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02,
                 "beta_schedule": "linear", "trained_betas": null, "prediction_type": "epsilon", "interpolation_type": "linear",
                 "use_karras_sigmas": false, "use_exponential_sigmas": true, "use_beta_sigmas": false, "sigma_min": null,
                 "sigma_max": null, "timestep_spacing": "linspace", "timestep_type": "discrete", "steps_offset": 0,
                 "rescale_betas_zero_snr": false, "final_sigmas_type": "zero"}""", "t"));
        assertThat(euler.unsupported()).isEmpty();
        assertThat(euler.sampler()).isEqualTo(Json.parse("{\"type\": \"euler\", \"spacing\": \"exponential\"}", "t"));
        // DPMSolverMultistep does not round Karras timesteps with squaredcos_cap_v2 betas; its int64 cast truncates
        // them
        DiffusersImport cos = DiffusersSchedulerConfig.read(Json.parse("""
                {"_class_name": "DPMSolverMultistepScheduler", "beta_schedule": "squaredcos_cap_v2", "use_karras_sigmas": true}""", "t"));
        assertThat(cos.sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"dpmpp_2m\", \"spacing\": \"karras\", \"truncateModelTime\": true}", "t"));
    }

    @Test
    void pythonsMinusInfinityForLambdaMinClippedIsItsDefault(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Files.writeString(dir.resolve("scheduler_config.json"), """
                {"_class_name": "DPMSolverMultistepScheduler", "lambda_min_clipped": -Infinity, "use_karras_sigmas": true}""");
        String doc = """
                {"model": {"type": "gaussian-mixture"}, "schedule": {"type": "diffusers", "file": "scheduler_config.json"},
                 "samplesPerLabel": 2}""";
        java.nio.file.Files.writeString(dir.resolve("run.json"), doc);
        SamplingPipeline p = SamplingPipeline.fromFile(dir.resolve("run.json"));
        assertThat(p.resolvedConfigs().get(0).at("/sampler/type").asText()).isEqualTo("dpmpp_2m");
        assertThat(p.resolvedConfigs().get(0).at("/sampler/spacing").asText()).isEqualTo("karras");
    }

    // UniPCMultistepScheduler (predict_x0, bh2): α = 1/√(σ² + 1), σ_t = σα, λ = log α − log σ_t
    static double ua(double sigma) {
        return 1 / Math.sqrt(sigma * sigma + 1);
    }

    static double ulam(double sigma) {
        return Math.log(ua(sigma)) - Math.log(sigma * ua(sigma));
    }

    @Test
    void uniPcPredictorAndCorrectorFollowDiffusersBh2ToTheLastStep() {
        int n = 4;
        Imported im = load("{\"_class_name\": \"UniPCMultistepScheduler\"}", n);
        // linspace(0, 999, 5).round()[::-1][:-1]: j·249.75 → 999, 749 (749.25), 500 (499.5, half to even), 250 (249.75)
        double[] ts = {999, 749, 500, 250};
        assertThat(im.trajectory().modelTimes()).containsExactly(ts);
        double[] table = sigmas(alphaBar(false, 1e-4, 0.02, 1000));
        double[] sig = {table[999], table[749], table[500], table[250], 0};
        // step(): corrector (multistep_uni_c_bh_update, order = the previous predictor's) on the new sample with the
        // new
        // model output, then the predictor (multistep_uni_p_bh_update) of order min(2, n − i, i + 1) from the corrected
        // one
        double x = Z;
        double last = Double.NaN;
        List<Double> m = new ArrayList<>();
        int prevOrder = 0;
        for (int i = 0; i < n; i++) {
            double mo = (x - sig[i] * ua(sig[i]) * eps(x, ts[i])) / ua(sig[i]);
            if (i > 0) {
                double at = ua(sig[i]);
                double h = ulam(sig[i]) - ulam(sig[i - 1]);
                double hh = -h;
                double hPhi1 = Math.expm1(hh);
                double bh = Math.expm1(hh);
                double m0 = m.get(m.size() - 1);
                double xt = sig[i] * at / (sig[i - 1] * ua(sig[i - 1])) * last - at * hPhi1 * m0;
                double d1t = mo - m0;
                double corr;
                if (prevOrder == 1) {
                    corr = 0.5 * d1t;
                } else {
                    double rk = (ulam(sig[i - 2]) - ulam(sig[i - 1])) / h;
                    double d1 = (m.get(m.size() - 2) - m0) / rk;
                    double hPhiK = hPhi1 / hh - 1;
                    double b1 = hPhiK * 1 / bh;
                    hPhiK = hPhiK / hh - 1.0 / 2;
                    double b2 = hPhiK * 2 / bh;
                    // R = [[1, 1], [rk, 1]]: ρ = R⁻¹ b
                    double det = 1 - rk;
                    double rho0 = (b1 - b2) / det;
                    double rho1 = (b2 - rk * b1) / det;
                    corr = rho0 * d1 + rho1 * d1t;
                }
                x = xt - at * bh * corr;
            }
            m.add(mo);
            int order = Math.min(2, Math.min(n - i, i + 1));
            last = x;
            double at = ua(sig[i + 1]);
            double st = sig[i + 1] * at;
            double h = ulam(sig[i + 1]) - ulam(sig[i]);
            double hh = -h;
            double hPhi1 = Math.expm1(hh);
            double xt = st / (sig[i] * ua(sig[i])) * x - at * hPhi1 * mo;
            if (order == 2) {
                double rk = (ulam(sig[i - 1]) - ulam(sig[i])) / h;
                double d1 = (m.get(m.size() - 2) - mo) / rk;
                xt -= at * Math.expm1(hh) * 0.5 * d1;
            }
            x = xt;
            prevOrder = order;
        }
        List<Double> got = run(im);
        assertThat(got.get(got.size() - 1)).as("last step").isCloseTo(x, within(tolSteps(n)));
    }

    @Test
    void aDocumentsOwnSpacingReplacesTheImportedOne() {
        String doc = """
                {"model": {"type": "gaussian-mixture"},
                 "schedule": {"type": "diffusers", "config": {"_class_name": "EulerDiscreteScheduler", "timestep_spacing": "leading",
                              "steps_offset": 1}},
                 "sampler": {"type": "euler", "steps": 12, "karras": true}, "samplesPerLabel": 2}""";
        ObjectNode sampler = (ObjectNode) SamplingPipeline.fromJson(Json.parse(doc, "t"), PipelineOptions.defaults())
                .resolvedConfigs()
                .get(0)
                .get("sampler");
        assertThat(sampler.get("karras").asBoolean()).isTrue();
        assertThat(sampler.has("stepsOffset")).isFalse();
        assertThat(sampler.path("spacing").asText("")).isNotEqualTo("leading");
    }
}
