/* ALU results and arithmetic flags: ADD ADC SUB SBB AND OR XOR CMP TEST (binary) and INC DEC NEG
 * NOT (unary), 8/16/32-bit, over a table of interesting values.
 *
 * The full table is printed for the register-register form (MR encoding, e.g. 01 /r), run twice:
 * with all arithmetic flags clear on input and with all set (so CF-in is 0 then 1 for ADC/SBB, and
 * a flag that leaks from the input shows up).  The other encodings — {load} RM form (03 /r), memory
 * destination, memory source, immediate (imm8 sign-extended 83 /x, full-size 81 /x, AL/AX/EAX short
 * form) — are checked against the register form and print a mismatch count plus the first
 * mismatches.  SDM: AND/OR/XOR/TEST leave AF undefined, so it is masked for them.
 */
#include "guest_util.h"

static const uint32_t V[] = {0,          1,          2,          0x7f,       0x80,       0xff,
                             0x100,      0x7fff,     0x8000,     0xffff,     0x7fffffff, 0x80000000,
                             0x80000001, 0xffffffff, 0x12345678, 0xdeadbeef, 0x0f0f0f0f, 0xfffffffe};
#define NV (int)(sizeof V / sizeof V[0])

typedef uint32_t (*binfn)(uint32_t a, uint32_t b, uint32_t fin, uint32_t *fout);
typedef uint32_t (*immfn)(uint32_t a, uint32_t fin, uint32_t *fout);
typedef uint32_t (*unfn)(uint32_t a, uint32_t fin, uint32_t *fout);

