package org.diffusion4j.noise.torch;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Which of PyTorch's CPU normal kernels to reproduce for draws of 16 or more float32 values. PyTorch
 * picks one at run time by the ATen CPU capability; smaller draws use the same scalar sampler under
 * every capability.
 */
public enum TorchCpuKernel {
    /**
     * The AVX2 kernel (avx_mathfun polynomials with fused multiply–adds). PyTorch uses it on every
     * x86-64 CPU with AVX2, including AVX-512 CPUs, since the normal kernel has no AVX-512 variant.
     * This is what {@code torch.randn} gives on a typical Linux or Windows x86 machine, and the default.
     */
    AVX2 {
        @Override
        void transform16(float[] d, int off) {
            Avx2BoxMuller.transform16(d, off);
        }
    },

    /**
     * The portable kernel (C library {@code logf} and {@code sincosf}, reproduced as glibc computes
     * them). PyTorch uses it where no AVX2 kernel runs: x86-64 CPUs without AVX2, the environment
     * setting {@code ATEN_CPU_CAPABILITY=default}, and Linux on aarch64. On macOS or Windows, whose C
     * libraries round differently, the results may differ in the last bit.
     */
    DEFAULT {
        @Override
        void transform16(float[] d, int off) {
            LibmBoxMuller.transform16(d, off);
        }
    };

    /** The lower-case name used in JSON configuration. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kernel named {@code id} (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    @JsonCreator
    public static TorchCpuKernel fromId(String id) {
        for (TorchCpuKernel k : values()) {
            if (k.id().equalsIgnoreCase(id.trim())) {
                return k;
            }
        }
        StringBuilder known = new StringBuilder();
        for (TorchCpuKernel k : values()) {
            known.append(known.length() == 0 ? "" : ", ").append(k.id());
        }
        throw new IllegalArgumentException("unknown torch CPU kernel '" + id + "'; known kernels: " + known);
    }

    /** Replaces the 16 uniforms at {@code d[off..off+16)} by 16 normals. */
    abstract void transform16(float[] d, int off);
}
