package org.diffusion4j.noise.torch;

/**
 * The Box–Muller step of PyTorch's portable CPU normal kernel ({@code normal_fill_16<float>}), used
 * under the {@code DEFAULT} ATen CPU capability (no AVX2, {@code ATEN_CPU_CAPABILITY=default}) and on
 * CPUs without an AVX2 kernel such as aarch64. For a block of 16 uniforms and each lane {@code j < 8}:
 * <pre>
 *   u1 = 1 − d[j]                       (float)
 *   r  = sqrtf(−2 · logf(u1))           (float)
 *   θ  = (float) (2π · (double) d[j+8]) (product in double, rounded once)
 *   d[j] = r · cos θ,  d[j+8] = r · sin θ  with cos, sin from one sincosf(θ)
 * </pre>
 * {@code logf} and {@code sincosf} are the C library's; this reproduces glibc's ({@link GlibcLogf},
 * {@link GlibcSincosf}). Another C library (macOS, Windows) may round differently.
 */
final class LibmBoxMuller {
    private static final double TWO_PI = 2.0 * Math.PI;

    private LibmBoxMuller() {}

    /** Replaces the 16 uniforms at {@code d[off..off+16)} by 16 standard normals. */
    static void transform16(float[] d, int off) {
        float[] sincos = new float[2];
        for (int j = 0; j < 8; j++) {
            float u1 = 1.0f - d[off + j];
            float u2 = d[off + j + 8];
            float radius = (float) Math.sqrt(-2.0f * GlibcLogf.logf(u1));
            float theta = (float) (TWO_PI * u2);
            GlibcSincosf.sincosf(theta, sincos);
            // r · cos θ · std + mean with std = 1, mean = 0 (the + 0 turns −0 into +0)
            d[off + j] = radius * sincos[1] + 0.0f;
            d[off + j + 8] = radius * sincos[0] + 0.0f;
        }
    }
}
