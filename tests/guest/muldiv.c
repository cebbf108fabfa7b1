/* MUL / IMUL (one-operand 8/16/32, two-operand 16/32, three-operand with imm8 and imm16/32) and
 * DIV / IDIV 8/16/32 (register and memory operands).
 *
 * SDM Vol.2A MUL/IMUL: CF and OF defined; SF ZF AF PF undefined -> masked.  DIV/IDIV: all six
 * flags undefined -> not printed.  Cases whose quotient would not fit (#DE) are skipped here; the
 * faulting cases are separate programs (fault_div0, fault_idiv_overflow).
 * The one-operand forms write only AX (8-bit) or DX:AX (16-bit): the upper register halves are
 * seeded with 0xdead/0xbeef so a wide write shows.
 */
#include "guest_util.h"

#define MULDEF (F_CF | F_OF)

static const uint32_t V[] = {0,      1,          2,          3,          7,          0x7f,
                             0x80,   0xff,       0x100,      0x7fff,     0x8000,     0xffff,
                             0x10000, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0xfffffffe,
                             0x12345678, 0xdeadbeef, 0x0000cafe, 0xfffffff9};
#define NV (int)(sizeof V / sizeof V[0])

typedef void (*one_fn)(uint32_t *eax, uint32_t *edx, uint32_t b, uint32_t fin, uint32_t *fout);

#define ONE_R(name, insn, T, C)                                                                   \
    static void name(uint32_t *eax, uint32_t *edx, uint32_t b_, uint32_t fin, uint32_t *fout)     \
    {                                                                                             \
        T b = (T)b_;                                                                              \
        uint32_t a = *eax, d = *edx, fo;                                                          \
        __asm__ volatile(FLAGS_LOAD insn " %[b]" FLAGS_SAVE                                       \
                         : "+a"(a), "+d"(d), [fout] "=&r"(fo)                                     \
                         : [b] C(b), [fin] "r"(fin)                                               \
                         : "cc");                                                                 \
        *eax = a, *edx = d, *fout = fo;                                                           \
    }
#define ONE_M(name, insn, T)                                                                      \
    static void name(uint32_t *eax, uint32_t *edx, uint32_t b_, uint32_t fin, uint32_t *fout)     \
    {                                                                                             \
        volatile T m = (T)b_;                                                                     \
        uint32_t a = *eax, d = *edx, fo;                                                          \
        __asm__ volatile(FLAGS_LOAD insn " (%[p])" FLAGS_SAVE                                     \
                         : "+a"(a), "+d"(d), [fout] "=&r"(fo)                                     \
                         : [p] "r"(&m), [fin] "r"(fin)                                            \
                         : "cc", "memory");                                                       \
        *eax = a, *edx = d, *fout = fo;                                                           \
    }
