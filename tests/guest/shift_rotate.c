/* Shifts and rotates: SHL SHR SAR ROL ROR RCL RCR (8/16/32) and SHLD SHRD (16/32) with counts
 * 0 1 2 7 8 9 15 16 17 31 32 33, in the CL form (full table printed) and the imm8 form, the
 * 1-forms (D0/D1), the C0/C1 imm8 encoding with count 1 (gas would shorten it to D1), and memory
 * destinations (checked against the CL register form, mismatches counted and shown).
 *
 * Only flags the SDM defines are printed (SDM Vol.2B SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD, SHRD):
 *  - the count is masked to 5 bits; a masked count of 0 changes no flag (all six printed: preserved)
 *  - shifts: AF undefined; OF only for count 1; CF undefined for SHL/SHR when count >= width
 *  - rotates: only CF and OF change (the rest are printed as preserved); OF only for count 1;
 *    ROL/ROR set CF even when count is a non-zero multiple of the width; RCL/RCR rotate by
 *    count mod 9 / mod 17 for 8 / 16 bits
 *  - SHLD/SHRD: AF undefined, OF only for count 1; 16-bit with count > 16: result and flags undefined
 */
#include "guest_util.h"

enum { SHL, SHR, SAR, ROL, ROR, RCL, RCR, NOPS };
static const char *const OPN[NOPS] = {"shl", "shr", "sar", "rol", "ror", "rcl", "rcr"};

static const uint32_t VALS[] = {0,          1,          0x7f,       0x80,      0x81,
                                0xff,       0x8000,     0x8001,     0xffff,    0x40000000,
                                0x80000000, 0x80000001, 0xffffffff, 0x12345678, 0xdeadbeef};
#define NVALS (int)(sizeof VALS / sizeof VALS[0])
static const int COUNTS[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33};
#define NCOUNTS (int)(sizeof COUNTS / sizeof COUNTS[0])

typedef uint32_t (*shfn)(uint32_t a, uint32_t fin, uint32_t *fout);
typedef uint32_t (*shclfn)(uint32_t a, uint32_t count, uint32_t fin, uint32_t *fout);

#define SH_CL(name, insn, T, C)                                                                   \
    static uint32_t name(uint32_t a_, uint32_t cnt, uint32_t fin, uint32_t *fout)                 \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        uint8_t c = (uint8_t)cnt;                                                                 \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %%cl, %[a]" FLAGS_SAVE                                 \
                         : [a] "+" C(a), [fout] "=&r"(fo)                                         \
                         : "c"(c), [fin] "r"(fin)                                                 \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }
