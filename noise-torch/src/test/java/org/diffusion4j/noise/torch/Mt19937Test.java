package org.diffusion4j.noise.torch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Mt19937Test {

    /** C++11 [rand.predef]: the 10000th output of a default-seeded (5489) std::mt19937 is 4123659995. */
    @Test
    void tenThousandthOutputOfSeed5489IsTheStandardsValue() {
        Mt19937 mt = new Mt19937(5489);
        int y = 0;
        for (int i = 0; i < 10000; i++) {
            y = mt.nextInt();
        }
        assertThat(Integer.toUnsignedLong(y)).isEqualTo(4123659995L);
    }

    /** The first outputs of init_genrand(5489) from Matsumoto and Nishimura's reference implementation. */
    @Test
    void firstOutputsOfSeed5489() {
        Mt19937 mt = new Mt19937(5489);
        assertThat(Integer.toUnsignedLong(mt.nextInt())).isEqualTo(3499211612L);
        assertThat(Integer.toUnsignedLong(mt.nextInt())).isEqualTo(581869302L);
        assertThat(Integer.toUnsignedLong(mt.nextInt())).isEqualTo(3890346734L);
    }

    @Test
    void onlyTheLow32BitsOfTheSeedMatter() {
        Mt19937 a = new Mt19937(5);
        Mt19937 b = new Mt19937((1L << 32) + 5);
        Mt19937 c = new Mt19937(6);
        boolean cDiffers = false;
        for (int i = 0; i < 2000; i++) {
            int x = a.nextInt();
            assertThat(b.nextInt()).isEqualTo(x);
            cDiffers |= c.nextInt() != x;
        }
        assertThat(cDiffers).isTrue();
    }

    @Test
    void copyContinuesIndependently() {
        Mt19937 a = new Mt19937(9);
        for (int i = 0; i < 700; i++) {
            a.nextInt();
        }
        Mt19937 b = a.copy();
        for (int i = 0; i < 1000; i++) {
            assertThat(b.nextInt()).isEqualTo(a.nextInt());
        }
    }
}
