/* Shared helpers for the x87/MMX/SSE guest test programs (x87_*.c, mmx_*.c, sse_*.c).
 *
 * Values are printed as raw bits so that native and emulated runs compare exactly: an 80-bit
 * value as "SEEE:MMMMMMMMMMMMMMMM" (sign+exponent word, significand), floats and doubles as hex.
 * Each x87 helper starts from FNINIT and leaves the register stack empty with the default
 * control word, so the compiler's own x87 code around it is undisturbed.
 */
#ifndef GATE386_FPU_GUEST_H
#define GATE386_FPU_GUEST_H

#include "guest_util.h"

/* One 80-bit value in a 16-byte slot, so that arrays of them match "fstpt 16*k(%reg)". */
typedef struct {
    uint64_t m;
    uint16_t se;
    uint16_t pad[3];
} x80;

/* Operand table: every class of double-extended value. */
static const x80 X80_TABLE[] = {
    {0, 0x0000},                       /* +0 */
    {0, 0x8000},                       /* -0 */
    {0x8000000000000000ull, 0x3fff},   /* 1 */
    {0x8000000000000000ull, 0xbfff},   /* -1 */
    {0xc000000000000000ull, 0x4000},   /* 3 */
    {0xaaaaaaaaaaaaaaabull, 0x3ffd},   /* ~1/3 */
    {0xc90fdaa22168c235ull, 0x4000},   /* pi */
    {0xffffffffffffffffull, 0x403e},   /* 2^64 - 1 */
    {0x8000000000000001ull, 0x3fff},   /* 1 + ulp */
    {0xffffffffffffffffull, 0x7ffe},   /* largest finite */
    {0x8000000000000000ull, 0x0001},   /* smallest normal */
    {0x0000000000000001ull, 0x0000},   /* smallest denormal */
    {0x4000000000000000ull, 0x8000},   /* -denormal */
    {0x8000000000000000ull, 0x0000},   /* pseudo-denormal */
    {0x4000000000000000ull, 0x3fff},   /* unnormal */
    {0x8000000000000000ull, 0x7fff},   /* +inf */
    {0x8000000000000000ull, 0xffff},   /* -inf */
    {0xc000000000000000ull, 0x7fff},   /* QNaN */
    {0xa000000000000000ull, 0xffff},   /* SNaN */
    {0xc000000000000000ull, 0xffff},   /* indefinite */
    {0xde0b6b3a76400000ull, 0x403c},   /* 1e18 */
    {0x8000000000000000ull, 0x403f},   /* 2^64 */
    {0xfffffffffffff800ull, 0x3ffe},   /* just below 1, not a double */
    {0x8000000000000400ull, 0x3fff},   /* a double rounding tie */
    {0x9c40000000000000ull, 0x400d},   /* 20000 */
    {0xc350000000000000ull, 0xc00e},   /* -50000 */
    {0xb17217f7d1cf79acull, 0x3ffe},   /* ln 2 */
    {0x8000000000000000ull, 0x3ffe},   /* 0.5 */
    {0xc000000000000000ull, 0xbffe},   /* -0.75 */
};
#define X80_N ((int)(sizeof X80_TABLE / sizeof X80_TABLE[0]))

/* Control words: the four rounding modes at 64-bit precision, then 24- and 53-bit precision. */
static const uint16_t CW_TABLE[] = {0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x007f, 0x027f, 0x0e7f};
#define CW_N ((int)(sizeof CW_TABLE / sizeof CW_TABLE[0]))

static inline const char *x80s(const void *p)
{
    static char bufs[8][24];
    static unsigned next;
    char *b = bufs[next++ & 7];
    x80 v;
    memcpy(&v.m, p, 8);
    memcpy(&v.se, (const char *)p + 8, 2);
    snprintf(b, 24, "%04x:%016llx", v.se, (unsigned long long)v.m);
    return b;
}

/* Status word without TOP when TOP is not interesting, with it otherwise. */
static inline const char *sws(uint16_t sw)
{
    static char bufs[8][8];
    static unsigned next;
    char *b = bufs[next++ & 7];
    snprintf(b, 8, "%04x", sw);
    return b;
}

#endif