#define SH_CLM(name, insn, T)                                                                     \
    static uint32_t name(uint32_t a_, uint32_t cnt, uint32_t fin, uint32_t *fout)                 \
    {                                                                                             \
        volatile T m = (T)a_;                                                                     \
        uint8_t c = (uint8_t)cnt;                                                                 \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %%cl, (%[p])" FLAGS_SAVE                               \
                         : [fout] "=&r"(fo)                                                       \
                         : "c"(c), [fin] "r"(fin), [p] "r"(&m)                                    \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return m;                                                                                 \
    }
#define SH_IMM(name, insn, T, C, n)                                                               \
    static uint32_t name##_r(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " $" #n ", %[a]" FLAGS_SAVE                              \
                         : [a] "+" C(a), [fout] "=&r"(fo)                                         \
                         : [fin] "r"(fin)                                                         \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_m(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        volatile T m = (T)a_;                                                                     \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " $" #n ", (%[p])" FLAGS_SAVE                            \
                         : [fout] "=&r"(fo)                                                       \
                         : [fin] "r"(fin), [p] "r"(&m)                                            \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return m;                                                                                 \
    }
/* 1-forms: D0/D1 /x (no count operand), register and memory */
#define SH_ONE(name, insn, T, C)                                                                  \
    static uint32_t name##_r(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[a]" FLAGS_SAVE                                       \
                         : [a] "+" C(a), [fout] "=&r"(fo)                                         \
                         : [fin] "r"(fin)                                                         \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_m(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
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

#define COUNT_LIST(X, op, w)                                                                      \
    X(op, w, 0) X(op, w, 1) X(op, w, 2) X(op, w, 7) X(op, w, 8) X(op, w, 9) X(op, w, 15)         \
        X(op, w, 16) X(op, w, 17) X(op, w, 31) X(op, w, 32) X(op, w, 33)
#define TY_b uint8_t
#define TY_w uint16_t
#define TY_l uint32_t
#define CO_b "q"
#define CO_w "r"
#define CO_l "r"
#define DEF_SHIMM(op, w, n) SH_IMM(op##_##w##_i##n, #op #w, TY_##w, CO_##w, n)
#define ROW_SHIMM(op, w, n) {op##_##w##_i##n##_r, op##_##w##_i##n##_m},
struct immpair {
    shfn r, m;
};
#define GEN_W(op, w)                                                                              \
    SH_CL(op##_##w##_cl, #op #w, TY_##w, CO_##w)                                                  \
    SH_CLM(op##_##w##_clm, #op #w, TY_##w)                                                        \
    SH_ONE(op##_##w##_one, #op #w, TY_##w, CO_##w)                                                \
    COUNT_LIST(DEF_SHIMM, op, w)                                                                  \
    static const struct immpair op##_##w##_imm[] = {COUNT_LIST(ROW_SHIMM, op, w)};
#define GEN_OP(op) GEN_W(op, b) GEN_W(op, w) GEN_W(op, l)
GEN_OP(shl)
GEN_OP(shr)
GEN_OP(sar)
GEN_OP(rol)
GEN_OP(ror)
GEN_OP(rcl)
GEN_OP(rcr)

struct shop {
    shclfn cl[3], clm[3];
    shfn one_r[3], one_m[3];
    const struct immpair *imm[3];
};
#define SHOP(op)                                                                                  \
    {{op##_b_cl, op##_w_cl, op##_l_cl},                                                           \
     {op##_b_clm, op##_w_clm, op##_l_clm},                                                        \
     {op##_b_one_r, op##_w_one_r, op##_l_one_r},                                                  \
     {op##_b_one_m, op##_w_one_m, op##_l_one_m},                                                  \
     {op##_b_imm, op##_w_imm, op##_l_imm}}
static const struct shop SHOPS[NOPS] = {SHOP(shl), SHOP(shr), SHOP(sar), SHOP(rol),
                                        SHOP(ror), SHOP(rcl), SHOP(rcr)};

static const char WCH[3] = {'b', 'w', 'l'};
static const uint32_t WMASK[3] = {0xff, 0xffff, 0xffffffff};
static const int WBITS[3] = {8, 16, 32};
static const int WDIG[3] = {2, 4, 8};
static const uint32_t FINS[2] = {FIN_CLEAR, FIN_SET};

static uint32_t defined_flags(int op, int w, int count)
{
    int c = count & 31;
    if (c == 0) return F_ARITH; /* nothing changes: every flag is defined as preserved */
    uint32_t d;
    if (op <= SAR) {
        d = F_CF | F_PF | F_ZF | F_SF | F_OF;
        if (c != 1) d &= ~F_OF;
        if (op != SAR && c >= WBITS[w]) d &= ~F_CF;
    } else {
        d = F_ARITH; /* PF AF ZF SF preserved, CF defined */
        if (c != 1) d &= ~F_OF;
    }
    return d;
}

/* C0/C1 /x ib with ib=1 on AL/AX/EAX, assembled by hand (gas shortens "$1" to the D0/D1 form). */
#define C1_CASE(opi, ext)                                                                         \
    case opi:                                                                                     \
        if (w == 0)                                                                               \
            __asm__ volatile(FLAGS_LOAD ".byte 0xc0, 0xc0 + " #ext " * 8, 1" FLAGS_SAVE           \
                             : "+a"(a8), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");               \
        else if (w == 1)                                                                          \
            __asm__ volatile(FLAGS_LOAD ".byte 0x66, 0xc1, 0xc0 + " #ext " * 8, 1" FLAGS_SAVE     \
                             : "+a"(a16), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");              \
        else                                                                                      \
            __asm__ volatile(FLAGS_LOAD ".byte 0xc1, 0xc0 + " #ext " * 8, 1" FLAGS_SAVE           \
                             : "+a"(a32), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");              \
        break;

static uint32_t c1_form(int op, int w, uint32_t a, uint32_t fin, uint32_t *fout)
{
    uint8_t a8 = (uint8_t)a;
    uint16_t a16 = (uint16_t)a;
    uint32_t a32 = a, fo = 0;
    switch (op) {
        C1_CASE(SHL, 4)
        C1_CASE(SHR, 5)
        C1_CASE(SAR, 7)
        C1_CASE(ROL, 0)
        C1_CASE(ROR, 1)
        C1_CASE(RCL, 2)
        C1_CASE(RCR, 3)
    }
    *fout = fo;
    return w == 0 ? a8 : w == 1 ? a16 : a32;
}

static int g_bad;

static void check(const char *what, int op, int w, uint32_t v, int count, uint32_t fin, uint32_t rx,
                  uint32_t fx, uint32_t rr, uint32_t fr, int *shown, int *bad)
{
    uint32_t def = defined_flags(op, w, count);
    if (rx == rr && !((fx ^ fr) & def)) return;
    (*bad)++;
    g_bad++;
    if ((*shown)++ < 4)
        printf("  MISMATCH %s %s%c v=%0*x count=%d fin=%s: %0*x %s vs cl-form %0*x %s\n", what,
               OPN[op], WCH[w], WDIG[w], v, count, fl(fin, F_ARITH), WDIG[w], rx, fl(fx, def),
               WDIG[w], rr, fl(fr, def));
}

static void run_shift(int op, int w)
{
    const struct shop *s = &SHOPS[op];
    uint32_t mask = WMASK[w];
    printf("== %s%c (value count: result flags[in clear] | result flags[in set])\n", OPN[op], WCH[w]);
    int shown = 0, bad = 0, cases = 0;
    for (int i = 0; i < NVALS; i++) {
        uint32_t v = VALS[i] & mask;
        int dup = 0;
        for (int k = 0; k < i; k++) dup |= (VALS[k] & mask) == v;
        if (dup) continue;
        for (int c = 0; c < NCOUNTS; c++) {
            int n = COUNTS[c];
            uint32_t def = defined_flags(op, w, n), f0, f1;
            uint32_t r0 = s->cl[w](v, n, FIN_CLEAR, &f0) & mask;
            uint32_t r1 = s->cl[w](v, n, FIN_SET, &f1) & mask;
            printf("%s%c %0*x %2d: %0*x %s | %0*x %s\n", OPN[op], WCH[w], WDIG[w], v, n, WDIG[w], r0,
                   fl(f0, def), WDIG[w], r1, fl(f1, def));
            for (int k = 0; k < 2; k++) {
                uint32_t fr, fx, rx;
                uint32_t rr = s->cl[w](v, n, FINS[k], &fr) & mask;
                rx = s->clm[w](v, n, FINS[k], &fx) & mask;
                check("cl-mem", op, w, v, n, FINS[k], rx, fx, rr, fr, &shown, &bad);
                rx = s->imm[w][c].r(v, FINS[k], &fx) & mask;
                check("imm-reg", op, w, v, n, FINS[k], rx, fx, rr, fr, &shown, &bad);
                rx = s->imm[w][c].m(v, FINS[k], &fx) & mask;
                check("imm-mem", op, w, v, n, FINS[k], rx, fx, rr, fr, &shown, &bad);
                cases += 3;
                if (n == 1) {
                    rx = s->one_r[w](v, FINS[k], &fx) & mask;
                    check("one-reg", op, w, v, n, FINS[k], rx, fx, rr, fr, &shown, &bad);
                    rx = s->one_m[w](v, FINS[k], &fx) & mask;
                    check("one-mem", op, w, v, n, FINS[k], rx, fx, rr, fr, &shown, &bad);
                    rx = c1_form(op, w, v, FINS[k], &fx) & mask;
                    check("c1-imm1", op, w, v, n, FINS[k], rx, fx, rr, fr, &shown, &bad);
                    cases += 3;
                }
            }
        }
    }
    printf("%s%c other encodings: %d cases, %d mismatches\n", OPN[op], WCH[w], cases, bad);
}

/* ---- SHLD / SHRD ---- */
typedef uint32_t (*dshfn)(uint32_t a, uint32_t b, uint32_t cnt, uint32_t fin, uint32_t *fout);
#define DSH(name, insn, T)                                                                        \
    static uint32_t name##_cl(uint32_t a_, uint32_t b_, uint32_t cnt, uint32_t fin, uint32_t *fout) \
    {                                                                                             \
        T a = (T)a_, b = (T)b_;                                                                   \
        uint8_t c = (uint8_t)cnt;                                                                 \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %%cl, %[b], %[a]" FLAGS_SAVE                           \
                         : [a] "+r"(a), [fout] "=&r"(fo)                                          \
                         : [b] "r"(b), "c"(c), [fin] "r"(fin)                                     \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_clm(uint32_t a_, uint32_t b_, uint32_t cnt, uint32_t fin, uint32_t *fout) \
    {                                                                                             \
        volatile T m = (T)a_;                                                                     \
        T b = (T)b_;                                                                              \
        uint8_t c = (uint8_t)cnt;                                                                 \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %%cl, %[b], (%[p])" FLAGS_SAVE                         \
                         : [fout] "=&r"(fo)                                                       \
                         : [b] "r"(b), "c"(c), [fin] "r"(fin), [p] "r"(&m)                        \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return m;                                                                                 \
    }
#define DSH_IMM(name, insn, T, n)                                                                 \
    static uint32_t name##_r(uint32_t a_, uint32_t b_, uint32_t cnt, uint32_t fin, uint32_t *fout) \
    {                                                                                             \
        T a = (T)a_, b = (T)b_;                                                                   \
        uint32_t fo;                                                                              \
        (void)cnt;                                                                                \
        __asm__ volatile(FLAGS_LOAD insn " $" #n ", %[b], %[a]" FLAGS_SAVE                        \
                         : [a] "+r"(a), [fout] "=&r"(fo)                                          \
                         : [b] "r"(b), [fin] "r"(fin)                                             \
                         : "cc");                                                                 \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_m(uint32_t a_, uint32_t b_, uint32_t cnt, uint32_t fin, uint32_t *fout) \
    {                                                                                             \
        volatile T m = (T)a_;                                                                     \
        T b = (T)b_;                                                                              \
        uint32_t fo;                                                                              \
        (void)cnt;                                                                                \
        __asm__ volatile(FLAGS_LOAD insn " $" #n ", %[b], (%[p])" FLAGS_SAVE                      \
                         : [fout] "=&r"(fo)                                                       \
                         : [b] "r"(b), [fin] "r"(fin), [p] "r"(&m)                                \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return m;                                                                                 \
    }
#define DEF_DSHIMM(op, w, n) DSH_IMM(op##_##w##_i##n, #op #w, TY_##w, n)
#define ROW_DSHIMM(op, w, n) {op##_##w##_i##n##_r, op##_##w##_i##n##_m},
struct dimmpair {
    dshfn r, m;
};
#define GEN_DW(op, w)                                                                             \
    DSH(op##_##w, #op #w, TY_##w)                                                                 \
    COUNT_LIST(DEF_DSHIMM, op, w)                                                                 \
    static const struct dimmpair op##_##w##_imm[] = {COUNT_LIST(ROW_DSHIMM, op, w)};
GEN_DW(shld, w)
GEN_DW(shld, l)
GEN_DW(shrd, w)
GEN_DW(shrd, l)

struct dshop {
    const char *name;
    dshfn cl[2], clm[2];
    const struct dimmpair *imm[2];
};
static const struct dshop DSHOPS[2] = {
    {"shld", {shld_w_cl, shld_l_cl}, {shld_w_clm, shld_l_clm}, {shld_w_imm, shld_l_imm}},
    {"shrd", {shrd_w_cl, shrd_l_cl}, {shrd_w_clm, shrd_l_clm}, {shrd_w_imm, shrd_l_imm}},
};
static const uint32_t DPAIRS[][2] = {
    {0x12345678, 0x9abcdef0}, {0x80000001, 0x7ffffffe}, {0xffffffff, 0x00000000},
    {0x00000000, 0xffffffff}, {0x00008001, 0x0000c000}, {0x40000000, 0x00000001},
    {0xdeadbeef, 0xcafebabe}, {0x00000001, 0x80000000},
};

static void run_dshift(int d, int wi)
{
    const struct dshop *s = &DSHOPS[d];
    int w = wi + 1; /* 16 or 32 */
    uint32_t mask = WMASK[w];
    printf("== %s%c (dst src count: result flags[in clear] | result flags[in set])\n", s->name, WCH[w]);
    int shown = 0, bad = 0, cases = 0;
    for (unsigned i = 0; i < sizeof DPAIRS / sizeof DPAIRS[0]; i++) {
        uint32_t a = DPAIRS[i][0] & mask, b = DPAIRS[i][1] & mask;
        for (int c = 0; c < NCOUNTS; c++) {
            int n = COUNTS[c], m = n & 31;
            uint32_t def = m == 0 ? F_ARITH : (F_CF | F_PF | F_ZF | F_SF | (m == 1 ? F_OF : 0));
            int undefined = w == 1 && m > 16;
            if (undefined) {
                printf("%s%c %0*x %0*x %2d: undefined (count > 16)\n", s->name, WCH[w], WDIG[w], a,
                       WDIG[w], b, n);
                continue;
            }
            uint32_t f0, f1;
            uint32_t r0 = s->cl[wi](a, b, n, FIN_CLEAR, &f0) & mask;
            uint32_t r1 = s->cl[wi](a, b, n, FIN_SET, &f1) & mask;
            printf("%s%c %0*x %0*x %2d: %0*x %s | %0*x %s\n", s->name, WCH[w], WDIG[w], a, WDIG[w], b,
                   n, WDIG[w], r0, fl(f0, def), WDIG[w], r1, fl(f1, def));
            for (int k = 0; k < 2; k++) {
                uint32_t fr, fx, rx, rr = s->cl[wi](a, b, n, FINS[k], &fr) & mask;
                dshfn forms[3] = {s->clm[wi], s->imm[wi][c].r, s->imm[wi][c].m};
                for (int x = 0; x < 3; x++) {
                    cases++;
                    rx = forms[x](a, b, n, FINS[k], &fx) & mask;
                    if (rx != rr || ((fx ^ fr) & def)) {
                        bad++;
                        g_bad++;
                        if (shown++ < 4)
                            printf("  MISMATCH form %d %s%c %x %x %d: %x %s vs %x %s\n", x, s->name,
                                   WCH[w], a, b, n, rx, fl(fx, def), rr, fl(fr, def));
                    }
                }
            }
        }
    }
    printf("%s%c other encodings: %d cases, %d mismatches\n", s->name, WCH[w], cases, bad);
}

int main(void)
{
    printf("flags legend: C P A Z S O; '-' clear, '.' undefined (masked)\n");
    for (int op = 0; op < NOPS; op++)
        for (int w = 0; w < 3; w++) run_shift(op, w);
    for (int d = 0; d < 2; d++)
        for (int wi = 0; wi < 2; wi++) run_dshift(d, wi);
    printf("total mismatches: %d\n", g_bad);
    return 0;
}
