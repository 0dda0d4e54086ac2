package org.diffusion4j.noise.torch;

/**
 * The 32-bit Mersenne Twister MT19937 (Matsumoto &amp; Nishimura 1998) as PyTorch's CPU generator runs it.
 *
 * <ul>
 *   <li><b>Seeding.</b> PyTorch passes the full 64-bit seed to the engine, which keeps it only for
 *   {@code initial_seed()} and initialises the state from its low 32 bits:
 *   {@code s[0] = seed mod 2^32}, {@code s[j] = 1812433253 · (s[j−1] ⊕ (s[j−1] ≫ 30)) + j (mod 2^32)}
 *   for {@code j = 1..623} (the 2002 {@code init_genrand}). Seeds equal modulo 2^32 therefore give the
 *   same stream.</li>
 *   <li><b>Regeneration</b> of all 624 words at once, {@code s[k] = s[k+397] ⊕ twist(s[k], s[k+1])} with
 *   {@code twist(u, v) = ((u & 0x80000000 | v & 0x7fffffff) ≫ 1) ⊕ (v odd ? 0x9908b0df : 0)}, the
 *   indices taken modulo 624.</li>
 *   <li><b>Tempering</b> of each output word: {@code y ^= y≫11; y ^= (y≪7) & 0x9d2c5680;
 *   y ^= (y≪15) & 0xefc60000; y ^= y≫18}.</li>
 * </ul>
 * Outputs are unsigned 32-bit values carried in an {@code int}. Not thread-safe.
 */
final class Mt19937 {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    private int next;

    /** An engine seeded with the low 32 bits of {@code seed}. */
    Mt19937(long seed) {
        state[0] = (int) seed;
        for (int j = 1; j < N; j++) {
            int prev = state[j - 1];
            state[j] = 1812433253 * (prev ^ (prev >>> 30)) + j;
        }
        next = N;
    }

    private Mt19937(Mt19937 other) {
        System.arraycopy(other.state, 0, state, 0, N);
        next = other.next;
    }

    /** An independent engine in the same state. */
    Mt19937 copy() {
        return new Mt19937(this);
    }

    /** The next tempered 32-bit output (unsigned, in an int). */
    int nextInt() {
        if (next == N) {
            regenerate();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    private void regenerate() {
        int[] s = state;
        int k = 0;
        for (; k < N - M; k++) {
            s[k] = s[k + M] ^ twist(s[k], s[k + 1]);
        }
        for (; k < N - 1; k++) {
            s[k] = s[k + M - N] ^ twist(s[k], s[k + 1]);
        }
        s[N - 1] = s[M - 1] ^ twist(s[N - 1], s[0]);
        next = 0;
    }

    private static int twist(int u, int v) {
        int mixed = (u & UPPER_MASK) | (v & LOWER_MASK);
        return (mixed >>> 1) ^ ((v & 1) != 0 ? MATRIX_A : 0);
    }
}
