package org.diffusion4j.noise.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The reproduced float functions against the correctly rounded results (from double-precision
 * {@link StrictMath} rounded to float): glibc's are within 0.82 ulp (logf) and 0.56 ulp (sincosf), so
 * never more than one ulp from the correctly rounded value; the Cephes polynomials of the AVX2 kernel
 * within a few ulps. Inputs: every uniform the kernels can see, k · 2^-24, with a stride.
 */
class LibmFunctionsTest {

    private static float ulpsApart(float a, float b) {
        return Math.abs(a - b) / Math.ulp(b);
    }

    @Test
    void glibcLogfIsWithinOneUlpAndSometimesNotCorrectlyRounded() {
        int notRounded = 0;
        float worst = 0;
        for (int k = 0; k < (1 << 24); k += 7) {
            float u1 = 1.0f - k * 0x1p-24f;
            float exact = (float) StrictMath.log(u1);
            float f = GlibcLogf.logf(u1);
            worst = Math.max(worst, ulpsApart(f, exact));
            notRounded += f != exact ? 1 : 0;
        }
        // glibc's logf is within 1 ulp of log (glibc libm-test-ulps), the reference (float) StrictMath.log within
        // ½ ulp: two floats < 1.5 ulp apart are at most 1 ulp apart. Pure-Java float/double code and StrictMath
        // are deterministic, so this holds on every CPU.
        assertThat(worst).isLessThanOrEqualTo(1f);
        assertThat(notRounded)
                .as("why the function must be reproduced, not replaced by StrictMath")
                .isPositive();
    }

    @Test
    void glibcLogfSpecialValues() {
        assertThat(GlibcLogf.logf(1f)).isEqualTo(0f);
        assertThat(GlibcLogf.logf(0f)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(GlibcLogf.logf(-0f)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(GlibcLogf.logf(-1f)).isNaN();
        assertThat(GlibcLogf.logf(Float.NaN)).isNaN();
        assertThat(GlibcLogf.logf(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(GlibcLogf.logf(Float.MIN_VALUE)).isEqualTo((float) StrictMath.log(Float.MIN_VALUE));
        assertThat(GlibcLogf.logf((float) Math.E)).isEqualTo(0.99999994f); // (float) e is below e
        assertThat(GlibcLogf.logf(2f)).isEqualTo((float) Math.log(2));
    }

    @Test
    void glibcSincosfIsWithinOneUlp() {
        float[] sc = new float[2];
        float worst = 0;
        for (int k = 0; k < (1 << 24); k += 7) {
            float theta = (float) (2 * Math.PI * (k * 0x1p-24f));
            GlibcSincosf.sincosf(theta, sc);
            double s = StrictMath.sin(theta);
            double c = StrictMath.cos(theta);
            worst = Math.max(worst, Math.max(ulpsApart(sc[0], (float) s), ulpsApart(sc[1], (float) c)));
        }
        assertThat(worst).isLessThanOrEqualTo(1f); // glibc sincosf ≤ 1 ulp, reference ½ ulp: as for logf above
        GlibcSincosf.sincosf(1e-5f, sc);
        assertThat(sc).containsExactly(1e-5f, 1f);
        GlibcSincosf.sincosf(-2f, sc);
        assertThat(sc[0]).isEqualTo((float) StrictMath.sin(-2f));
        assertThatThrownBy(() -> GlibcSincosf.sincosf(200f, new float[2])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void avx2PolynomialsAreWithinAFewUlps() {
        float worstLog = 0;
        float worstTrig = 0;
        float[] sc = new float[2];
        for (int k = 0; k < (1 << 24); k += 7) {
            float u = k * 0x1p-24f;
            float u1 = 1.0f - u;
            if (u1 != 1f) {
                worstLog = Math.max(worstLog, ulpsApart(Avx2BoxMuller.log(u1), (float) StrictMath.log(u1)));
            }
            float theta = u * Avx2BoxMuller.TWO_PI;
            // absolute error against the magnitude 1 of sine and cosine (relative error near zeros is large)
            Avx2BoxMuller.sincos(theta, sc);
            worstTrig = Math.max(worstTrig, (float) Math.abs(sc[0] - StrictMath.sin(theta)) / Math.ulp(1f));
            worstTrig = Math.max(worstTrig, (float) Math.abs(sc[1] - StrictMath.cos(theta)) / Math.ulp(1f));
        }
        // the accuracy of the Cephes polynomials (avx_mathfun's log256_ps, sincos256_ps) is the property under
        // test, not a rounding tolerance: kernelsAgreeToRounding uses these figures (4 ulps, 2 ulp(1)) in its bound
        assertThat(worstLog).isLessThanOrEqualTo(4f);
        assertThat(worstTrig).isLessThanOrEqualTo(2f);
        assertThat(Avx2BoxMuller.log(0f)).isNaN();
        assertThat(Avx2BoxMuller.log(1f)).isEqualTo(0f);
    }
}