#define GEN_ONE(op)                                                                               \
    ONE_R(op##b_r, #op "b", uint8_t, "q")                                                         \
    ONE_R(op##w_r, #op "w", uint16_t, "r")                                                        \
    ONE_R(op##l_r, #op "l", uint32_t, "r")                                                        \
    ONE_M(op##b_m, #op "b", uint8_t)                                                              \
    ONE_M(op##w_m, #op "w", uint16_t)                                                             \
    ONE_M(op##l_m, #op "l", uint32_t)
GEN_ONE(mul)
GEN_ONE(imul)
GEN_ONE(div)
GEN_ONE(idiv)

static const one_fn ONE_R_FN[4][3] = {{mulb_r, mulw_r, mull_r},
                                      {imulb_r, imulw_r, imull_r},
                                      {divb_r, divw_r, divl_r},
                                      {idivb_r, idivw_r, idivl_r}};
static const one_fn ONE_M_FN[4][3] = {{mulb_m, mulw_m, mull_m},
                                      {imulb_m, imulw_m, imull_m},
                                      {divb_m, divw_m, divl_m},
                                      {idivb_m, idivw_m, idivl_m}};
static const char *const ONE_NAME[4] = {"mul", "imul", "div", "idiv"};
static const char WCH[3] = {'b', 'w', 'l'};
static const uint32_t WMASK[3] = {0xff, 0xffff, 0xffffffff};
static const int WDIG[3] = {2, 4, 8};
static int g_bad;

/* Seeds EAX/EDX for a one-operand op of width w with operand a (the accumulator value). */
static void seed(int w, uint32_t a, uint32_t *eax, uint32_t *edx)
{
    if (w == 0) *eax = 0xdead4200u | (a & 0xff), *edx = 0xbeefbeef;
    else if (w == 1) *eax = 0xdead0000u | (a & 0xffff), *edx = 0xbeef1234;
    else *eax = a, *edx = 0x5a5a5a5a;
}

static void run_mul(int op, int w)
{
    printf("== %s%c one-operand (acc src: eax edx flags)\n", ONE_NAME[op], WCH[w]);
    int bad = 0, cases = 0;
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NV; j++) {
            uint32_t a = V[i] & WMASK[w], b = V[j] & WMASK[w];
            int dup = 0;
            for (int k = 0; k < i; k++) dup |= (V[k] & WMASK[w]) == a;
            for (int k = 0; k < j; k++) dup |= (V[k] & WMASK[w]) == b;
            if (dup) continue;
            uint32_t eax, edx, f, eax2, edx2, f2;
            seed(w, a, &eax, &edx);
            ONE_R_FN[op][w](&eax, &edx, b, FIN_SET, &f);
            printf("%s%c %0*x %0*x: %08x %08x %s\n", ONE_NAME[op], WCH[w], WDIG[w], a, WDIG[w], b,
                   eax, edx, fl(f, MULDEF));
            for (int k = 0; k < 2; k++) {
                seed(w, a, &eax, &edx);
                ONE_R_FN[op][w](&eax, &edx, b, k ? FIN_SET : FIN_CLEAR, &f);
                seed(w, a, &eax2, &edx2);
                ONE_M_FN[op][w](&eax2, &edx2, b, k ? FIN_SET : FIN_CLEAR, &f2);
                cases++;
                if (eax != eax2 || edx != edx2 || ((f ^ f2) & MULDEF)) {
                    if (bad++ < 4) printf("  MISMATCH mem form %x %x\n", a, b);
                    g_bad++;
                }
            }
        }
    printf("%s%c memory form: %d cases, %d mismatches\n", ONE_NAME[op], WCH[w], cases, bad);
}

/* Does dividing the double-width dividend (hi:lo) by d fit?  Mirrors the SDM #DE condition. */
static int div_ok(int op, int w, uint64_t dividend, uint32_t d)
{
    if (d == 0) return 0;
    if (op == 2) {
        uint64_t q = dividend / d;
        return q <= WMASK[w];
    }
    int bits = 8 << w;
    int64_t sd = (int64_t)(dividend << (64 - 2 * bits)) >> (64 - 2 * bits);
    int64_t sv = (int64_t)((uint64_t)d << (64 - bits)) >> (64 - bits);
    if (sd == INT64_MIN) return 0;
    int64_t q = sd / sv;
    int64_t lim = (int64_t)1 << (bits - 1);
    return q >= -lim && q <= lim - 1;
}

static void run_div(int op, int w)
{
    printf("== %s%c (dividend divisor: eax edx)\n", ONE_NAME[op], WCH[w]);
    static const uint32_t HI[] = {0, 1, 0x7f, 0x80, 0xffff, 0x7fffffff, 0xffffffff, 0xfffffffe};
    int bad = 0, cases = 0, skipped = 0;
    for (unsigned h = 0; h < sizeof HI / sizeof HI[0]; h++)
        for (int i = 0; i < NV; i++)
            for (int j = 0; j < NV; j++) {
                uint32_t d = V[j] & WMASK[w];
                int dup = 0;
                for (int k = 0; k < j; k++) dup |= (V[k] & WMASK[w]) == d;
                for (unsigned k = 0; k < h; k++) dup |= (HI[k] & WMASK[w]) == (HI[h] & WMASK[w]);
                for (int k = 0; k < i; k++) dup |= (V[k] & WMASK[w]) == (V[i] & WMASK[w]);
                if (dup) continue;
                uint32_t eax, edx;
                uint64_t dividend;
                if (w == 0) {
                    eax = 0xdead0000u | (HI[h] & 0xff) << 8 | (V[i] & 0xff);
                    edx = 0xbeefbeef;
                    dividend = eax & 0xffff;
                } else if (w == 1) {
                    eax = 0xdead0000u | (V[i] & 0xffff);
                    edx = 0xbeef0000u | (HI[h] & 0xffff);
                    dividend = (uint64_t)(edx & 0xffff) << 16 | (eax & 0xffff);
                } else {
                    eax = V[i];
                    edx = HI[h];
                    dividend = (uint64_t)edx << 32 | eax;
                }
                if (!div_ok(op, w, dividend, d)) {
                    skipped++;
                    continue;
                }
                uint32_t e1 = eax, d1 = edx, e2 = eax, d2 = edx, f;
                ONE_R_FN[op][w](&e1, &d1, d, FIN_CLEAR, &f);
                ONE_M_FN[op][w](&e2, &d2, d, FIN_SET, &f);
                printf("%s%c %0*llx %0*x: %08x %08x\n", ONE_NAME[op], WCH[w], 2 * WDIG[w],
                       (unsigned long long)dividend, WDIG[w], d, e1, d1);
                cases++;
                if (e1 != e2 || d1 != d2) {
                    if (bad++ < 4) printf("  MISMATCH mem form\n");
                    g_bad++;
                }
            }
    printf("%s%c: %d cases, %d skipped (#DE), %d memory-form mismatches\n", ONE_NAME[op], WCH[w],
           cases, skipped, bad);
}

/* ---- IMUL two- and three-operand ---- */
#define IMUL2(name, insn, T)                                                                      \
    static uint32_t name##_r(uint32_t a_, uint32_t b_, uint32_t *fout)                            \
    {                                                                                             \
        T a = (T)a_, b = (T)b_;                                                                   \
        uint32_t fo, fin = FIN_SET;                                                               \
        __asm__ volatile(FLAGS_LOAD insn " %[b], %[a]" FLAGS_SAVE                                 \
                         : [a] "+r"(a), [fout] "=&r"(fo) : [b] "r"(b), [fin] "r"(fin) : "cc");    \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_m(uint32_t a_, uint32_t b_, uint32_t *fout)                            \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        volatile T m = (T)b_;                                                                     \
        uint32_t fo, fin = FIN_CLEAR;                                                             \
        __asm__ volatile(FLAGS_LOAD insn " (%[p]), %[a]" FLAGS_SAVE                               \
                         : [a] "+r"(a), [fout] "=&r"(fo) : [p] "r"(&m), [fin] "r"(fin)            \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }
IMUL2(imul2w, "imulw", uint16_t)
IMUL2(imul2l, "imull", uint32_t)

#define IMUL3(name, insn, T, imm)                                                                 \
    static uint32_t name##_r(uint32_t b_, uint32_t *fout)                                         \
    {                                                                                             \
        T a, b = (T)b_;                                                                           \
        uint32_t fo, fin = FIN_SET;                                                               \
        __asm__ volatile(FLAGS_LOAD insn " $" #imm ", %[b], %[a]" FLAGS_SAVE                      \
                         : [a] "=&r"(a), [fout] "=&r"(fo) : [b] "r"(b), [fin] "r"(fin) : "cc");   \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_m(uint32_t b_, uint32_t *fout)                                         \
    {                                                                                             \
        T a;                                                                                      \
        volatile T m = (T)b_;                                                                     \
        uint32_t fo, fin = FIN_CLEAR;                                                             \
        __asm__ volatile(FLAGS_LOAD insn " $" #imm ", (%[p]), %[a]" FLAGS_SAVE                    \
                         : [a] "=&r"(a), [fout] "=&r"(fo) : [p] "r"(&m), [fin] "r"(fin)           \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }
struct imm3 {
    int32_t imm;
    uint32_t (*r)(uint32_t, uint32_t *);
    uint32_t (*m)(uint32_t, uint32_t *);
};
#define IMMS_W(X, w)                                                                              \
    X(w, 0, 0) X(w, 1, 1) X(w, m1, -1) X(w, 127, 127) X(w, m128, -128) X(w, 3, 3)                  \
        X(w, 0x7fff, 0x7fff) X(w, m0x8000, -0x8000) X(w, 0x1234, 0x1234)
#define IMMS_L(X, w)                                                                              \
    X(w, 0, 0) X(w, 1, 1) X(w, m1, -1) X(w, 127, 127) X(w, m128, -128) X(w, 3, 3)                  \
        X(w, 0x10000, 0x10000) X(w, 0x7fffffff, 0x7fffffff) X(w, m0x12345678, -0x12345678)
#define DEF3(w, n, v) IMUL3(imul3##w##_##n, "imul" #w, TY_##w, v)
#define ROW3(w, n, v) {v, imul3##w##_##n##_r, imul3##w##_##n##_m},
#define TY_w uint16_t
#define TY_l uint32_t
IMMS_W(DEF3, w)
IMMS_L(DEF3, l)
static const struct imm3 IMM3W[] = {IMMS_W(ROW3, w)};
static const struct imm3 IMM3L[] = {IMMS_L(ROW3, l)};

static void run_imul23(void)
{
    for (int w = 1; w < 3; w++) {
        printf("== imul%c two-operand (a b: result flags)\n", WCH[w]);
        int bad = 0, cases = 0;
        for (int i = 0; i < NV; i++)
            for (int j = 0; j < NV; j++) {
                uint32_t a = V[i] & WMASK[w], b = V[j] & WMASK[w], f, f2, r, r2;
                int dup = 0;
                for (int k = 0; k < i; k++) dup |= (V[k] & WMASK[w]) == a;
                for (int k = 0; k < j; k++) dup |= (V[k] & WMASK[w]) == b;
                if (dup) continue;
                r = (w == 1 ? imul2w_r(a, b, &f) : imul2l_r(a, b, &f)) & WMASK[w];
                r2 = (w == 1 ? imul2w_m(a, b, &f2) : imul2l_m(a, b, &f2)) & WMASK[w];
                printf("imul%c %0*x %0*x: %0*x %s\n", WCH[w], WDIG[w], a, WDIG[w], b, WDIG[w], r,
                       fl(f, MULDEF));
                cases++;
                if (r != r2 || ((f ^ f2) & MULDEF)) {
                    if (bad++ < 4) printf("  MISMATCH mem form\n");
                    g_bad++;
                }
            }
        printf("imul%c two-operand memory form: %d cases, %d mismatches\n", WCH[w], cases, bad);
        printf("== imul%c three-operand (imm src: result flags)\n", WCH[w]);
        const struct imm3 *t = w == 1 ? IMM3W : IMM3L;
        int n = w == 1 ? (int)(sizeof IMM3W / sizeof IMM3W[0]) : (int)(sizeof IMM3L / sizeof IMM3L[0]);
        bad = cases = 0;
        for (int k = 0; k < n; k++)
            for (int i = 0; i < NV; i++) {
                uint32_t b = V[i] & WMASK[w], f, f2, f3;
                int dup = 0;
                for (int q = 0; q < i; q++) dup |= (V[q] & WMASK[w]) == b;
                if (dup) continue;
                uint32_t r = t[k].r(b, &f) & WMASK[w];
                uint32_t r2 = t[k].m(b, &f2) & WMASK[w];
                uint32_t r3 = (w == 1 ? imul2w_r(b, (uint32_t)t[k].imm, &f3)
                                      : imul2l_r(b, (uint32_t)t[k].imm, &f3)) & WMASK[w];
                printf("imul%c $%d %0*x: %0*x %s\n", WCH[w], t[k].imm, WDIG[w], b, WDIG[w], r,
                       fl(f, MULDEF));
                cases++;
                if (r != r2 || r != r3 || ((f ^ f2) & MULDEF) || ((f ^ f3) & MULDEF)) {
                    if (bad++ < 4) printf("  MISMATCH imm %d b %x\n", t[k].imm, b);
                    g_bad++;
                }
            }
        printf("imul%c three-operand vs memory/two-operand: %d cases, %d mismatches\n", WCH[w], cases,
               bad);
    }
}

int main(void)
{
    printf("flags legend: C P A Z S O; '-' clear, '.' undefined (masked)\n");
    for (int op = 0; op < 2; op++)
        for (int w = 0; w < 3; w++) run_mul(op, w);
    run_imul23();
    for (int op = 2; op < 4; op++)
        for (int w = 0; w < 3; w++) run_div(op, w);
    printf("total mismatches: %d\n", g_bad);
    return 0;
}
