package org.diffusion4j.djl.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diffusion4j.testkit.ErrorBound.U32;
import static org.diffusion4j.testkit.ErrorBound.gamma32;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.diffusion4j.djl.DjlRuntime;
import org.junit.jupiter.api.Test;

/**
 * The native AdamW update against Algorithm 2 of Loshchilov &amp; Hutter 2019 (arXiv 1711.05101) computed
 * in double on the host from the same float32 state, and against the composed NDArray formulation the
 * trainer used before (m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), θ ← θ − η(m̂/(√v̂ + ε) + λθ)).
 */
class AdamWTest {

    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;
    private static final double WD = 0.1;
    private static final double LR = 1e-2;

    @Test
    void nativeUpdateMatchesAlgorithm2AndTheComposedFormulation() {
        try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
            Linear block = Linear.builder().setUnits(5).build();
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 7));
            List<NDArray> params = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                params.add(p.getValue().getArray());
            }
            Random r = new Random(12);
            // moments of a run in progress: m of either sign, v ≥ 0 (some exactly 0: a parameter never
            // seen with a gradient, where ε alone keeps the step finite)
            Map<String, float[]> ms = new LinkedHashMap<>();
            Map<String, float[]> vs = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                int n = Math.toIntExact(p.getValue().getArray().size());
                float[] m = new float[n];
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    m[i] = (float) (0.01 * r.nextGaussian());
                    v[i] = i % 4 == 0 ? 0f : (float) (1e-4 * r.nextDouble());
                }
                ms.put(p.getKey(), m);
                vs.put(p.getKey(), v);
            }
            for (long t0 : new long[] {0, 9}) { // the first update (largest bias correction) and the tenth
                float[][] theta = new float[params.size()][];
                float[][] grad = new float[params.size()][];
                List<NDArray> grads = new ArrayList<>();
                for (int k = 0; k < params.size(); k++) {
                    theta[k] = params.get(k).toFloatArray();
                    grad[k] = new float[theta[k].length];
                    for (int i = 0; i < grad[k].length; i++) {
                        grad[k][i] = (float) (0.05 * r.nextGaussian());
                    }
                    grads.add(manager.create(grad[k], params.get(k).getShape()));
                }
                float[][] nativeTheta;
                float[][] nativeM;
                float[][] nativeV;
                try (AdamW adam = new AdamW(block, manager, B1, B2, EPS, WD)) {
                    adam.restore(ms, vs, t0, "test");
                    adam.update(grads, LR);
                    assertThat(adam.updates()).isEqualTo(t0 + 1);
                    nativeTheta = host(params);
                    nativeM = host(adam.state().get("adam.m"), block);
                    nativeV = host(adam.state().get("adam.v"), block);
                }
                // the composed formulation on the same start state
                for (int k = 0; k < params.size(); k++) {
                    org.diffusion4j.djl.nn.Weights.assign(params.get(k), theta[k]);
                }
                float[][] composed = composedUpdate(manager, params, grads, ms, vs, block, t0 + 1);
                long t = t0 + 1;
                double c1 = 1 - Math.pow(B1, t);
                double c2 = 1 - Math.pow(B2, t);
                double lrCorrected = LR * Math.sqrt(c2) / c1;
                double epsCorrected = EPS * Math.sqrt(c2);
                int k = 0;
                for (Pair<String, Parameter> p : block.getParameters()) {
                    float[] m = ms.get(p.getKey());
                    float[] v = vs.get(p.getKey());
                    for (int i = 0; i < theta[k].length; i++) {
                        double g = grad[k][i];
                        double mRef = B1 * m[i] + (1 - B1) * g;
                        double vRef = B2 * v[i] + (1 - B2) * g * g;
                        double decay = LR * WD * theta[k][i];
                        double u = LR * (mRef / c1) / (Math.sqrt(vRef / c2) + EPS);
                        double thetaRef = theta[k][i] - decay - u;
                        // The native call takes β₁, β₂ as float32 and forms 1 − β in float32: that subtraction
                        // is exact (Sterbenz), but fl(β) = β(1 + δ), |δ| ≤ u, shifts both terms of each moment by
                        // u·β·(|moment| + |g| or g²): relative to (1 − β₂)g² that is u·β₂/(1 − β₂) ≈ 1000 u, the
                        // one term here that is not a few roundings.
                        // m: β₁·m, (1 − β₁)·g and their sum (3 roundings): γ₃ of the terms, plus the β₁ term
                        double mErr = gamma32(3) * (B1 * Math.abs(m[i]) + (1 - B1) * Math.abs(g))
                                + U32 * B1 * (Math.abs(m[i]) + Math.abs(g));
                        // v: g·g, the two products and the sum (4 roundings) of non-negative terms: γ₄ of v,
                        // plus the β₂ term
                        double vErr = gamma32(4) * vRef + U32 * B2 * (v[i] + g * g);
                        // θ: u's chain (η', ε' rounded to float32, √, +, ·, ÷: 6 roundings) carries v's
                        // relative error halved by the square root and m's absolute error scaled by
                        // η'/(√v + ε'); the decay term η·λ·θ has 3 roundings; the two subtractions γ₂ of
                        // the magnitudes involved
                        double denom = Math.sqrt(vRef) + epsCorrected;
                        double thetaErr = Math.abs(u) * (gamma32(6) + vErr / vRef / 2)
                                + lrCorrected * mErr / denom
                                + gamma32(3) * Math.abs(decay)
                                + gamma32(2) * (Math.abs(theta[k][i]) + Math.abs(decay) + Math.abs(u));
                        // safety 2: second-order terms and √'s own half-ulp (ErrorBound's convention)
                        assertThat(Math.abs(nativeM[k][i] - mRef))
                                .as("m " + p.getKey() + "[" + i + "]")
                                .isLessThanOrEqualTo(2 * mErr);
                        assertThat(Math.abs(nativeV[k][i] - vRef))
                                .as("v " + p.getKey() + "[" + i + "]")
                                .isLessThanOrEqualTo(2 * vErr);
                        assertThat(Math.abs(nativeTheta[k][i] - thetaRef))
                                .as("θ " + p.getKey() + "[" + i + "] at t = " + t)
                                .isLessThanOrEqualTo(2 * thetaErr);
                        // the composed formulation satisfies the same kind of bound (its chain is no longer),
                        // so the two differ by at most the sum of both: 2 × (2 · thetaErr)
                        assertThat((double) Math.abs(nativeTheta[k][i] - composed[k][i]))
                                .as("native vs composed θ " + p.getKey() + "[" + i + "] at t = " + t)
                                .isLessThanOrEqualTo(4 * thetaErr);
                    }
                    k++;
                }
                // the update is not a no-op: θ moved by about η per element on average (|m̂/(√v̂ + ε)| is of
                // order 1 for these moments; at most 1/√(1 − β₂) ≈ 32)
                double moved = 0;
                for (int i = 0; i < theta[0].length; i++) {
                    moved += Math.abs(nativeTheta[0][i] - theta[0][i]) / theta[0].length;
                }
                assertThat(moved).isGreaterThan(LR / 10);
            }
        }
    }

    /** The trainer's update before the native call, verbatim in NDArray operations. */
    private static float[][] composedUpdate(
            NDManager manager,
            List<NDArray> params,
            List<NDArray> grads,
            Map<String, float[]> ms,
            Map<String, float[]> vs,
            Linear block,
            long t) {
        double c1 = 1 - Math.pow(B1, t);
        double c2 = 1 - Math.pow(B2, t);
        int k = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray theta = params.get(k);
            NDArray g = grads.get(k);
            NDArray mi = manager.create(ms.get(p.getKey()), theta.getShape());
            NDArray vi = manager.create(vs.get(p.getKey()), theta.getShape());
            mi.muli((float) B1).addi(g.mul((float) (1 - B1)));
            vi.muli((float) B2).addi(g.square().muli((float) (1 - B2)));
            NDArray step = mi.div((float) c1).divi(vi.div((float) c2).sqrt().addi((float) EPS));
            step.addi(theta.mul((float) WD));
            theta.subi(step.muli((float) LR));
            k++;
        }
        return host(params);
    }

    private static float[][] host(List<NDArray> arrays) {
        float[][] out = new float[arrays.size()][];
        for (int k = 0; k < out.length; k++) {
            out[k] = arrays.get(k).toFloatArray();
        }
        return out;
    }

    private static float[][] host(Map<String, float[]> byName, Linear block) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            out.add(byName.get(p.getKey()));
        }
        return out.toArray(new float[0][]);
    }
}
