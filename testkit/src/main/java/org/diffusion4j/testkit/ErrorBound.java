package org.diffusion4j.testkit;

/**
 * Floating-point error bounds from which test tolerances are derived, so that a tolerance is a
 * bound that holds on every CPU rather than a value observed on one.
 *
 * <p>The model is the standard one (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>,
 * 2nd ed., §2.2): every basic operation returns {@code op(a, b)(1 + δ)} with |δ| ≤ u, u = 2^-24 in
 * float32 and 2^-53 in double. From it:
 * <ul>
 *   <li>an n-term sum or dot product computed in <em>any</em> order (left to right, pairwise, blocked
 *       SIMD lanes, with or without fused multiply-add) has absolute error at most
 *       γ_n · Σ|a_i b_i| with γ_n = n u / (1 − n u) (Higham Lemma 3.1 and eq. 3.5). This is why
 *       these bounds hold whichever kernel PyTorch or ONNX Runtime picks on a given CPU: kernels
 *       differ in summation order and FMA use, and the bound covers all of them;</li>
 *   <li>a chain of k multiplications/divisions has relative error at most γ_k;</li>
 *   <li>two implementations that each satisfy a bound B of the exact value differ by at most 2B.</li>
 * </ul>
 * A test writes its tolerance as {@code bound × safety}, with the bound's terms (magnitude, growth)
 * named beside it. The safety factor covers lower-order terms the derivation drops (products of two
 * δs, and the 1 ulp of library functions such as exp, log and sqrt), not an observed discrepancy.
 */
public final class ErrorBound {
    /** float32 unit roundoff, 2^-24 ≈ 5.96e-8. */
    public static final double U32 = 0x1p-24;
    /** float16 unit roundoff, 2^-11 ≈ 4.88e-4. */
    public static final double U16 = 0x1p-11;
    /** double unit roundoff, 2^-53 ≈ 1.11e-16. */
    public static final double U64 = 0x1p-53;

    private ErrorBound() {}

    /**
     * γ_n = n u / (1 − n u): the relative error bound of n rounded operations in sequence, and of an
     * n-term sum or dot product relative to Σ|terms| in any summation order.
     *
     * @throws IllegalArgumentException when n u ≥ 1 (the bound no longer exists)
     */
    public static double gamma(int n, double u) {
        if (n < 0 || n * u >= 1) {
            throw new IllegalArgumentException("gamma(" + n + ", " + u + "): n u must lie in [0, 1)");
        }
        return n * u / (1 - n * u);
    }

    /** γ_n in float32: {@code gamma(n, U32)}. */
    public static double gamma32(int n) {
        return gamma(n, U32);
    }

    /** γ_n in double: {@code gamma(n, U64)}. */
    public static double gamma64(int n) {
        return gamma(n, U64);
    }

    /**
     * The float32 bound u · magnitude · growth · safety: for a result of size {@code magnitude}
     * produced by an operation whose rounding errors are amplified by at most {@code growth}
     * (n for an n-term reduction, a condition number, a step count), with a stated safety factor.
     */
    public static double float32(double magnitude, double growth, double safety) {
        return U32 * magnitude * growth * safety;
    }

    /** The double-precision analogue of {@link #float32}. */
    public static double float64(double magnitude, double growth, double safety) {
        return U64 * magnitude * growth * safety;
    }
}
