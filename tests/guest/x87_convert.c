/* x87 loads, stores and conversions: FLD/FST/FSTP m32 m64 m80, FILD/FIST/FISTP m16 m32 m64,
 * FBLD/FBSTP, the constants FLDZ FLD1 FLDPI FLDL2E FLDL2T FLDLG2 FLDLN2 (rounded per the control
 * word), under every rounding mode and precision setting; then the C library's view: fesetround
 * with float/double/long double arithmetic and printf, fetestexcept after exceptional operations,
 * lrint/rint/nearbyint, strtold and printf round trips. (FISTTP is SSE3, which no modelled CPU
 * has: the unit tests cover it.)
 */
#include <fenv.h>
#include <math.h>

#include "fpu_guest.h"

/* Output buffer offsets: f32 0, f64 8, fist m16 16, fist m32 20, fistp m64 32, fbstp 48, status
 * words from 64. */
static void stores(const x80 *a, uint16_t cw)
{
    uint8_t o[80];
    memset(o, 0x5a, sizeof o);
    __asm__ volatile("fninit\n\tfldcw %2\n\tfldt (%0)\n\t"
                     "fsts 0(%1)\n\tfnstsw 64(%1)\n\tfstl 8(%1)\n\tfnstsw 66(%1)\n\t"
                     "fists 16(%1)\n\tfnstsw 68(%1)\n\tfistl 20(%1)\n\tfnstsw 70(%1)\n\t"
                     "fld %%st(0)\n\tfistpll 32(%1)\n\tfnstsw 72(%1)\n\t"
                     "fxam\n\tfnstsw 74(%1)\n\t"
                     "fbstp 48(%1)\n\tfnstsw 76(%1)\n\tfninit"
                     :
                     : "r"(a), "r"(o), "m"(cw)
                     : "memory");
    uint32_t fb;
    uint64_t db, q0;
    int16_t h0;
    int32_t w0;
    uint16_t sw[7];
    memcpy(&fb, o, 4);
    memcpy(&db, o + 8, 8);
    memcpy(&h0, o + 16, 2);
    memcpy(&w0, o + 20, 4);
    memcpy(&q0, o + 32, 8);
    memcpy(sw, o + 64, 14);
    printf("cw=%04x %s: f=%08x d=%016llx i16=%d i32=%d i64=%016llx bcd=", cw, x80s(a), fb, (unsigned long long)db,
           h0, w0, (unsigned long long)q0);
    for (int k = 9; k >= 0; k--) printf("%02x", o[48 + k]);
    printf(" sw=%s %s %s %s %s %s %s\n", sws(sw[0]), sws(sw[1]), sws(sw[2]), sws(sw[3]), sws(sw[4]), sws(sw[5]),
           sws(sw[6]));
}

static void loads(uint32_t fbits, uint64_t dbits, int64_t i, const uint8_t bcd[10])
{
    x80 r[6];
    uint16_t sw;
    volatile uint32_t vf = fbits;
    volatile uint64_t vd = dbits;
    volatile int64_t vi = i;
    volatile int16_t v16 = (int16_t)i;
    volatile int32_t v32 = (int32_t)i;
    __asm__ volatile("fninit\n\tflds %2\n\tfldl %3\n\tfildll %4\n\tfilds %5\n\tfildl %6\n\tfbld (%7)\n\t"
                     "fnstsw (%1)\n\tfstpt 80(%0)\n\tfstpt 64(%0)\n\tfstpt 48(%0)\n\tfstpt 32(%0)\n\t"
                     "fstpt 16(%0)\n\tfstpt 0(%0)\n\tfninit"
                     :
                     : "r"(r), "r"(&sw), "m"(vf), "m"(vd), "m"(vi), "m"(v16), "m"(v32), "r"(bcd)
                     : "memory");
    printf("load %08x %016llx %lld: %s %s %s %s %s bcd %s sw=%s\n", fbits, (unsigned long long)dbits,
           (long long)i, x80s(&r[0]), x80s(&r[1]), x80s(&r[2]), x80s(&r[3]), x80s(&r[4]), x80s(&r[5]), sws(sw));
}

static void constants(uint16_t cw)
{
    x80 r[7];
    __asm__ volatile("fninit\n\tfldcw %1\n\tfldz\n\tfld1\n\tfldpi\n\tfldl2e\n\tfldl2t\n\tfldlg2\n\tfldln2\n\t"
                     "fstpt 96(%0)\n\tfstpt 80(%0)\n\tfstpt 64(%0)\n\tfstpt 48(%0)\n\tfstpt 32(%0)\n\t"
                     "fstpt 16(%0)\n\tfstpt 0(%0)\n\tfninit"
                     :
                     : "r"(r), "m"(cw)
                     : "memory");
    printf("constants cw=%04x:", cw);
    for (int k = 0; k < 7; k++) printf(" %s", x80s(&r[k]));
    printf("\n");
}

