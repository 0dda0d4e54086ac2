#!/usr/bin/env python3
"""Writes noise-torch's GlibcDoubleTables.java from glibc's own source files.

The double-precision log, sin and cos of glibc (2.28 and later) use tables of constants: __log_data
(sysdeps/ieee754/dbl-64/e_log_data.c: ln2hi, ln2lo, the polynomials poly and poly1, and 128 pairs
invc, logc) and __sincostab (sysdeps/ieee754/dbl-64/sincostab.c: sin and cos of k/128, k < 110, each as
a double-double). The reproduction must use glibc's exact values (some table entries are not the
correctly rounded ones), so they are read from glibc's files rather than recomputed:

    git clone <glibc> && git -C glibc checkout glibc-2.36
    /usr/bin/python3 tools/torch-noise/glibc_double_tables.py glibc/sysdeps/ieee754/dbl-64 \
        noise-torch/src/main/java/org/diffusion4j/noise/torch/GlibcDoubleTables.java
"""
import os
import re
import sys

HEX_FLOAT = r"-?0x[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?p[+-]?\d+"


def log_data(path):
    src = open(path).read()
    ln2hi = re.search(r"\.ln2hi\s*=\s*(" + HEX_FLOAT + ")", src).group(1)
    ln2lo = re.search(r"\.ln2lo\s*=\s*(" + HEX_FLOAT + ")", src).group(1)

    def block(name):
        body = re.search(r"\." + name + r"\s*=\s*\{(.*?)\n\}", src, re.S).group(1)
        body = re.sub(r"//[^\n]*", "", body)
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        return body

    poly = re.findall(HEX_FLOAT, block("poly"))
    poly1 = re.findall(HEX_FLOAT, block("poly1"))
    tab = block("tab")
    tab = tab[:tab.index("#endif")]
    pairs = re.findall(r"\{(" + HEX_FLOAT + r"),\s*(" + HEX_FLOAT + r")\}", tab)
    assert len(poly) == 5 and len(poly1) == 11 and len(pairs) == 128, (len(poly), len(poly1), len(pairs))
    return ln2hi, ln2lo, poly, poly1, pairs


def sincostab(path):
    src = open(path).read()
    big = src[src.index("#ifdef BIG_ENDI"):src.index("#else")]
    words = re.findall(r"0x([0-9A-Fa-f]{8}),\s*0x([0-9A-Fa-f]{8})", big)
    assert len(words) == 440, len(words)
    return ["0x%s%sL" % (hi.upper(), lo.upper()) for hi, lo in words]


def java_hex(v):
    # Java hex float literals need a mantissa with a point or none; glibc's are valid Java as they are
    return v


def main():
    src_dir, out = sys.argv[1], sys.argv[2]
    ln2hi, ln2lo, poly, poly1, pairs = log_data(os.path.join(src_dir, "e_log_data.c"))
    tab = sincostab(os.path.join(src_dir, "sincostab.c"))
    lines = [
        "package org.diffusion4j.noise.torch;",
        "",
        "/**",
        " * glibc's tables for the double-precision log, sin and cos, generated from glibc 2.36's",
        " * {@code sysdeps/ieee754/dbl-64/e_log_data.c} and {@code sincostab.c} by",
        " * {@code tools/torch-noise/glibc_double_tables.py}; do not edit.",
        " */",
        "final class GlibcDoubleTables {",
        "    private GlibcDoubleTables() {",
        "    }",
        "",
        "    /** {@code __log_data.ln2hi}, {@code ln2lo}. */",
        "    static final double LN2HI = %s;" % java_hex(ln2hi),
        "    static final double LN2LO = %s;" % java_hex(ln2lo),
        "",
        "    /** {@code __log_data.poly}: log1p(r) - r for |r| < 1/256. */",
        "    static final double[] LOG_POLY = {%s};" % ", ".join(poly),
        "",
        "    /** {@code __log_data.poly1}: log1p(r) near 1. */",
        "    static final double[] LOG_POLY1 = {",
    ]
    for i in range(0, len(poly1), 4):
        lines.append("        " + ", ".join(poly1[i:i + 4]) + ",")
    lines += ["    };", "", "    /** {@code __log_data.tab[i].invc}. */", "    static final double[] LOG_INVC = {"]
    for i in range(0, 128, 4):
        lines.append("        " + ", ".join(p[0] for p in pairs[i:i + 4]) + ",")
    lines += ["    };", "", "    /** {@code __log_data.tab[i].logc}. */", "    static final double[] LOG_LOGC = {"]
    for i in range(0, 128, 4):
        lines.append("        " + ", ".join(p[1] for p in pairs[i:i + 4]) + ",")
    lines += ["    };", "",
              "    /** {@code __sincostab} as bit patterns: sin(k/128) hi, lo, cos(k/128) hi, lo for k = 0..109. */",
              "    static final long[] SINCOS_BITS = {"]
    for i in range(0, 440, 4):
        lines.append("        " + ", ".join(tab[i:i + 4]) + ",")
    lines += ["    };", "}", ""]
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines))
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
