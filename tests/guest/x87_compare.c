/* x87 comparisons and classification: FCOM FCOMP FCOMPP FUCOM FUCOMP FUCOMPP (register and
 * memory), FICOM, FCOMI FCOMIP FUCOMI FUCOMIP (EFLAGS), FTST, FXAM (every class, and empty
 * registers), FCMOVcc, and the same with IE unmasked (condition codes set, no pop).
 */
#include "fpu_guest.h"

static void cmp_pair(const x80 *a, const x80 *b, uint16_t cw)
{
    uint16_t sw[8];
    uint8_t fl[8];
    __asm__ volatile("fninit\n\tfldcw %4\n\tfldt (%1)\n\tfldt (%0)\n\t"
                     "fcom %%st(1)\n\tfnstsw 0(%2)\n\tfnclex\n\t"
                     "fucom %%st(1)\n\tfnstsw 2(%2)\n\tfnclex\n\t"
                     "fcomi %%st(1), %%st\n\tsetz 0(%3)\n\tsetp 1(%3)\n\tsetc 2(%3)\n\tfnstsw 4(%2)\n\tfnclex\n\t"
                     "fucomi %%st(1), %%st\n\tsetz 3(%3)\n\tsetp 4(%3)\n\tsetc 5(%3)\n\tfnstsw 6(%2)\n\tfnclex\n\t"
                     "ftst\n\tfnstsw 8(%2)\n\tfnclex\n\t"
                     "fucompp\n\tfnstsw 10(%2)\n\tfninit"
                     :
                     : "r"(a), "r"(b), "r"(sw), "r"(fl), "m"(cw)
                     : "memory", "cc");
    printf("cw=%04x %s vs %s: fcom %s fucom %s fcomi %s zpc=%d%d%d fucomi %s zpc=%d%d%d ftst %s fucompp %s\n", cw,
           x80s(a), x80s(b), sws(sw[0]), sws(sw[1]), sws(sw[2]), fl[0], fl[1], fl[2], sws(sw[3]), fl[3], fl[4],
           fl[5], sws(sw[4]), sws(sw[5]));
}

static void cmp_mem(const x80 *a, float f, double d, int16_t i16, int32_t i32)
{
    uint16_t sw[5];
    volatile float vf = f;
    volatile double vd = d;
    volatile int16_t v16 = i16;
    volatile int32_t v32 = i32;
    __asm__ volatile("fninit\n\tfldt (%0)\n\tfcoms %2\n\tfnstsw 0(%1)\n\tfcoml %3\n\tfnstsw 2(%1)\n\t"
                     "ficoms %4\n\tfnstsw 4(%1)\n\tficompl %5\n\tfnstsw 6(%1)\n\tfninit"
                     :
                     : "r"(a), "r"(sw), "m"(vf), "m"(vd), "m"(v16), "m"(v32)
                     : "memory");
    printf("%s vs %a %a %d %d: %s %s %s %s\n", x80s(a), f, d, i16, i32, sws(sw[0]), sws(sw[1]), sws(sw[2]),
           sws(sw[3]));
}

static void examine(const x80 *a)
{
    uint16_t sw[4];
    __asm__ volatile("fninit\n\tfldt (%0)\n\tfxam\n\tfnstsw 0(%1)\n\tffree %%st(0)\n\tfxam\n\tfnstsw 2(%1)\n\t"
                     "fdecstp\n\tfxam\n\tfnstsw 4(%1)\n\tfninit\n\tfxam\n\tfnstsw 6(%1)\n\tfninit"
                     :
                     : "r"(a), "r"(sw)
                     : "memory");
    printf("fxam %s: %s empty(stale) %s empty %s after init %s\n", x80s(a), sws(sw[0]), sws(sw[1]), sws(sw[2]),
           sws(sw[3]));
}

/* FCMOVcc after FUCOMI of a and b: which of 10 (ST(1)) or a (ST(0)) each condition leaves. */
static void fcmov(const x80 *a, const x80 *b)
{
    x80 r[8];
    __asm__ volatile("fninit\n\tfld1\n\tfldt (%1)\n\tfldt (%0)\n\tfucomip %%st(1), %%st\n\tfstp %%st(0)\n\t"
                     "fldz\n\t"
                     "fld %%st(0)\n\tfcmovb %%st(2), %%st\n\tfstpt 0(%2)\n\t"
                     "fld %%st(0)\n\tfcmovnb %%st(2), %%st\n\tfstpt 16(%2)\n\t"
                     "fld %%st(0)\n\tfcmove %%st(2), %%st\n\tfstpt 32(%2)\n\t"
                     "fld %%st(0)\n\tfcmovne %%st(2), %%st\n\tfstpt 48(%2)\n\t"
                     "fld %%st(0)\n\tfcmovbe %%st(2), %%st\n\tfstpt 64(%2)\n\t"
                     "fld %%st(0)\n\tfcmovnbe %%st(2), %%st\n\tfstpt 80(%2)\n\t"
                     "fld %%st(0)\n\tfcmovu %%st(2), %%st\n\tfstpt 96(%2)\n\t"
                     "fld %%st(0)\n\tfcmovnu %%st(2), %%st\n\tfstpt 112(%2)\n\tfninit"
                     :
                     : "r"(a), "r"(b), "r"(r)
                     : "memory", "cc");
    printf("fcmov %s %s:", x80s(a), x80s(b));
    for (int k = 0; k < 8; k++) printf(" %c", r[k].se == 0 ? '0' : '1');
    printf("\n");
}

int main(void)
{
    static const int sub[] = {0, 1, 2, 3, 5, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 20};
    int n = (int)(sizeof sub / sizeof sub[0]);
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                cmp_pair(&X80_TABLE[sub[i]], &X80_TABLE[sub[j]], c ? 0x037e : 0x037f);
    static const float fs[] = {0.0f, -1.0f, 1.0f / 3.0f, 1e30f, __builtin_inff(), __builtin_nanf("")};
    static const double ds[] = {0.0, 1.0, -2.5, 1e300, -__builtin_inf(), __builtin_nan("")};
    static const int16_t i16s[] = {0, 1, -1, 32767, -32768, 3};
    static const int32_t i32s[] = {0, 1, -1, 2147483647, -2147483647 - 1, 20000};
    for (int i = 0; i < X80_N; i++)
        for (int k = 0; k < 6; k++) cmp_mem(&X80_TABLE[i], fs[k], ds[k], i16s[k], i32s[k]);
    for (int i = 0; i < X80_N; i++) examine(&X80_TABLE[i]);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) fcmov(&X80_TABLE[sub[i]], &X80_TABLE[sub[j]]);
    return 0;
}
