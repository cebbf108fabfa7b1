/* SSE/SSE2 floating point: ADD SUB MUL DIV SQRT MIN MAX (PS SS PD SD), RCP/RSQRT, CMPxx with all
 * predicates, (U)COMISS/(U)COMISD, every CVT form, the logic ops, shuffles and moves, under every
 * MXCSR rounding mode with and without FTZ/DAZ. Each line prints result bits and the MXCSR flags.
 * Then double arithmetic compiled for SSE2 (-mfpmath=sse through a target attribute) and printed
 * by glibc, and the C library's fenv view of MXCSR.
 */
#include <fenv.h>
#include <math.h>

#include "fpu_guest.h"

#define SSE __attribute__((target("sse2")))

typedef struct {
    uint32_t w[4];
} __attribute__((aligned(16))) v128;

static const uint32_t FLOATS[] = {0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3eaaaaab, 0x7f7fffff,
                                  0x00800000, 0x00000001, 0x807fffff, 0x7f800000, 0xff800000, 0x7fc00000,
                                  0x7fa00000, 0x4b800001, 0x4f000000, 0xcf000001, 0x00400000, 0x40490fdb};
#define NF ((int)(sizeof FLOATS / 4))
static const uint64_t DOUBLES[] = {0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
                                   0x3fd5555555555555ull, 0x7fefffffffffffffull, 0x0010000000000000ull,
                                   0x0000000000000001ull, 0x800fffffffffffffull, 0x7ff0000000000000ull,
                                   0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
                                   0x41e0000000000000ull, 0xc1e0000000200000ull, 0x36a0000000000000ull,
                                   0x47efffffe0000000ull};
#define ND ((int)(sizeof DOUBLES / 8))
static const uint32_t CSRS[] = {0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80, 0x1fc0, 0x9fc0};

/* One instruction "op src, dst" with dst = a, src = b, under MXCSR csr; returns dst and MXCSR. */
#define OP(name, insn)                                                                            \
    SSE static void name(const v128 *a, const v128 *b, uint32_t csr, v128 *r, uint32_t *out)     \
    {                                                                                             \
        __asm__ volatile("ldmxcsr %3\n\tmovaps (%0), %%xmm0\n\t" insn " (%1), %%xmm0\n\t"          \
                         "movaps %%xmm0, (%2)\n\tstmxcsr (%4)\n\tldmxcsr %5"                      \
                         :                                                                        \
                         : "r"(a), "r"(b), "r"(r), "m"(csr), "r"(out), "m"(*(const uint32_t[]){0x1f80}) \
                         : "memory", "xmm0");                                                     \
    }
OP(addps_, "addps") OP(addss_, "addss") OP(addpd_, "addpd") OP(addsd_, "addsd")
OP(subps_, "subps") OP(subss_, "subss") OP(subpd_, "subpd") OP(subsd_, "subsd")
OP(mulps_, "mulps") OP(mulss_, "mulss") OP(mulpd_, "mulpd") OP(mulsd_, "mulsd")
OP(divps_, "divps") OP(divss_, "divss") OP(divpd_, "divpd") OP(divsd_, "divsd")
OP(sqrtps_, "sqrtps") OP(sqrtss_, "sqrtss") OP(sqrtpd_, "sqrtpd") OP(sqrtsd_, "sqrtsd")
OP(minps_, "minps") OP(minss_, "minss") OP(minpd_, "minpd") OP(minsd_, "minsd")
OP(maxps_, "maxps") OP(maxss_, "maxss") OP(maxpd_, "maxpd") OP(maxsd_, "maxsd")
OP(rcpps_, "rcpps") OP(rsqrtss_, "rsqrtss")
OP(cmpltps_, "cmpltps") OP(cmpunordss_, "cmpunordss") OP(cmpnlepd_, "cmpnlepd") OP(cmpeqsd_, "cmpeqsd")
OP(cmpneqps_, "cmpneqps") OP(cmpordpd_, "cmpordpd") OP(cmpnltss_, "cmpnltss") OP(cmplesd_, "cmplesd")
OP(cvtps2pd_, "cvtps2pd") OP(cvtpd2ps_, "cvtpd2ps") OP(cvtdq2ps_, "cvtdq2ps") OP(cvtps2dq_, "cvtps2dq")
OP(cvttps2dq_, "cvttps2dq") OP(cvtdq2pd_, "cvtdq2pd") OP(cvtpd2dq_, "cvtpd2dq") OP(cvttpd2dq_, "cvttpd2dq")
OP(cvtss2sd_, "cvtss2sd") OP(cvtsd2ss_, "cvtsd2ss")
OP(andps_, "andps") OP(andnpd_, "andnpd") OP(orps_, "orps") OP(xorpd_, "xorpd")
OP(unpcklps_, "unpcklps") OP(unpckhpd_, "unpckhpd") OP(shufps_, "shufps $0x9c,") OP(shufpd_, "shufpd $1,")

