/* x87 transcendental instructions over a table of operands including the edge cases (zeros,
 * infinities, NaNs, denormals, pseudo-denormals, unnormals, |x| >= 2^63 where FSIN/FCOS/FPTAN/
 * FSINCOS leave the operand and set C2, multiples of pi): FSIN FCOS FSINCOS FPTAN FPATAN F2XM1
 * FYL2X FYL2XP1, under the four rounding modes. Each line: operands, result bits, status word.
 * Then libm's x87-based functions (sinl, expl, atan2l, log2l, powl) on the same values.
 */
#include <math.h>

#include "fpu_guest.h"

static const x80 EXTRA[] = {
    {0x8000000000000000ull, 0x403e},   /* 2^63: just out of range */
    {0xffffffffffffffffull, 0x403d},   /* 2^63 - 1: in range */
    {0x8ac7230489e80000ull, 0x4040},   /* 1e19 */
    {0xc90fdaa22168c235ull, 0x4001},   /* 2 pi */
    {0xc90fdaa22168c234ull, 0x3fff},   /* pi/2 rounded down */
    {0xc90fdaa22168c235ull, 0x3ffe},   /* pi/4 */
    {0xffffffffffffffffull, 0x3ffe},   /* 1 - ulp */
    {0x8000000000000000ull, 0x3fbf},   /* 2^-64 */
    {0x8000000000000000ull, 0xbfff},   /* -1 */
    {0xa000000000000000ull, 0x4002},   /* 10 */
    {0xc000000000000000ull, 0xbffe},   /* -0.75 */
};
#define EXTRA_N ((int)(sizeof EXTRA / sizeof EXTRA[0]))

static const x80 *operand(int k) { return k < X80_N ? &X80_TABLE[k] : &EXTRA[k - X80_N]; }
#define ALL_N (X80_N + EXTRA_N)

/* Unary: ST(0) := f(ST(0)); 2-result forms store ST(0) and ST(1). */
#define UN(name, insn)                                                                            \
    static void name(const x80 *a, uint16_t cw, x80 *r, uint16_t *sw)                            \
    {                                                                                             \
        __asm__ volatile("fninit\n\tfldcw %3\n\tfldz\n\tfldt (%0)\n\t" insn "\n\tfnstsw (%2)\n\t"  \
                         "fstpt (%1)\n\tfstpt 16(%1)\n\tfninit"                                    \
                         :                                                                        \
                         : "r"(a), "r"(r), "r"(sw), "m"(cw)                                       \
                         : "memory");                                                             \
    }
UN(f_sin, "fsin")
UN(f_cos, "fcos")
UN(f_sincos, "fsincos\n\tfxch %%st(2)\n\tfstp %%st(0)")
UN(f_ptan, "fptan\n\tfxch %%st(2)\n\tfstp %%st(0)")
UN(f_2xm1, "f2xm1")

/* Binary: ST(1) := f(ST(1), ST(0)), pop. ST(0) = a, ST(1) = b. */
#define BI(name, insn)                                                                            \
    static void name(const x80 *a, const x80 *b, uint16_t cw, x80 *r, uint16_t *sw)              \
    {                                                                                             \
        __asm__ volatile("fninit\n\tfldcw %4\n\tfldt (%1)\n\tfldt (%0)\n\t" insn "\n\t"          \
                         "fnstsw (%3)\n\tfstpt (%2)\n\tfninit"                                    \
                         :                                                                        \
                         : "r"(a), "r"(b), "r"(r), "r"(sw), "m"(cw)                               \
                         : "memory");                                                             \
    }
BI(f_patan, "fpatan")
BI(f_yl2x, "fyl2x")
BI(f_yl2xp1, "fyl2xp1")

int main(void)
{
    static const uint16_t cws[] = {0x037f, 0x077f, 0x0b7f, 0x0f7f, 0x007f};
    static const struct {
        const char *name;
        void (*fn)(const x80 *, uint16_t, x80 *, uint16_t *);
    } un[] = {{"fsin", f_sin}, {"fcos", f_cos}, {"fsincos", f_sincos}, {"fptan", f_ptan}, {"f2xm1", f_2xm1}};
    for (unsigned o = 0; o < sizeof un / sizeof un[0]; o++)
        for (unsigned c = 0; c < sizeof cws / 2; c++)
            for (int k = 0; k < ALL_N; k++) {
                x80 r[2];
                uint16_t sw;
                un[o].fn(operand(k), cws[c], r, &sw);
                printf("%s cw=%04x %s -> %s %s sw=%s%s\n", un[o].name, cws[c], x80s(operand(k)), x80s(&r[0]),
                       x80s(&r[1]), sws(sw), (sw & 0x400) ? " (C2: out of range)" : "");
            }
    static const struct {
        const char *name;
        void (*fn)(const x80 *, const x80 *, uint16_t, x80 *, uint16_t *);
    } bi[] = {{"fpatan", f_patan}, {"fyl2x", f_yl2x}, {"fyl2xp1", f_yl2xp1}};
    static const int sub[] = {0, 1, 2, 3, 5, 6, 9, 10, 11, 13, 14, 15, 16, 17, 18, 27, 28};
    for (unsigned o = 0; o < sizeof bi / sizeof bi[0]; o++)
        for (unsigned c = 0; c < 2; c++)
            for (unsigned i = 0; i < sizeof sub / sizeof sub[0]; i++)
                for (unsigned j = 0; j < sizeof sub / sizeof sub[0]; j++) {
                    x80 r;
                    uint16_t sw;
                    const x80 *a = operand(sub[i]), *b = operand(sub[j]);
                    bi[o].fn(a, b, cws[c], &r, &sw);
                    printf("%s cw=%04x %s %s -> %s sw=%s\n", bi[o].name, cws[c], x80s(a), x80s(b), x80s(&r), sws(sw));
                }
    /* libm (i386 libm computes these on the x87). */
    static const long double xs[] = {0.0L, -0.0L, 0.5L, 1.0L, -2.5L, 3.14159265358979323846L, 1e19L, 1e-300L,
                                     100.0L, -1e-4940L};
    for (unsigned k = 0; k < sizeof xs / sizeof xs[0]; k++) {
        long double x = xs[k];
        printf("libm x=%La: sinl %La cosl %La tanl %La expl %La logl %La atan2l %La log2l %La powl %La\n", x,
               sinl(x), cosl(x), tanl(x), expl(x), logl(fabsl(x)), atan2l(x, 0.75L), log2l(fabsl(x)),
               powl(fabsl(x), 1.5L));
        double d = (double)x;
        printf("libm d=%a: sin %a exp %a log1p %a cbrt %a hypot %a\n", d, sin(d), exp(d), log1p(fabs(d)), cbrt(d),
               hypot(d, 3.0));
    }
    return 0;
}
