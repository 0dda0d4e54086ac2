package org.diffusion4j.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.diffusion4j.pipeline.DiffusersSchedulerClassesTest.Z;
import static org.diffusion4j.pipeline.DiffusersSchedulerClassesTest.alphaBar;
import static org.diffusion4j.pipeline.DiffusersSchedulerClassesTest.eps;
import static org.diffusion4j.pipeline.DiffusersSchedulerClassesTest.load;
import static org.diffusion4j.pipeline.DiffusersSchedulerClassesTest.run;
import static org.diffusion4j.pipeline.DiffusersSchedulerClassesTest.sigmas;
import static org.diffusion4j.pipeline.DiffusersSchedulerClassesTest.tolSteps;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.diffusion4j.pipeline.DiffusersSchedulerClassesTest.Imported;
import org.diffusion4j.pipeline.diffusers.DiffusersImport;
import org.diffusion4j.pipeline.diffusers.DiffusersSchedulerConfig;
import org.diffusion4j.samplers.SigmaSpacing;
import org.junit.jupiter.api.Test;

/**
 * {@code DPMSolverMultistepScheduler(solver_order=3)}, {@code UniPCMultistepScheduler(solver_type="bh1",
 * disable_corrector=[…])} and {@code use_lu_lambdas}, each replayed by hand in double from diffusers' {@code step}
 * (VP sample, α = 1/√(σ² + 1), σ_t = σ·α, λ = log α − log σ_t), first and last steps included. Model, tables and
 * tolerances as {@link DiffusersSchedulerClassesTest}.
 */
class DiffusersSolverOrdersTest {

    /** linspace(0, 999, n + 1).round()[::-1][:-1] for n = 5: 999, 799 (799.2), 599 (599.4), 400 (399.6), 200 (199.8). */
    static final double[] TS5 = {999, 799, 599, 400, 200};

    static double[] levels(double[] ts) {
        double[] table = sigmas(alphaBar(false, 1e-4, 0.02, 1000));
        double[] sig = new double[ts.length + 1];
        for (int i = 0; i < ts.length; i++) {
            sig[i] = table[(int) ts[i]];
        }
        return sig;
    }

