package org.diffusion4j.io;

/** The element types the tensor files support: IEEE 754 binary32 and binary64, little-endian on disk. */
public enum DType {
    /** 32-bit float: NumPy {@code <f4}, safetensors {@code F32}. */
    F32(4, "<f4", "F32"),
    /** 64-bit float: NumPy {@code <f8}, safetensors {@code F64}. */
    F64(8, "<f8", "F64");

    private final int byteSize;
    private final String npyDescr;
    private final String safetensorsName;

    DType(int byteSize, String npyDescr, String safetensorsName) {
        this.byteSize = byteSize;
        this.npyDescr = npyDescr;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The NumPy {@code descr} string, little-endian. */
    public String npyDescr() {
        return npyDescr;
    }

    /** The safetensors {@code dtype} name. */
    public String safetensorsName() {
        return safetensorsName;
    }
}
