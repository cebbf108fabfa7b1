/* Shared helpers for the gate386 benchmark programs.
 * Integer only: these programs must not need x87/SSE (the emulator does not model them yet),
 * so nothing here may touch float/double. Everything is deterministic from fixed seeds so the
 * printed checksum is identical native, under qemu-i386 and under gate386. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Numerical Recipes 32-bit LCG; the high bits are the useful ones. */
static inline uint32_t lcg_next(uint32_t *s) {
    *s = *s * 1664525u + 1013904223u;
    return *s;
}

/* A better-mixed 32-bit value from the LCG (xorshift of the state). */
static inline uint32_t lcg_rand(uint32_t *s) {
    uint32_t x = lcg_next(s);
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    return x;
}

static inline uint32_t fnv1a_step(uint32_t h, uint32_t byte) {
    return (h ^ byte) * 16777619u;
}

static inline uint32_t fnv1a_u32(uint32_t h, uint32_t v) {
    h = fnv1a_step(h, v & 0xff);
    h = fnv1a_step(h, (v >> 8) & 0xff);
    h = fnv1a_step(h, (v >> 16) & 0xff);
    return fnv1a_step(h, v >> 24);
}

__attribute__((unused)) static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(2);
    }
    return p;
}

/* Deterministic "English-like" text: a fixed vocabulary of pseudo-random words drawn with a
 * skewed (roughly Zipf-like) distribution, grouped into lines. Compresses to roughly a third,
 * which gives LZ-style compressors realistic work. Fills exactly n bytes. */
__attribute__((unused)) static void gen_text(unsigned char *out, size_t n, uint32_t seed) {
    enum { kWords = 4096, kMaxLen = 12 };
    static char vocab[kWords][kMaxLen + 1];
    static unsigned char vlen[kWords];
    uint32_t s = seed;
    for (int i = 0; i < kWords; i++) {
        int len = 2 + (int)(lcg_rand(&s) % 9u);
        for (int j = 0; j < len; j++) vocab[i][j] = (char)('a' + lcg_rand(&s) % 26u);
        vocab[i][len] = 0;
        vlen[i] = (unsigned char)len;
    }
    size_t pos = 0;
    int on_line = 0;
    while (pos < n) {
        uint32_t r1 = lcg_rand(&s) % kWords, r2 = lcg_rand(&s) % kWords;
        uint32_t w = (r1 * r2) / kWords; /* product skews towards small indices */
        for (int j = 0; j < vlen[w] && pos < n; j++) out[pos++] = (unsigned char)vocab[w][j];
        if (pos < n) out[pos++] = (++on_line >= 12) ? '\n' : ' ';
        if (on_line >= 12) on_line = 0;
    }
}

#endif