typedef void (*op_fn)(const v128 *, const v128 *, uint32_t, v128 *, uint32_t *);
static const struct {
    const char *name;
    op_fn fn;
    int dbl;
} OPS[] = {
    {"addps", addps_, 0},       {"addss", addss_, 0},         {"addpd", addpd_, 1},       {"addsd", addsd_, 1},
    {"subps", subps_, 0},       {"subss", subss_, 0},         {"subpd", subpd_, 1},       {"subsd", subsd_, 1},
    {"mulps", mulps_, 0},       {"mulss", mulss_, 0},         {"mulpd", mulpd_, 1},       {"mulsd", mulsd_, 1},
    {"divps", divps_, 0},       {"divss", divss_, 0},         {"divpd", divpd_, 1},       {"divsd", divsd_, 1},
    {"sqrtps", sqrtps_, 0},     {"sqrtss", sqrtss_, 0},       {"sqrtpd", sqrtpd_, 1},     {"sqrtsd", sqrtsd_, 1},
    {"minps", minps_, 0},       {"minss", minss_, 0},         {"minpd", minpd_, 1},       {"minsd", minsd_, 1},
    {"maxps", maxps_, 0},       {"maxss", maxss_, 0},         {"maxpd", maxpd_, 1},       {"maxsd", maxsd_, 1},
    {"rcpps", rcpps_, 0},       {"rsqrtss", rsqrtss_, 0},     {"cmpltps", cmpltps_, 0},   {"cmpunordss", cmpunordss_, 0},
    {"cmpnlepd", cmpnlepd_, 1}, {"cmpeqsd", cmpeqsd_, 1},     {"cmpneqps", cmpneqps_, 0}, {"cmpordpd", cmpordpd_, 1},
    {"cmpnltss", cmpnltss_, 0}, {"cmplesd", cmplesd_, 1},     {"cvtps2pd", cvtps2pd_, 0}, {"cvtpd2ps", cvtpd2ps_, 1},
    {"cvtdq2ps", cvtdq2ps_, 0}, {"cvtps2dq", cvtps2dq_, 0},   {"cvttps2dq", cvttps2dq_, 0}, {"cvtdq2pd", cvtdq2pd_, 0},
    {"cvtpd2dq", cvtpd2dq_, 1}, {"cvttpd2dq", cvttpd2dq_, 1}, {"cvtss2sd", cvtss2sd_, 0}, {"cvtsd2ss", cvtsd2ss_, 1},
    {"andps", andps_, 0},       {"andnpd", andnpd_, 1},       {"orps", orps_, 0},         {"xorpd", xorpd_, 1},
    {"unpcklps", unpcklps_, 0}, {"unpckhpd", unpckhpd_, 1},   {"shufps", shufps_, 0},     {"shufpd", shufpd_, 1},
};