static const char *excs(void)
{
    static char b[8];
    int e = fetestexcept(FE_ALL_EXCEPT);
    snprintf(b, sizeof b, "%c%c%c%c%c", e & FE_INVALID ? 'I' : '-', e & FE_DIVBYZERO ? 'Z' : '-',
             e & FE_OVERFLOW ? 'O' : '-', e & FE_UNDERFLOW ? 'U' : '-', e & FE_INEXACT ? 'P' : '-');
    return b;
}

static void c_library(void)
{
    static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
    static const char *names[] = {"nearest", "down", "up", "zero"};
    volatile double one = 1.0, three = 3.0, zero = 0.0, big = 1e308, tiny = 1e-308;
    volatile float fone = 1.0f, fseven = 7.0f;
    volatile long double lone = 1.0L, lthree = 3.0L;
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        feclearexcept(FE_ALL_EXCEPT);
        double d = one / three;
        float f = fone / fseven;
        long double l = lone / lthree;
        printf("%s: 1/3=%a %.17g 1/7f=%a %.9g 1/3L=%La %.21Lg rint(2.5)=%g lrint(-3.5)=%ld nearbyint(0.5)=%g "
               "exc=%s\n",
               names[m], d, d, (double)f, (double)f, l, l, rint(2.5), lrint(-3.5), nearbyint(0.5), excs());
        feclearexcept(FE_ALL_EXCEPT);
        volatile double r = big * big;
        printf("  overflow %a exc=%s", r, excs());
        feclearexcept(FE_ALL_EXCEPT);
        r = tiny * tiny;
        printf(" underflow %a exc=%s", r, excs());
        feclearexcept(FE_ALL_EXCEPT);
        r = one / zero;
        printf(" divide %a exc=%s", r, excs());
        feclearexcept(FE_ALL_EXCEPT);
        r = zero / zero;
        printf(" invalid %a exc=%s\n", r, excs());
        long double s = strtold("0.1000000000000000000013552527156068805425093160010874271392822265625", NULL);
        printf("  strtold %La printf %.30Lf %Le %Lg\n", s, s, s, s);
    }
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
    for (int c = 0; c < CW_N; c++)
        for (int i = 0; i < X80_N; i++) stores(&X80_TABLE[i], CW_TABLE[c]);
    /* extra store operands: halfway cases and integer/BCD range limits */
    static const x80 more[] = {
        {0xa000000000000000ull, 0x4000}, {0xe000000000000000ull, 0x4000}, {0xb000000000000000ull, 0xc001},
        {0x8000000000000000ull, 0x400e}, {0x8000000000000000ull, 0xc00e}, {0xffff000000000000ull, 0x400e},
        {0x8000000000000000ull, 0x401e}, {0xffffffffffffffffull, 0x401d}, {0xde0b6b3a763fffffull, 0x403b},
        {0xde0b6b3a76400000ull, 0x403d}, {0x8000000000000000ull, 0xc03e}, {0xc000000000000000ull, 0x3ffd}};
    for (int c = 0; c < 4; c++)
        for (unsigned i = 0; i < sizeof more / sizeof more[0]; i++) stores(&more[i], CW_TABLE[c]);
    static const uint8_t bcds[][10] = {
        {0}, {0x01}, {0x89, 0x67, 0x45, 0x23, 0x01, 0, 0, 0, 0, 0x80},
        {0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x00}, {0x1a, 0x2b, 0, 0, 0, 0, 0, 0, 0, 0},
        {0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff}};
    static const uint32_t fl[] = {0x00000000, 0x80000000, 0x3f800000, 0x7f7fffff, 0x00000001, 0x807fffff,
                                  0x7f800000, 0x7fc00000, 0x7fa00000};
    static const uint64_t dl[] = {0x0000000000000000ull, 0x3ff0000000000000ull, 0x7fefffffffffffffull,
                                  0x0000000000000001ull, 0xfff0000000000000ull, 0x7ff4000000000000ull};
    static const int64_t il[] = {0, -1, 32767, -32768, 2147483647, -9223372036854775807ll - 1};
    for (unsigned k = 0; k < sizeof fl / 4; k++)
        loads(fl[k], dl[k % 6], il[k % 6], bcds[k % 6]);
    for (int c = 0; c < CW_N; c++) constants(CW_TABLE[c]);
    c_library();
    return 0;
}
