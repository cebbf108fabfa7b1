/* x87 state images: FNSTENV/FLDENV, FNSAVE/FRSTOR (32-bit protected-mode layouts, SDM Vol.1
 * Figures 8-9 and 8-10) and FXSAVE/FXRSTOR (SDM Vol.1 Table 10-2), printed byte for byte except:
 *  - FCS and FDS (the code/data selectors: 0x23/0x2b on a 64-bit kernel, 0x73/0x7b under gate386,
 *    which presents a 32-bit kernel's segments), shown as "ss";
 *  - in FXSAVE without a pending exception, FOP/FIP/FDP (AMD parts store zeros there, Intel
 *    parts and gate386 the values) and MXCSR_MASK (model-specific), shown as "..".
 * Operands live in static memory so FDP is deterministic; FIP is compared with the address of a
 * label on the instruction.
 */
#include "fpu_guest.h"

/* Referenced by name from the asm below. */
#define USED __attribute__((used))
USED static double g_a = 1.5, g_b = 3.0, g_zero = 0.0;
USED static long double g_ld = 2.0L;
USED static uint8_t env[28], save[108];
USED static uint8_t xmm_init[16] __attribute__((aligned(16))) = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
USED static x80 st0_out;
USED static uint8_t fx[512] __attribute__((aligned(16))), fx2[512] __attribute__((aligned(16)));
extern char lbl_faddp[], lbl_fdiv[];

static void dump(const char *what, const uint8_t *p, int n, const int *mask_sel, const int *mask_dots)
{
    printf("%s:", what);
    for (int i = 0; i < n; i++) {
        int sel = 0, dots = 0;
        for (const int *m = mask_sel; m && *m >= 0; m += 2)
            if (i >= m[0] && i < m[0] + m[1]) sel = 1;
        for (const int *m = mask_dots; m && *m >= 0; m += 2)
            if (i >= m[0] && i < m[0] + m[1]) dots = 1;
        if (i % 16 == 0) printf("\n  %3d:", i);
        if (sel) printf(" ss");
        else if (dots) printf(" ..");
        else printf(" %02x", p[i]);
    }
    printf("\n");
}

static const int ENV_SEL[] = {16, 2, 24, 2, -1};
static const int FX_SEL[] = {12, 2, 20, 2, -1};
static const int FX_NOERR[] = {6, 2, 8, 4, 16, 4, 28, 4, -1};
static const int FX_ERR[] = {28, 4, -1};

static void env_after_ops(void)
{
    uint32_t fip;
    __asm__ volatile("fninit\n\tfldl g_a\n\tfldl g_b\n"
                     ".globl lbl_faddp\nlbl_faddp:\n\tfaddp\n\tfnstenv env\n\tfldenv env\n\tfninit"
                     ::: "memory");
    memcpy(&fip, env + 12, 4);
    printf("fnstenv after faddp: FIP %s the faddp, FDP %s g_b\n", fip == (uint32_t)(uintptr_t)lbl_faddp ? "is" : "is not",
           *(uint32_t *)(env + 20) == (uint32_t)(uintptr_t)&g_b ? "is" : "is not");
    dump("env", env, 28, ENV_SEL, NULL);
    /* FNSTENV masks every exception afterwards; FLDENV brings the old control word back. */
    uint16_t cw1, cw2;
    __asm__ volatile("fninit\n\tfldcw %2\n\tfnstenv env\n\tfnstcw %0\n\tfldenv env\n\tfnstcw %1\n\tfninit"
                     : "=m"(cw1), "=m"(cw2)
                     : "m"(*(const uint16_t[]){0x0b72})
                     : "memory");
    printf("cw after fnstenv %04x, after fldenv %04x\n", cw1, cw2);
}

