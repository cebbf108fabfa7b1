/* Integer SIMD on MMX and XMM registers: every MMX instruction (wrapping and saturating add/sub,
 * compares, multiplies, PMADDWD, logic, packs, unpacks, shifts by register and immediate), the SSE
 * additions (PAVG PMIN PMAX PSADBW PMULHUW PSHUFW PEXTRW PINSRW PMOVMSKB MASKMOVQ MOVNTQ) and the
 * SSE2 128-bit forms plus PADDQ PSUBQ PMULUDQ PSHUFD PSHUFLW PSHUFHW PSLLDQ PSRLDQ PUNPCK*QDQ
 * MOVQ2DQ MOVDQ2Q MASKMOVDQU; then the MMX/x87 aliasing (TOP, tags, exponent bits) and EMMS.
 */
#include "fpu_guest.h"

#define SSE __attribute__((target("sse2")))

typedef struct {
    uint8_t b[16];
} __attribute__((aligned(16))) v128;

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint8_t next_byte(void)
{
    static const uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x40};
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    unsigned r = (unsigned)(rng >> 33);
    return (r & 3) == 0 ? edge[(r >> 2) & 7] : (uint8_t)(r >> 8);
}

/* xmm0 = a; op b(mem), xmm0 -> r; mm0 = low(a); op low(b)(mem), mm0 -> r+16. */
#define BOTH(name, insn)                                                                          \
    SSE static void name(const v128 *a, const v128 *b, v128 *r)                                   \
    {                                                                                             \
        __asm__ volatile("movdqa (%0), %%xmm0\n\t" insn " (%1), %%xmm0\n\tmovdqa %%xmm0, (%2)\n\t"  \
                         "movq (%0), %%mm0\n\t" insn " (%1), %%mm0\n\tmovq %%mm0, 16(%2)\n\temms"   \
                         :                                                                        \
                         : "r"(a), "r"(b), "r"(r)                                                 \
                         : "memory", "xmm0", "mm0");                                              \
    }
#define XONLY(name, insn)                                                                         \
    SSE static void name(const v128 *a, const v128 *b, v128 *r)                                   \
    {                                                                                             \
        __asm__ volatile("movdqa (%0), %%xmm0\n\t" insn " (%1), %%xmm0\n\tmovdqa %%xmm0, (%2)\n\t"  \
                         "movdqu (%1), %%xmm1\n\tmovdqa (%0), %%xmm2\n\t" insn " %%xmm1, %%xmm2\n\t"  \
                         "movdqu %%xmm2, 16(%2)"                                                  \
                         :                                                                        \
                         : "r"(a), "r"(b), "r"(r)                                                 \
                         : "memory", "xmm0", "xmm1", "xmm2");                                     \
    }
#define OPS_BOTH(X)                                                                               \
    X(paddb) X(paddw) X(paddd) X(paddq) X(paddsb) X(paddsw) X(paddusb) X(paddusw) X(psubb) X(psubw) \
    X(psubd) X(psubq) X(psubsb) X(psubsw) X(psubusb) X(psubusw) X(pcmpeqb) X(pcmpeqw) X(pcmpeqd)  \
    X(pcmpgtb) X(pcmpgtw) X(pcmpgtd) X(pmullw) X(pmulhw) X(pmulhuw) X(pmaddwd) X(pmuludq) X(pand) \
    X(pandn) X(por) X(pxor) X(pavgb) X(pavgw) X(pminub) X(pmaxub) X(pminsw) X(pmaxsw) X(psadbw)   \
    X(psllw) X(pslld) X(psllq) X(psrlw) X(psrld) X(psrlq) X(psraw) X(psrad) X(packsswb)           \
    X(packssdw) X(packuswb) X(punpckhbw) X(punpckhwd) X(punpckhdq)
#define DEF_BOTH(op) BOTH(f_##op, #op)
OPS_BOTH(DEF_BOTH)
/* PUNPCKL* with an MMX register reads 32 bits of memory: register forms only for MMX. */
#define OPS_X(X) X(punpcklbw) X(punpcklwd) X(punpckldq) X(punpcklqdq) X(punpckhqdq)
#define DEF_X(op) XONLY(x_##op, #op)
OPS_X(DEF_X)

static const struct {
    const char *name;
    void (*fn)(const v128 *, const v128 *, v128 *);
} OPS[] = {
#define ROW_B(op) {#op, f_##op},
#define ROW_X(op) {#op, x_##op},
    OPS_BOTH(ROW_B) OPS_X(ROW_X)
};