/* COMISS/UCOMISS/COMISD/UCOMISD and the scalar conversions to and from integers. */
SSE static void scalar_extras(uint32_t fa, uint32_t fb, uint64_t da, uint64_t db, uint32_t csr)
{
    static v128 in;
    in.w[0] = fa;
    in.w[1] = fb;
    in.w[2] = (uint32_t)da;
    in.w[3] = (uint32_t)(da >> 32);
    uint8_t fl[12];
    int32_t ints[4];
    uint32_t flags[2];
    uint64_t conv[2];
    static v128 dbl;
    dbl.w[0] = (uint32_t)db;
    dbl.w[1] = (uint32_t)(db >> 32);
    __asm__ volatile("ldmxcsr %4\n\tmovss 0(%0), %%xmm0\n\tmovss 4(%0), %%xmm1\n\tmovsd 8(%0), %%xmm2\n\t"
                     "movsd (%5), %%xmm3\n\t"
                     "comiss %%xmm1, %%xmm0\n\tsetz 0(%1)\n\tsetp 1(%1)\n\tsetc 2(%1)\n\t"
                     "ucomiss 4(%0), %%xmm0\n\tsetz 3(%1)\n\tsetp 4(%1)\n\tsetc 5(%1)\n\t"
                     "comisd %%xmm3, %%xmm2\n\tsetz 6(%1)\n\tsetp 7(%1)\n\tsetc 8(%1)\n\t"
                     "ucomisd (%5), %%xmm2\n\tsetz 9(%1)\n\tsetp 10(%1)\n\tsetc 11(%1)\n\t"
                     "stmxcsr 0(%3)\n\t"
                     "cvtss2si %%xmm0, %%eax\n\tmov %%eax, 0(%2)\n\tcvttss2si 4(%0), %%eax\n\tmov %%eax, 4(%2)\n\t"
                     "cvtsd2si %%xmm2, %%eax\n\tmov %%eax, 8(%2)\n\tcvttsd2si (%5), %%eax\n\tmov %%eax, 12(%2)\n\t"
                     "cvtsi2ss 12(%2), %%xmm4\n\tmovss %%xmm4, 0(%6)\n\tcvtsi2sdl 0(%2), %%xmm5\n\t"
                     "movsd %%xmm5, 8(%6)\n\tstmxcsr 4(%3)\n\tldmxcsr %7"
                     :
                     : "r"(&in), "r"(fl), "r"(ints), "r"(flags), "m"(csr), "r"(&dbl), "r"(conv),
                       "m"(*(const uint32_t[]){0x1f80})
                     : "memory", "cc", "eax", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5");
    printf("csr=%04x %08x %08x %016llx %016llx: comiss zpc=%d%d%d ucomiss %d%d%d comisd %d%d%d ucomisd %d%d%d "
           "flags %02x; cvt %08x %08x %08x %08x -> %016llx %016llx flags %02x\n",
           csr, fa, fb, (unsigned long long)da, (unsigned long long)db, fl[0], fl[1], fl[2], fl[3], fl[4], fl[5], fl[6],
           fl[7], fl[8], fl[9], fl[10], fl[11], flags[0] & 0x3f, (uint32_t)ints[0], (uint32_t)ints[1],
           (uint32_t)ints[2], (uint32_t)ints[3], (unsigned long long)conv[0], (unsigned long long)conv[1],
           flags[1] & 0x3f);
}

/* Double arithmetic the compiler emits as SSE2 code. */
__attribute__((target("sse2,fpmath=sse"), noinline)) static double sse_math(double x, double y)
{
    return (x * y + x / (y + 1.0)) - sqrt(fabs(x)) * (double)(float)y;
}

SSE static void c_level(void)
{
    static const int modes[] = {FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO};
    for (int m = 0; m < 4; m++) {
        fesetround(modes[m]);
        for (int i = 0; i < 6; i++) {
            double x, y;
            memcpy(&x, &DOUBLES[i], 8);
            memcpy(&y, &DOUBLES[(i * 5 + 3) % ND], 8);
            feclearexcept(FE_ALL_EXCEPT);
            double r = sse_math(x, y);
            uint32_t csr;
            __asm__ volatile("stmxcsr %0" : "=m"(csr));
            printf("mode %d: sse_math(%a, %a) = %a [%.17g] mxcsr=%04x fetestexcept=%x\n", m, x, y, r, r, csr,
                   fetestexcept(FE_ALL_EXCEPT));
        }
    }
    fesetround(FE_TONEAREST);
    feclearexcept(FE_ALL_EXCEPT);
}

int main(void)
{
    for (unsigned o = 0; o < sizeof OPS / sizeof OPS[0]; o++)
        for (unsigned c = 0; c < sizeof CSRS / 4; c++) {
            int n = OPS[o].dbl ? ND : NF;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j += 3) {
                    v128 a, b, r;
                    uint32_t out;
                    if (OPS[o].dbl) {
                        memcpy(&a.w[0], &DOUBLES[i], 8);
                        memcpy(&a.w[2], &DOUBLES[(i + 7) % ND], 8);
                        memcpy(&b.w[0], &DOUBLES[j], 8);
                        memcpy(&b.w[2], &DOUBLES[i], 8);
                    } else {
                        a.w[0] = FLOATS[i];
                        a.w[1] = FLOATS[j];
                        a.w[2] = FLOATS[(i + 5) % NF];
                        a.w[3] = 0x3f800000;
                        b.w[0] = FLOATS[j];
                        b.w[1] = FLOATS[i];
                        b.w[2] = FLOATS[(j + 3) % NF];
                        b.w[3] = FLOATS[i] ^ 0x80000000u;
                    }
                    OPS[o].fn(&a, &b, CSRS[c], &r, &out);
                    printf("%s csr=%04x %08x%08x%08x%08x %08x%08x%08x%08x -> %08x%08x%08x%08x flags %02x\n",
                           OPS[o].name, CSRS[c], a.w[3], a.w[2], a.w[1], a.w[0], b.w[3], b.w[2], b.w[1], b.w[0],
                           r.w[3], r.w[2], r.w[1], r.w[0], out & 0x3f);
                }
        }
    for (unsigned c = 0; c < sizeof CSRS / 4; c++)
        for (int i = 0; i < NF; i += 2)
            for (int j = 0; j < ND; j += 2)
                scalar_extras(FLOATS[i], FLOATS[(i + j) % NF], DOUBLES[j], DOUBLES[(i + 1) % ND], CSRS[c]);
    c_level();
    return 0;
}