/* Tags are recomputed from the contents: valid, zero, special (NaN, inf, denormal, unnormal). */
static void tags(void)
{
    static const x80 vals[] = {{0x8000000000000000ull, 0x3fff}, {0, 0},
                               {0xc000000000000000ull, 0x7fff}, {1, 0},
                               {0x4000000000000000ull, 0x3fff}, {0x8000000000000000ull, 0xffff},
                               {0x8000000000000000ull, 0}};
    __asm__ volatile("fninit\n\tfldt 0(%0)\n\tfldt 16(%0)\n\tfldt 32(%0)\n\tfldt 48(%0)\n\tfldt 64(%0)\n\t"
                     "fldt 80(%0)\n\tfldt 96(%0)\n\tffree %%st(2)\n\tfnstenv env\n\tfnsave save\n\tfninit"
                     :
                     : "r"(vals)
                     : "memory");
    dump("tags env", env, 28, ENV_SEL, NULL);
    dump("fnsave", save, 108, ENV_SEL, NULL);
    /* FLDENV honours only "empty" in the tag word: mark ST(0) empty and examine it. */
    uint16_t sw[3];
    __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tfnstenv env\n\tmovw $0xfffe, env+8\n\tfldenv env\n\tfxam\n\t"
                     "fnstsw 0(%0)\n\tfincstp\n\tfxam\n\tfnstsw 2(%0)\n\tfnstenv env\n\tfninit"
                     :
                     : "r"(sw)
                     : "memory");
    printf("after fldenv with a modified tag word: fxam %s, then %s\n", sws(sw[0]), sws(sw[1]));
    dump("env", env, 28, ENV_SEL, NULL);
    /* FRSTOR puts the registers back in stack order. */
    x80 r[3];
    __asm__ volatile("fninit\n\tfldl g_a\n\tfldt g_ld\n\tfldz\n\tfnsave save\n\tfld1\n\tfrstor save\n\t"
                     "fstpt 0(%0)\n\tfstpt 16(%0)\n\tfstpt 32(%0)\n\tfninit"
                     :
                     : "r"(r)
                     : "memory");
    printf("after frstor: %s %s %s\n", x80s(&r[0]), x80s(&r[1]), x80s(&r[2]));
}

__attribute__((target("sse2"))) static void fxsave_images(void)
{
    memset(fx, 0xa5, sizeof fx);
    __asm__ volatile("fninit\n\tfldl g_a\n\tfldl g_b\n\tfsqrt\n\tfldz\n\tffree %%st(1)\n\t"
                     "movups xmm_init, %%xmm1\n\txorps %%xmm0, %%xmm0\n\txorps %%xmm2, %%xmm2\n\txorps %%xmm3, %%xmm3\n\t"
                     "xorps %%xmm4, %%xmm4\n\txorps %%xmm5, %%xmm5\n\txorps %%xmm6, %%xmm6\n\t"
                     "pcmpeqd %%xmm7, %%xmm7\n\tfxsave fx\n\tfninit"
                     ::: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7");
    dump("fxsave (no pending exception)", fx, 512, FX_SEL, FX_NOERR);
    /* With an unmasked exception pending every part stores the pointers. */
    memset(fx, 0x5a, sizeof fx);
    __asm__ volatile("fninit\n\tfldcw %0\n\tfldl g_a\n"
                     ".globl lbl_fdiv\nlbl_fdiv:\n\tfdivl g_zero\n\tfxsave fx\n\tfnclex\n\tfninit"
                     :
                     : "m"(*(const uint16_t[]){0x037b})
                     : "memory");
    uint32_t fip, fdp;
    memcpy(&fip, fx + 8, 4);
    memcpy(&fdp, fx + 16, 4);
    printf("fxsave with ZE pending: FIP %s the fdiv, FDP %s g_zero\n",
           fip == (uint32_t)(uintptr_t)lbl_fdiv ? "is" : "is not", fdp == (uint32_t)(uintptr_t)&g_zero ? "is" : "is not");
    dump("fxsave (pending exception)", fx, 512, FX_SEL, FX_ERR);
    /* FXRSTOR of a modified image: TOP, tags (abridged), registers, MXCSR, XMM. */
    memcpy(fx2, fx, sizeof fx);
    fx2[4] = 0x81;                      /* R0 and R7 in use */
    *(uint32_t *)(fx2 + 24) = 0x7fc0;   /* round toward zero, DAZ */
    memset(fx2 + 176, 0x11, 16);        /* XMM1 */
    uint16_t sw;
    uint32_t csr;
    uint8_t x1[16];
    __asm__ volatile("fxrstor fx2\n\tfnstsw %0\n\tfnclex\n\tfstpt st0_out\n\tstmxcsr %1\n\tmovups %%xmm1, %2\n\t"
                     "fnstenv env\n\tfninit\n\tldmxcsr %3"
                     : "=m"(sw), "=m"(csr), "=m"(x1)
                     : "m"(*(const uint32_t[]){0x1f80})
                     : "memory", "xmm1");
    printf("after fxrstor: sw %s st0 %s mxcsr %08x xmm1 %02x%02x\n", sws(sw), x80s(&st0_out), csr, x1[0], x1[15]);
    dump("env after fxrstor", env, 28, ENV_SEL, NULL);
}

int main(void)
{
    env_after_ops();
    tags();
    fxsave_images();
    return 0;
}