SSE static void immediates(const v128 *a, const v128 *b)
{
    v128 r[14];
    memset(r, 0, sizeof r);
    __asm__ volatile("movdqa (%0), %%xmm0\n\tpsllw $3, %%xmm0\n\tpsrad $31, %%xmm0\n\tmovdqa %%xmm0, 0(%2)\n\t"
                     "movdqa (%0), %%xmm0\n\tpsrlq $63, %%xmm0\n\tpslld $33, %%xmm0\n\tpsllq $7, %%xmm0\n\t"
                     "movdqa %%xmm0, 16(%2)\n\tmovdqa (%0), %%xmm0\n\tpslldq $5, %%xmm0\n\tmovdqa %%xmm0, 32(%2)\n\t"
                     "movdqa (%0), %%xmm0\n\tpsrldq $11, %%xmm0\n\tmovdqa %%xmm0, 48(%2)\n\t"
                     "pshufd $0x1b, (%1), %%xmm1\n\tmovdqa %%xmm1, 64(%2)\n\tpshuflw $0x39, (%1), %%xmm1\n\t"
                     "pshufhw $0xc6, %%xmm1, %%xmm1\n\tmovdqa %%xmm1, 80(%2)\n\t"
                     "movq (%0), %%mm1\n\tpsraw $5, %%mm1\n\tpsrlw $2, %%mm1\n\tpsllq $40, %%mm1\n\tpsrld $1, %%mm1\n\t"
                     "movq %%mm1, 96(%2)\n\tpshufw $0x8d, (%1), %%mm2\n\tmovq %%mm2, 104(%2)\n\t"
                     "pextrw $5, %%xmm1, %%eax\n\tmov %%eax, 112(%2)\n\tpextrw $2, %%mm2, %%eax\n\tmov %%eax, 116(%2)\n\t"
                     "pinsrw $6, 4(%1), %%xmm1\n\tmov (%0), %%eax\n\tpinsrw $1, %%eax, %%xmm1\n\tmovdqa %%xmm1, 128(%2)\n\t"
                     "pinsrw $3, %%eax, %%mm2\n\tmovq %%mm2, 144(%2)\n\tpmovmskb %%xmm1, %%eax\n\tmov %%eax, 152(%2)\n\t"
                     "pmovmskb %%mm2, %%eax\n\tmov %%eax, 156(%2)\n\t"
                     "movq (%0), %%mm3\n\tmovq2dq %%mm3, %%xmm3\n\tmovdqa %%xmm3, 160(%2)\n\tmovdq2q %%xmm1, %%mm4\n\t"
                     "movntq %%mm4, 176(%2)\n\tmovd %%mm4, %%eax\n\tmov %%eax, 184(%2)\n\tmovd 8(%0), %%mm5\n\t"
                     "movq %%mm5, 188(%2)\n\tmovd %%xmm1, 172(%2)\n\t"
                     "lea 192(%2), %%edi\n\tmovq (%0), %%mm6\n\tmovq (%1), %%mm7\n\tmaskmovq %%mm7, %%mm6\n\t"
                     "movdqa (%1), %%xmm6\n\tmovdqa (%0), %%xmm7\n\tmaskmovdqu %%xmm7, %%xmm6\n\temms"
                     :
                     : "r"(a), "r"(b), "r"(r)
                     : "memory", "eax", "edi", "xmm0", "xmm1", "xmm3", "xmm6", "xmm7", "mm1", "mm2", "mm3", "mm4",
                       "mm5", "mm6", "mm7");
    printf("imm/shuffle/moves:");
    for (int k = 0; k < 14 * 16; k++) printf("%s%02x", k % 16 ? "" : " ", ((uint8_t *)r)[k]);
    printf("\n");
}

/* MMX aliasing: after x87 pushes, an MMX write sets TOP=0, tags valid and the exponent to ones;
 * FNSAVE shows it; without EMMS the next push overflows; with EMMS it works. */
SSE static void aliasing(const v128 *a)
{
    uint8_t save[108], env[28];
    uint16_t sw[2];
    x80 r;
    __asm__ volatile("fninit\n\tfld1\n\tfldpi\n\tmovq (%0), %%mm3\n\tpaddb %%mm3, %%mm3\n\tmovq %%mm3, %%mm6\n\t"
                     "fnsave (%1)\n\tmovq (%0), %%mm1\n\tfld1\n\tfnstsw 0(%3)\n\tfnstenv (%2)\n\temms\n\tfldpi\n\t"
                     "fnstsw 2(%3)\n\tfstpt (%4)\n\tfninit"
                     :
                     : "r"(a), "r"(save), "r"(env), "r"(sw), "r"(&r)
                     : "memory", "mm1", "mm3", "mm6");
    printf("aliasing: sw after MMX then push %s, after EMMS %s, st0 %s\n", sws(sw[0]), sws(sw[1]), x80s(&r));
    printf("  fnsave:");
    for (int k = 0; k < 108; k++) {
        if (k == 12 || k == 16 || k == 20 || k == 24) { printf(" ........"); k += 3; continue; }
        printf("%s%02x", k % 4 ? "" : " ", save[k]);
    }
    printf("\n  fnstenv tags %02x%02x top %d\n", env[9], env[8], (env[5] >> 3) & 7);
}

int main(void)
{
    for (int t = 0; t < 200; t++) {
        v128 a, b;
        for (int k = 0; k < 16; k++) a.b[k] = next_byte();
        for (int k = 0; k < 16; k++) b.b[k] = next_byte();
        if (t % 8 == 0) memset(b.b, 0, 16), b.b[0] = (uint8_t)(t / 8);   /* shift counts */
        for (unsigned o = 0; o < sizeof OPS / sizeof OPS[0]; o++) {
            v128 r[2];
            memset(r, 0x5a, sizeof r);
            OPS[o].fn(&a, &b, r);
            printf("%s", OPS[o].name);
            for (int k = 0; k < 32; k++) printf("%s%02x", k % 16 ? "" : " ", r[k / 16].b[k % 16]);
            printf("\n");
        }
        if (t % 10 == 0) immediates(&a, &b);
        if (t % 50 == 0) aliasing(&a);
    }
    return 0;
}