    @Test
    void dpmSolverThirdOrderFollowsDiffusersStepOrders() {
        int n = 5;
        Imported im = load("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"solver_order\": 3}", n);
        assertThat(im.imp().sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"dpmpp_2m\", \"spacing\": \"multistep_linspace\", \"solverOrder\": 3}", "t"));
        double[] sig = levels(TS5);
        // step(): orders 1, 2, 3 (warm-up), 2 (lower_order_second: n < 15), 1 (lower_order_final)
        int[] orders = {1, 2, 3, 2, 1};
        double x = Z;
        List<Double> m = new ArrayList<>();
        List<Double> lam = new ArrayList<>();
        List<Double> expect = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = 1 / Math.sqrt(sig[i] * sig[i] + 1);
            double st = sig[i] * a;
            m.add((x - st * eps(x, TS5[i])) / a);
            lam.add(Math.log(a) - Math.log(st));
            if (i == n - 1) {
                x = m.get(i); // onto σ = 0
            } else {
                double a1 = 1 / Math.sqrt(sig[i + 1] * sig[i + 1] + 1);
                double st1 = sig[i + 1] * a1;
                double h = Math.log(a1) - Math.log(st1) - lam.get(i);
                double y = st1 / st * x - a1 * (Math.exp(-h) - 1) * m.get(i);
                if (orders[i] == 2) {
                    double r0 = (lam.get(i) - lam.get(i - 1)) / h;
                    y -= 0.5 * a1 * (Math.exp(-h) - 1) * (m.get(i) - m.get(i - 1)) / r0;
                } else if (orders[i] == 3) {
                    double r0 = (lam.get(i) - lam.get(i - 1)) / h;
                    double r1 = (lam.get(i - 1) - lam.get(i - 2)) / h;
                    double d10 = (m.get(i) - m.get(i - 1)) / r0;
                    double d11 = (m.get(i - 1) - m.get(i - 2)) / r1;
                    double d1 = d10 + r0 / (r0 + r1) * (d10 - d11);
                    double d2 = (d10 - d11) / (r0 + r1);
                    y += a1 * ((Math.exp(-h) - 1) / h + 1) * d1 - a1 * ((Math.exp(-h) - 1 + h) / (h * h) - 0.5) * d2;
                }
                x = y;
            }
            expect.add(x);
        }
        List<Double> got = run(im);
        assertThat(got.get(0)).as("first step").isCloseTo(expect.get(0), within(tolSteps(1)));
        assertThat(got.get(2)).as("the third-order step").isCloseTo(expect.get(2), within(tolSteps(3)));
        assertThat(got.get(n)).as("last step").isCloseTo(expect.get(n - 1), within(tolSteps(n)));
    }

    /**
     * UniPC bh1, order 2, corrector of step 1 disabled: B(h) = −h in the corrections (h·φ_1 = e^{−h} − 1 stays in the
     * base); UniC-2's ρ from the 2×2 system [1 1; r_1 1]·ρ = (g_1, g_2), g_j = j!·hφ_{j+1}/B.
     */
    @Test
    void uniPcBh1WithADisabledCorrectorFollowsDiffusersStep() {
        int n = 5;
        Imported im = load(
                "{\"_class_name\": \"UniPCMultistepScheduler\", \"solver_type\": \"bh1\", \"disable_corrector\": [1]}",
                n);
        assertThat(im.imp().sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"unipc\", \"spacing\": \"multistep_linspace\", \"solverType\": \"bh1\", \"disableCorrector\": [1]}",
                        "t"));
        double[] sig = levels(TS5);
        double[] lam = new double[n + 1];
        double[] al = new double[n + 1];
        double[] sv = new double[n + 1];
        for (int i = 0; i < n; i++) {
            al[i] = 1 / Math.sqrt(sig[i] * sig[i] + 1);
            sv[i] = sig[i] * al[i];
            lam[i] = Math.log(al[i]) - Math.log(sv[i]);
        }
        double x = Z;
        double last = Double.NaN;
        List<Double> ms = new ArrayList<>();
        int thisOrder = 0;
        List<Double> expect = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double m = (x - sv[i] * eps(x, TS5[i])) / al[i];
            if (i > 0 && !Set.of(1).contains(i - 1)) { // multistep_uni_c_bh_update, order thisOrder
                double h = lam[i] - lam[i - 1];
                double hh = -h;
                double phi1 = Math.expm1(hh);
                double bh = hh;
                double m0 = ms.get(ms.size() - 1);
                double base = sv[i] / sv[i - 1] * last - al[i] * phi1 * m0;
                if (thisOrder == 1) {
                    x = base - al[i] * bh * 0.5 * (m - m0);
                } else {
                    double rk = (lam[i - 2] - lam[i - 1]) / h;
                    double d1 = (ms.get(ms.size() - 2) - m0) / rk;
                    double hphi2 = phi1 / hh - 1;
                    double g1 = hphi2 / bh;
                    double hphi3 = hphi2 / hh - 0.5;
                    double g2 = hphi3 * 2 / bh;
                    double rho0 = (g1 - g2) / (1 - rk); // solve [1 1; rk 1]ρ = (g1, g2)
                    double rho1 = g1 - rho0;
                    x = base - al[i] * bh * (rho0 * d1 + rho1 * (m - m0));
                }
            }
            ms.add(m);
            thisOrder = Math.min(Math.min(2, n - i), i + 1);
            last = x;
            if (i == n - 1) {
                x = m;
            } else {
                double a1 = 1 / Math.sqrt(sig[i + 1] * sig[i + 1] + 1);
                double st1 = sig[i + 1] * a1;
                double h = Math.log(a1) - Math.log(st1) - lam[i];
                double hh = -h;
                double y = st1 / sv[i] * x - a1 * Math.expm1(hh) * m;
                if (thisOrder == 2) {
                    double rk = (lam[i - 1] - lam[i]) / h;
                    y -= a1 * hh * 0.5 * (ms.get(ms.size() - 2) - m) / rk; // ρ_p = ½, B = −h
                }
                x = y;
            }
            expect.add(x);
        }
        List<Double> got = run(im);
        assertThat(got.get(0)).as("first step").isCloseTo(expect.get(0), within(tolSteps(1)));
        assertThat(got.get(n)).as("last step").isCloseTo(expect.get(n - 1), within(tolSteps(n)));
    }

    @Test
    void luLambdasAreTheExponentialSpacingRoundedAndOtherValuesAreListed() {
        DiffusersImport lu = DiffusersSchedulerConfig.read(
                Json.parse("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"use_lu_lambdas\": true}", "t"));
        assertThat(lu.unsupported()).isEmpty();
        assertThat(lu.sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"dpmpp_2m\", \"spacing\": \"exponential\", \"roundModelTime\": true}", "t"));
        // _convert_to_lu: λ linear between the table's ends, σ = exp(−λ): log σ uniform, timesteps rounded
        Imported im = load("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"use_lu_lambdas\": true}", 4);
        double[] table = sigmas(alphaBar(false, 1e-4, 0.02, 1000));
        double[] s = im.trajectory().sigmas();
        for (int i = 0; i < 4; i++) {
            double want = Math.exp(Math.log(table[999]) + i / 3.0 * (Math.log(table[0]) - Math.log(table[999])));
            assertThat(s[i]).isCloseTo(want, within(DiffusersSchedulerClassesTest.TOL_SIGMA_REL * want));
        }
        assertThat(im.trajectory().modelTimes()[0]).isEqualTo(999);
        assertThat(im.trajectory().modelTimes()[3]).isEqualTo(0);
        assertThat(((org.diffusion4j.samplers.SigmaSampler) im.sampler()).spacing())
                .isEqualTo(SigmaSpacing.exponential().rounded());

        DiffusersImport bad = DiffusersSchedulerConfig.read(Json.parse("""
                {"_class_name": "UniPCMultistepScheduler", "solver_order": 4, "solver_type": "bh3", "disable_corrector": [1, -2]}""", "t"));
        assertThat(bad.unsupported()).hasSize(3);
        assertThat(String.join("\n", bad.unsupported()))
                .contains("/solver_order 4", "/solver_type 'bh3'", "/disable_corrector/1 -2");
        DiffusersImport sde = DiffusersSchedulerConfig.read(Json.parse(
                "{\"_class_name\": \"DPMSolverMultistepScheduler\", \"algorithm_type\": \"sde-dpmsolver++\", \"solver_order\": 3}",
                "t"));
        assertThat(sde.unsupported())
                .singleElement()
                .asString()
                .startsWith("/solver_order 3: with algorithm_type sde-dpmsolver++");
    }

    @Test
    void betaSigmasAreMappedWithDiffusersTimestepCasts() {
        DiffusersImport dpm = DiffusersSchedulerConfig.read(
                Json.parse("{\"_class_name\": \"DPMSolverMultistepScheduler\", \"use_beta_sigmas\": true}", "t"));
        assertThat(dpm.unsupported()).isEmpty();
        assertThat(dpm.sampler())
                .isEqualTo(Json.parse(
                        "{\"type\": \"dpmpp_2m\", \"spacing\": \"beta\", \"truncateModelTime\": true}", "t"));
        Imported im = load("{\"_class_name\": \"UniPCMultistepScheduler\", \"use_beta_sigmas\": true}", 5);
        assertThat(im.imp().sampler())
                .isEqualTo(
                        Json.parse("{\"type\": \"unipc\", \"spacing\": \"beta\", \"truncateModelTime\": true}", "t"));
        // _convert_to_beta between the table's ends; Beta(0.6, 0.6) is symmetric: the middle of 5 levels is the mean
        double[] table = sigmas(alphaBar(false, 1e-4, 0.02, 1000));
        double[] s = im.trajectory().sigmas();
        double tol = DiffusersSchedulerClassesTest.TOL_SIGMA_REL * table[999];
        assertThat(s[0]).isCloseTo(table[999], within(tol));
        assertThat(s[2]).isCloseTo((table[0] + table[999]) / 2, within(tol));
        assertThat(s[4]).isCloseTo(table[0], within(tol));
        for (double t : im.trajectory().modelTimes()) {
            assertThat(t).isEqualTo(Math.rint(t)); // the int64 cast: integer timesteps
        }
        // Euler keeps fractional (float) timesteps; with leading spacing the ends are not the table's: listed
        DiffusersImport euler = DiffusersSchedulerConfig.read(
                Json.parse("{\"_class_name\": \"EulerDiscreteScheduler\", \"use_beta_sigmas\": true}", "t"));
        assertThat(euler.sampler()).isEqualTo(Json.parse("{\"type\": \"euler\", \"spacing\": \"beta\"}", "t"));
        DiffusersImport two = DiffusersSchedulerConfig.read(Json.parse("""
                {"_class_name": "EulerDiscreteScheduler", "use_beta_sigmas": true, "use_karras_sigmas": true}""", "t"));
        assertThat(two.unsupported())
                .singleElement()
                .asString()
                .startsWith("/use_beta_sigmas true: together with use_karras_sigmas");
        DiffusersImport lead = DiffusersSchedulerConfig.read(Json.parse(
                "{\"_class_name\": \"HeunDiscreteScheduler\", \"use_beta_sigmas\": true, \"timestep_spacing\": \"leading\"}",
                "t"));
        assertThat(lead.unsupported())
                .singleElement()
                .asString()
                .startsWith("/use_beta_sigmas true with timestep_spacing 'leading'");
    }

    @Test
    void thresholdingIsMappedOnTheMultistepSolvers() {
        for (String cls : new String[] {"DPMSolverMultistepScheduler", "UniPCMultistepScheduler"}) {
            DiffusersImport imp = DiffusersSchedulerConfig.read(Json.parse(
                    "{\"_class_name\": \"" + cls + "\", \"thresholding\": true," + " \"sample_max_value\": 1.5}", "t"));
            assertThat(imp.unsupported()).isEmpty();
            assertThat(imp.sampler().get("thresholding").asBoolean()).isTrue();
            assertThat(imp.sampler().get("dynamicThresholdingRatio").asDouble()).isEqualTo(0.995); // diffusers' default
            assertThat(imp.sampler().get("sampleMaxValue").asDouble()).isEqualTo(1.5);
            DiffusersSchedulerClassesTest.REG.sampler(imp.sampler().get("type").asText(), imp.sampler());
        }
    }
}