/* register, register (MR form: insn src, dst) */
#define BIN_RR(name, insn, T, C)                                                                  \
    static uint32_t name(uint32_t a_, uint32_t b_, uint32_t fin, uint32_t *fout)                  \
    {                                                                                             \
        T a = (T)a_, b = (T)b_;                                                                   \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[b], %[a]" FLAGS_SAVE                                 \
                         : [a] "+" C(a), [fout] "=&r"(fo)                                         \
                         : [b] C(b), [fin] "r"(fin)                                               \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }
/* register, register with the RM encoding (03 /r instead of 01 /r) */
#define BIN_RRL(name, insn, T, C)                                                                 \
    static uint32_t name(uint32_t a_, uint32_t b_, uint32_t fin, uint32_t *fout)                  \
    {                                                                                             \
        T a = (T)a_, b = (T)b_;                                                                   \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD "%{load%} " insn " %[b], %[a]" FLAGS_SAVE                       \
                         : [a] "+" C(a), [fout] "=&r"(fo)                                         \
                         : [b] C(b), [fin] "r"(fin)                                               \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }
/* memory destination */
#define BIN_MR(name, insn, T, C)                                                                  \
    static uint32_t name(uint32_t a_, uint32_t b_, uint32_t fin, uint32_t *fout)                  \
    {                                                                                             \
        volatile T m = (T)a_;                                                                     \
        T b = (T)b_;                                                                              \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[b], (%[p])" FLAGS_SAVE                               \
                         : [fout] "=&r"(fo)                                                       \
                         : [b] C(b), [fin] "r"(fin), [p] "r"(&m)                                  \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return m;                                                                                 \
    }
/* memory source */
#define BIN_RM(name, insn, T, C)                                                                  \
    static uint32_t name(uint32_t a_, uint32_t b_, uint32_t fin, uint32_t *fout)                  \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        volatile T m = (T)b_;                                                                     \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " (%[p]), %[a]" FLAGS_SAVE                               \
                         : [a] "+" C(a), [fout] "=&r"(fo)                                         \
                         : [fin] "r"(fin), [p] "r"(&m)                                            \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }

#define GEN_BIN(op)                                                                               \
    BIN_RR(op##_b_rr, #op "b", uint8_t, "q")                                                      \
    BIN_RR(op##_w_rr, #op "w", uint16_t, "r")                                                     \
    BIN_RR(op##_l_rr, #op "l", uint32_t, "r")                                                     \
    BIN_RRL(op##_b_rrl, #op "b", uint8_t, "q")                                                    \
    BIN_RRL(op##_w_rrl, #op "w", uint16_t, "r")                                                   \
    BIN_RRL(op##_l_rrl, #op "l", uint32_t, "r")                                                   \
    BIN_MR(op##_b_mr, #op "b", uint8_t, "q")                                                      \
    BIN_MR(op##_w_mr, #op "w", uint16_t, "r")                                                     \
    BIN_MR(op##_l_mr, #op "l", uint32_t, "r")                                                     \
    BIN_RM(op##_b_rm, #op "b", uint8_t, "q")                                                      \
    BIN_RM(op##_w_rm, #op "w", uint16_t, "r")                                                     \
    BIN_RM(op##_l_rm, #op "l", uint32_t, "r")

GEN_BIN(add)
GEN_BIN(adc)
GEN_BIN(sub)
GEN_BIN(sbb)
GEN_BIN(and)
GEN_BIN(or)
GEN_BIN(xor)
GEN_BIN(cmp)
/* TEST has only the 85 /r encoding; the memory forms are the same instruction both ways. */
BIN_RR(test_b_rr, "testb", uint8_t, "q")
BIN_RR(test_w_rr, "testw", uint16_t, "r")
BIN_RR(test_l_rr, "testl", uint32_t, "r")
BIN_MR(test_b_mr, "testb", uint8_t, "q")
BIN_MR(test_w_mr, "testw", uint16_t, "r")
BIN_MR(test_l_mr, "testl", uint32_t, "r")

/* Immediate forms, three destinations: a register other than the accumulator (80/81/83 /x),
 * the accumulator (04/05/... short forms), memory. */
#define IMM_R(name, insn, T, C, imm)                                                              \
    static uint32_t name##_r(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " $" #imm ", %[a]" FLAGS_SAVE                            \
                         : [a] "+d"(a), [fout] "=&r"(fo)                                         \
                         : [fin] "r"(fin)                                                         \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_a(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " $" #imm ", %[a]" FLAGS_SAVE                            \
                         : [a] "+a"(a), [fout] "=&r"(fo)                                          \
                         : [fin] "r"(fin)                                                         \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_m(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        volatile T m = (T)a_;                                                                     \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " $" #imm ", (%[p])" FLAGS_SAVE                          \
                         : [fout] "=&r"(fo)                                                       \
                         : [fin] "r"(fin), [p] "r"(&m)                                            \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return m;                                                                                 \
    }

struct immcase {
    uint32_t imm;
    immfn r, a, m;
};

#define I8(X, op) X(op, b, 0x0) X(op, b, 0x1) X(op, b, 0x7f) X(op, b, 0x80) X(op, b, 0xff)
#define I16(X, op)                                                                                \
    X(op, w, 0x0) X(op, w, 0x1) X(op, w, 0x7f) X(op, w, 0x80) X(op, w, 0x7fff) X(op, w, 0x8000)  \
        X(op, w, 0xff80) X(op, w, 0xffff)
#define I32(X, op)                                                                                \
    X(op, l, 0x0) X(op, l, 0x1) X(op, l, 0x7f) X(op, l, 0x80) X(op, l, 0xffffff80)               \
        X(op, l, 0xffffffff) X(op, l, 0x7fffffff) X(op, l, 0x80000000) X(op, l, 0x12345678)

#define TY_b uint8_t
#define TY_w uint16_t
#define TY_l uint32_t
#define CO_b "q"
#define CO_w "r"
#define CO_l "r"
#define DEF_IMM(op, w, imm) IMM_R(op##_##w##_i##imm, #op #w, TY_##w, CO_##w, imm)
#define ROW_IMM(op, w, imm) {imm, op##_##w##_i##imm##_r, op##_##w##_i##imm##_a, op##_##w##_i##imm##_m},

#define GEN_IMM(op)                                                                               \
    I8(DEF_IMM, op) I16(DEF_IMM, op) I32(DEF_IMM, op)                                             \
    static const struct immcase op##_imm_b[] = {I8(ROW_IMM, op)};                                 \
    static const struct immcase op##_imm_w[] = {I16(ROW_IMM, op)};                                \
    static const struct immcase op##_imm_l[] = {I32(ROW_IMM, op)};

GEN_IMM(add)
GEN_IMM(adc)
GEN_IMM(sub)
GEN_IMM(sbb)
GEN_IMM(and)
GEN_IMM(or)
GEN_IMM(xor)
GEN_IMM(cmp)
GEN_IMM(test)

struct binop {
    const char *name;
    uint32_t defined; /* flags the SDM defines after the op */
    int writes;       /* CMP/TEST do not write the destination */
    binfn rr[3], rrl[3], mr[3], rm[3];
    const struct immcase *imm[3];
    int nimm[3];
};

#define NI(a) (int)(sizeof(a) / sizeof(a[0]))
#define BINOP(op, def, wr)                                                                        \
    {#op,                                                                                         \
     def,                                                                                         \
     wr,                                                                                          \
     {op##_b_rr, op##_w_rr, op##_l_rr},                                                           \
     {op##_b_rrl, op##_w_rrl, op##_l_rrl},                                                        \
     {op##_b_mr, op##_w_mr, op##_l_mr},                                                           \
     {op##_b_rm, op##_w_rm, op##_l_rm},                                                           \
     {op##_imm_b, op##_imm_w, op##_imm_l},                                                        \
     {NI(op##_imm_b), NI(op##_imm_w), NI(op##_imm_l)}}

static const struct binop BINOPS[] = {
    BINOP(add, F_ARITH, 1),
    BINOP(adc, F_ARITH, 1),
    BINOP(sub, F_ARITH, 1),
    BINOP(sbb, F_ARITH, 1),
    BINOP(and, F_ARITH & ~F_AF, 1),
    BINOP(or, F_ARITH & ~F_AF, 1),
    BINOP(xor, F_ARITH & ~F_AF, 1),
    BINOP(cmp, F_ARITH, 0),
    {"test",
     F_ARITH & ~F_AF,
     0,
     {test_b_rr, test_w_rr, test_l_rr},
     {0, 0, 0},
     {test_b_mr, test_w_mr, test_l_mr},
     {test_b_mr, test_w_mr, test_l_mr},
     {test_imm_b, test_imm_w, test_imm_l},
     {NI(test_imm_b), NI(test_imm_w), NI(test_imm_l)}},
};

/* Unary ops: register and memory forms. */
#define UN_R(name, insn, T, C)                                                                    \
    static uint32_t name(uint32_t a_, uint32_t fin, uint32_t *fout)                               \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[a]" FLAGS_SAVE                                       \
                         : [a] "+" C(a), [fout] "=&r"(fo)                                         \
                         : [fin] "r"(fin)                                                         \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }
#define UN_M(name, insn, T)                                                                       \
    static uint32_t name(uint32_t a_, uint32_t fin, uint32_t *fout)                               \
    {                                                                                             \
        volatile T m = (T)a_;                                                                     \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " (%[p])" FLAGS_SAVE                                     \
                         : [fout] "=&r"(fo)                                                       \
                         : [fin] "r"(fin), [p] "r"(&m)                                            \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return m;                                                                                 \
    }
#define GEN_UN(op)                                                                                \
    UN_R(op##_b_r, #op "b", uint8_t, "q")                                                         \
    UN_R(op##_w_r, #op "w", uint16_t, "r")                                                        \
    UN_R(op##_l_r, #op "l", uint32_t, "r")                                                        \
    UN_M(op##_b_m, #op "b", uint8_t)                                                              \
    UN_M(op##_w_m, #op "w", uint16_t)                                                             \
    UN_M(op##_l_m, #op "l", uint32_t)
GEN_UN(inc)
GEN_UN(dec)
GEN_UN(neg)
GEN_UN(not)

/* INC/DEC through the FF /0, FF /1 (and 16-bit 66 FF) encodings on a register; gas would pick
 * the one-byte 40+r / 48+r forms for `incl %eax`. */
static uint32_t inc_l_ff(uint32_t a, uint32_t fin, uint32_t *fout)
{
    uint32_t fo;
    __asm__ volatile(FLAGS_LOAD ".byte 0xff, 0xc0" FLAGS_SAVE
                     : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");
    *fout = fo;
    return a;
}
static uint32_t dec_l_ff(uint32_t a, uint32_t fin, uint32_t *fout)
{
    uint32_t fo;
    __asm__ volatile(FLAGS_LOAD ".byte 0xff, 0xc8" FLAGS_SAVE
                     : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");
    *fout = fo;
    return a;
}
static uint32_t inc_w_ff(uint32_t a_, uint32_t fin, uint32_t *fout)
{
    uint16_t a = (uint16_t)a_;
    uint32_t fo;
    __asm__ volatile(FLAGS_LOAD ".byte 0x66, 0xff, 0xc0" FLAGS_SAVE
                     : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");
    *fout = fo;
    return a;
}

struct unop {
    const char *name;
    uint32_t defined;
    unfn r[3], m[3], alt[3];
};
static const struct unop UNOPS[] = {
    {"inc", F_ARITH, {inc_b_r, inc_w_r, inc_l_r}, {inc_b_m, inc_w_m, inc_l_m}, {0, inc_w_ff, inc_l_ff}},
    {"dec", F_ARITH, {dec_b_r, dec_w_r, dec_l_r}, {dec_b_m, dec_w_m, dec_l_m}, {0, 0, dec_l_ff}},
    {"neg", F_ARITH, {neg_b_r, neg_w_r, neg_l_r}, {neg_b_m, neg_w_m, neg_l_m}, {0, 0, 0}},
    {"not", F_ARITH, {not_b_r, not_w_r, not_l_r}, {not_b_m, not_w_m, not_l_m}, {0, 0, 0}},
};

static const char WCH[3] = {'b', 'w', 'l'};
static const uint32_t WMASK[3] = {0xff, 0xffff, 0xffffffff};
static const int WDIG[3] = {2, 4, 8};
static const uint32_t FINS[2] = {FIN_CLEAR, FIN_SET};

static int g_total_mismatch;

/* The value table truncated to width w, duplicates dropped (keeps the 8-bit table short). */
static uint32_t U[NV];
static int NU;
static void make_values(int w)
{
    NU = 0;
    for (int i = 0; i < NV; i++) {
        uint32_t v = V[i] & WMASK[w];
        int dup = 0;
        for (int k = 0; k < NU; k++) dup |= U[k] == v;
        if (!dup) U[NU++] = v;
    }
}

static void mismatch(const char *what, int w, uint32_t a, uint32_t b, uint32_t fin, uint32_t r1,
                     uint32_t f1, uint32_t r2, uint32_t f2, uint32_t def, int *shown)
{
    g_total_mismatch++;
    if ((*shown)++ < 4)
        printf("  MISMATCH %s.%c a=%0*x b=%0*x fin=%s: form %0*x %s vs rr %0*x %s\n", what, WCH[w],
               WDIG[w], a, WDIG[w], b, fl(fin, F_ARITH), WDIG[w], r1, fl(f1, def), WDIG[w], r2,
               fl(f2, def));
}

static void run_binop(const struct binop *op, int w)
{
    uint32_t mask = WMASK[w], def = op->defined;
    make_values(w);
    printf("== %s%c  (a b: result flags[in clear] | result flags[in set])\n", op->name, WCH[w]);
    for (int i = 0; i < NU; i++)
        for (int j = 0; j < NU; j++) {
            uint32_t a = U[i], b = U[j], f0, f1;
            uint32_t r0 = op->rr[w](a, b, FIN_CLEAR, &f0) & mask;
            uint32_t r1 = op->rr[w](a, b, FIN_SET, &f1) & mask;
            printf("%s%c %0*x %0*x: %0*x %s | %0*x %s\n", op->name, WCH[w], WDIG[w], a, WDIG[w], b,
                   WDIG[w], r0, fl(f0, def), WDIG[w], r1, fl(f1, def));
        }
    /* other encodings against the register form */
    int cases = 0, shown = 0, bad = 0;
    for (int i = 0; i < NU; i++)
        for (int j = 0; j < NU; j++)
            for (int k = 0; k < 2; k++) {
                uint32_t a = U[i], b = U[j], fr, fx;
                uint32_t rr = op->rr[w](a, b, FINS[k], &fr) & mask;
                binfn forms[3] = {op->rrl[w], op->mr[w], op->rm[w]};
                static const char *fname[3] = {"rm-enc", "mem-dst", "mem-src"};
                for (int x = 0; x < 3; x++) {
                    if (!forms[x]) continue;
                    cases++;
                    uint32_t rx = forms[x](a, b, FINS[k], &fx) & mask;
                    if (rx != rr || ((fx ^ fr) & def)) {
                        bad++;
                        char what[32];
                        snprintf(what, sizeof what, "%s/%s", op->name, fname[x]);
                        mismatch(what, w, a, b, FINS[k], rx, fx, rr, fr, def, &shown);
                    }
                }
            }
    printf("%s%c other reg/mem encodings: %d cases, %d mismatches\n", op->name, WCH[w], cases, bad);
    /* immediate forms */
    cases = shown = bad = 0;
    for (int n = 0; n < op->nimm[w]; n++) {
        const struct immcase *ic = &op->imm[w][n];
        for (int i = 0; i < NU; i++)
            for (int k = 0; k < 2; k++) {
                uint32_t a = U[i], b = ic->imm & mask, fr, fx;
                uint32_t rr = op->rr[w](a, b, FINS[k], &fr) & mask;
                immfn forms[3] = {ic->r, ic->a, ic->m};
                static const char *fname[3] = {"imm-reg", "imm-acc", "imm-mem"};
                for (int x = 0; x < 3; x++) {
                    cases++;
                    uint32_t rx = forms[x](a, FINS[k], &fx) & mask;
                    if (rx != rr || ((fx ^ fr) & def)) {
                        bad++;
                        char what[32];
                        snprintf(what, sizeof what, "%s/%s", op->name, fname[x]);
                        mismatch(what, w, a, b, FINS[k], rx, fx, rr, fr, def, &shown);
                    }
                }
            }
        /* and a few printed results, so a shared bug still shows */
        uint32_t f;
        uint32_t r = ic->m(0x80000001 & mask, FIN_SET, &f) & mask;
        printf("%s%c $%x, mem(%0*x): %0*x %s\n", op->name, WCH[w], ic->imm, WDIG[w], 0x80000001 & mask,
               WDIG[w], r, fl(f, def));
    }
    printf("%s%c immediate encodings: %d cases, %d mismatches\n", op->name, WCH[w], cases, bad);
}

static void run_unop(const struct unop *op, int w)
{
    uint32_t mask = WMASK[w], def = op->defined;
    make_values(w);
    printf("== %s%c  (a: result flags[in clear] | result flags[in set])\n", op->name, WCH[w]);
    int bad = 0, shown = 0, cases = 0;
    for (int i = 0; i < NU; i++) {
        uint32_t a = U[i], f0, f1;
        uint32_t r0 = op->r[w](a, FIN_CLEAR, &f0) & mask;
        uint32_t r1 = op->r[w](a, FIN_SET, &f1) & mask;
        printf("%s%c %0*x: %0*x %s | %0*x %s\n", op->name, WCH[w], WDIG[w], a, WDIG[w], r0,
               fl(f0, def), WDIG[w], r1, fl(f1, def));
        for (int k = 0; k < 2; k++) {
            uint32_t fr, fx, rr = op->r[w](a, FINS[k], &fr) & mask;
            unfn forms[2] = {op->m[w], op->alt[w]};
            for (int x = 0; x < 2; x++) {
                if (!forms[x]) continue;
                cases++;
                uint32_t rx = forms[x](a, FINS[k], &fx) & mask;
                if (rx != rr || ((fx ^ fr) & def)) {
                    bad++;
                    mismatch(op->name, w, a, 0, FINS[k], rx, fx, rr, fr, def, &shown);
                }
            }
        }
    }
    printf("%s%c memory/alternate encodings: %d cases, %d mismatches\n", op->name, WCH[w], cases, bad);
}

/* 82 /0 ib: the 32-bit-mode alias of 80 /0 ib (SDM opcode map, valid outside 64-bit mode). */
static void alias_82(void)
{
    uint32_t a = 0x12345678, fo, fin = FIN_CLEAR;
    __asm__ volatile(FLAGS_LOAD ".byte 0x82, 0xc0, 0x90" FLAGS_SAVE
                     : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");
    printf("82 /0 (addb $0x90, %%al) on 12345678: %08x %s\n", a, fl(fo, F_ARITH));
    a = 0x12345678;
    __asm__ volatile(FLAGS_LOAD ".byte 0x82, 0xf8, 0x78" FLAGS_SAVE
                     : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");
    printf("82 /7 (cmpb $0x78, %%al) on 12345678: %08x %s\n", a, fl(fo, F_ARITH));
}

/* Partial-register writes: 8/16-bit results must leave the rest of the 32-bit register alone,
 * including AH/BH/CH/DH. */
static void partial_regs(void)
{
    uint32_t a = 0xdeadbeef, b = 0x01020304;
    __asm__ volatile("addb %%bh, %%ah" : "+a"(a) : "b"(b) : "cc");
    printf("addb %%bh,%%ah: eax=%08x\n", a);
    a = 0xdeadbeef;
    __asm__ volatile("subb %%bl, %%ah" : "+a"(a) : "b"(b) : "cc");
    printf("subb %%bl,%%ah: eax=%08x\n", a);
    a = 0xdeadbeef;
    __asm__ volatile("xorb %%ah, %%al" : "+a"(a) : : "cc");
    printf("xorb %%ah,%%al: eax=%08x\n", a);
    a = 0xdeadbeef;
    __asm__ volatile("addw %%bx, %%ax" : "+a"(a) : "b"(b) : "cc");
    printf("addw %%bx,%%ax: eax=%08x\n", a);
    a = 0xdeadbeef;
    __asm__ volatile("negb %%ah" : "+a"(a) : : "cc");
    printf("negb %%ah: eax=%08x\n", a);
    a = 0xdeadbeef;
    __asm__ volatile("incw %%ax" : "+a"(a) : : "cc");
    printf("incw %%ax: eax=%08x\n", a);
    a = 0xdead00ff;
    __asm__ volatile("incb %%al" : "+a"(a) : : "cc");
    printf("incb %%al: eax=%08x\n", a);
}

int main(void)
{
    printf("flags legend: C P A Z S O; '-' clear, '.' undefined (masked)\n");
    for (unsigned o = 0; o < sizeof BINOPS / sizeof BINOPS[0]; o++)
        for (int w = 0; w < 3; w++) run_binop(&BINOPS[o], w);
    for (unsigned o = 0; o < sizeof UNOPS / sizeof UNOPS[0]; o++)
        for (int w = 0; w < 3; w++) run_unop(&UNOPS[o], w);
    alias_82();
    partial_regs();
    printf("total mismatches: %d\n", g_total_mismatch);
    return 0;
}
