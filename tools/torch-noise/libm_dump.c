/* Writes the C library's logf(1 - u) and sincosf((float)(2*pi*u)) for every uniform u = k * 2^-24,
   k = 0 .. 2^24 - 1: every input the portable (DEFAULT) torch normal kernel can give these functions.
   For a one-off exhaustive comparison with diffusion4j-noise-torch's reproductions (see README.md).

       gcc -O1 -o libm_dump libm_dump.c -lm && ./libm_dump DIR
   writes DIR/logf.f32 (2^24 floats) and DIR/sincosf.f32 (2^24 pairs sin, cos), little-endian.  */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  char path_log[4096], path_sc[4096];
  snprintf(path_log, sizeof path_log, "%s/logf.f32", argv[1]);
  snprintf(path_sc, sizeof path_sc, "%s/sincosf.f32", argv[1]);
  FILE *fl = fopen(path_log, "wb"), *fs = fopen(path_sc, "wb");
  if (!fl || !fs) {
    perror("open");
    return 1;
  }
  for (uint32_t k = 0; k < (1u << 24); k++) {
    volatile float u = (float)k * 0x1p-24f; /* volatile: keep the calls from being folded */
    float l = logf(1.0f - u);
    float theta = (float)(2.0 * 3.14159265358979323846 * (double)u);
    float s, c;
    sincosf(theta, &s, &c);
    fwrite(&l, 4, 1, fl);
    fwrite(&s, 4, 1, fs);
    fwrite(&c, 4, 1, fs);
  }
  fclose(fl);
  fclose(fs);
  return 0;
}
