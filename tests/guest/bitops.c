/* Bit instructions: BT BTS BTR BTC (register, memory with register offset, memory/register with
 * imm8 offset; 16 and 32 bit; LOCK on memory), BSF BSR (16/32, register and memory), BSWAP.
 *
 * SDM Vol.2A BT: CF = the selected bit; ZF unaffected (printed, must be preserved); OF SF AF PF
 * undefined.  The register-offset memory form addresses bit (offset) relative to the operand
 * address as a signed bit string: for offsets 35, -1, 100, -100 it touches other words of the
 * array.  The register form and the imm8 forms take the offset modulo the operand width.
 * BSF/BSR: ZF defined (set iff source is 0); the destination is undefined for a 0 source and
 * is not printed then; all other flags undefined.
 */
#include "guest_util.h"

#define BTDEF (F_CF | F_ZF)

static const int OFFS[] = {0, 1, 3, 7, 15, 16, 17, 31, 32, 35, 63, 100, -1, -16, -100, -32768};
#define NOFFS (int)(sizeof OFFS / sizeof OFFS[0])

/* register forms: bt{,s,r,c} %reg_off, %reg */
#define BT_RR(name, insn, T)                                                                      \
    static uint32_t name(uint32_t a_, uint32_t off_, uint32_t fin, uint32_t *fout)                \
    {                                                                                             \
        T a = (T)a_, off = (T)off_;                                                               \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[o], %[a]" FLAGS_SAVE                                 \
                         : [a] "+r"(a), [fout] "=&r"(fo) : [o] "r"(off), [fin] "r"(fin) : "cc");  \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }
/* memory forms with a register offset, base pointer p */
#define BT_MR(name, insn, T)                                                                      \
    static void name(void *p, uint32_t off_, uint32_t fin, uint32_t *fout)                        \
    {                                                                                             \
        T off = (T)off_;                                                                          \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[o], (%[p])" FLAGS_SAVE                               \
                         : [fout] "=&r"(fo) : [o] "r"(off), [p] "r"(p), [fin] "r"(fin)            \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
    }
#define GEN_BT(op)                                                                                \
    BT_RR(op##w_rr, #op "w", uint16_t)                                                            \
    BT_RR(op##l_rr, #op "l", uint32_t)                                                            \
    BT_MR(op##w_mr, #op "w", uint16_t)                                                            \
    BT_MR(op##l_mr, #op "l", uint32_t)
#define GEN_BTLOCK(op)                                                                            \
    GEN_BT(op)                                                                                    \
    BT_MR(op##w_lock, "lock " #op "w", uint16_t)                                                  \
    BT_MR(op##l_lock, "lock " #op "l", uint32_t)
GEN_BT(bt) /* LOCK BT is #UD: no lock form */
GEN_BTLOCK(bts)
GEN_BTLOCK(btr)
GEN_BTLOCK(btc)

typedef uint32_t (*rrfn)(uint32_t, uint32_t, uint32_t, uint32_t *);
typedef void (*mrfn)(void *, uint32_t, uint32_t, uint32_t *);
static const char *const BTN[4] = {"bt", "bts", "btr", "btc"};
static const rrfn RR[4][2] = {{btw_rr, btl_rr}, {btsw_rr, btsl_rr}, {btrw_rr, btrl_rr}, {btcw_rr, btcl_rr}};
static const mrfn MR[4][2] = {{btw_mr, btl_mr}, {btsw_mr, btsl_mr}, {btrw_mr, btrl_mr}, {btcw_mr, btcl_mr}};
static const mrfn ML[4][2] = {{0, 0}, {btsw_lock, btsl_lock}, {btrw_lock, btrl_lock}, {btcw_lock, btcl_lock}};

/* imm8 forms: bt $n, reg / mem (offset taken modulo the width even for memory) */
#define BT_I(name, insn, T, n)                                                                    \
    static uint32_t name##_r(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        T a = (T)a_;                                                                              \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " $" #n ", %[a]" FLAGS_SAVE                              \
                         : [a] "+r"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");                \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }                                                                                             \
    static uint32_t name##_m(uint32_t a_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        volatile T m[2] = {(T)a_, (T)0x5a5a5a5a};                                                 \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " $" #n ", (%[p])" FLAGS_SAVE                            \
                         : [fout] "=&r"(fo) : [p] "r"(m), [fin] "r"(fin) : "cc", "memory");       \
        *fout = fo;                                                                               \
        if (m[1] != (T)0x5a5a5a5a) printf("  imm form touched the next word!\n");                 \
        return m[0];                                                                              \
    }
struct bti {
    int n;
    uint32_t (*r)(uint32_t, uint32_t, uint32_t *);
    uint32_t (*m)(uint32_t, uint32_t, uint32_t *);
};
#define TY_w uint16_t
#define TY_l uint32_t
#define IMMS(X, op, w) X(op, w, 0) X(op, w, 5) X(op, w, 15) X(op, w, 16) X(op, w, 31) X(op, w, 35) X(op, w, 200)
#define DEFI(op, w, n) BT_I(op##w##_i##n, #op #w, TY_##w, n)
#define ROWI(op, w, n) {n, op##w##_i##n##_r, op##w##_i##n##_m},
#define GEN_BTI(op)                                                                               \
    IMMS(DEFI, op, w) IMMS(DEFI, op, l)                                                           \
    static const struct bti op##_iw[] = {IMMS(ROWI, op, w)};                                      \
    static const struct bti op##_il[] = {IMMS(ROWI, op, l)};
GEN_BTI(bt)
GEN_BTI(bts)
GEN_BTI(btr)
GEN_BTI(btc)
static const struct bti *const BTI[4][2] = {{bt_iw, bt_il}, {bts_iw, bts_il}, {btr_iw, btr_il}, {btc_iw, btc_il}};
#define NBTI (int)(sizeof bt_iw / sizeof bt_iw[0])

static const char WCH[3] = {'b', 'w', 'l'};

static void reg_forms(void)
{
    static const uint32_t vals[] = {0x00000000, 0xffffffff, 0x80000001, 0x12345678, 0x0000a5a5};
    for (int op = 0; op < 4; op++)
        for (int w = 0; w < 2; w++) {
            uint32_t mask = w ? 0xffffffff : 0xffff;
            printf("== %s%c register (value offset: result flags[in clear] | [in set])\n", BTN[op], WCH[w + 1]);
            for (unsigned v = 0; v < sizeof vals / sizeof vals[0]; v++)
                for (int k = 0; k < NOFFS; k++) {
                    uint32_t f0, f1, a = vals[v] & mask;
                    uint32_t r0 = RR[op][w](a, (uint32_t)OFFS[k], FIN_CLEAR, &f0) & mask;
                    uint32_t r1 = RR[op][w](a, (uint32_t)OFFS[k], FIN_SET, &f1) & mask;
                    printf("%s%c %08x %6d: %08x %s | %08x %s\n", BTN[op], WCH[w + 1], a, OFFS[k], r0,
                           fl(f0, BTDEF), r1, fl(f1, BTDEF));
                }
            printf("== %s%c imm8 (value imm: reg-result flags / mem-result flags)\n", BTN[op], WCH[w + 1]);
            for (unsigned v = 0; v < sizeof vals / sizeof vals[0]; v++)
                for (int k = 0; k < NBTI; k++) {
                    const struct bti *t = &BTI[op][w][k];
                    uint32_t f0, f1, a = vals[v] & mask;
                    uint32_t r0 = t->r(a, FIN_CLEAR, &f0) & mask;
                    uint32_t r1 = t->m(a, FIN_SET, &f1) & mask;
                    printf("%s%c %08x $%d: %08x %s / %08x %s\n", BTN[op], WCH[w + 1], a, t->n, r0,
                           fl(f0, BTDEF), r1, fl(f1, BTDEF));
                }
        }
}

static void mem_forms(void)
{
    static const int moffs[] = {0, 5, 31, 32, 35, -1, 100, -100, 255, -255};
    for (int op = 0; op < 4; op++)
        for (int lock = 0; lock < 2; lock++)
            for (int w = 0; w < 2; w++) {
                if (lock && op == 0) continue;
                mrfn fn = lock ? ML[op][w] : MR[op][w];
                printf("== %s%s%c memory, register offset (array of 32 %s, operand at index 16)\n",
                       lock ? "lock " : "", BTN[op], WCH[w + 1], w ? "dwords" : "words");
                for (unsigned k = 0; k < sizeof moffs / sizeof moffs[0]; k++) {
                    uint32_t f;
                    if (w) {
                        uint32_t arr[32];
                        for (int i = 0; i < 32; i++) arr[i] = (i & 1) ? 0x0000ffffu : 0xffff0000u;
                        fn(&arr[16], (uint32_t)moffs[k], k & 1 ? FIN_SET : FIN_CLEAR, &f);
                        printf("%s%c off %4d: %s", BTN[op], WCH[w + 1], moffs[k], fl(f, BTDEF));
                        for (int i = 0; i < 32; i++)
                            if (arr[i] != ((i & 1) ? 0x0000ffffu : 0xffff0000u))
                                printf(" [%d]=%08x", i - 16, arr[i]);
                        printf("\n");
                    } else {
                        uint16_t arr[64];
                        for (int i = 0; i < 64; i++) arr[i] = (i & 1) ? 0x0ff0 : 0xf00f;
                        fn(&arr[32], (uint32_t)moffs[k], k & 1 ? FIN_SET : FIN_CLEAR, &f);
                        printf("%s%c off %4d: %s", BTN[op], WCH[w + 1], moffs[k], fl(f, BTDEF));
                        for (int i = 0; i < 64; i++)
                            if (arr[i] != ((i & 1) ? 0x0ff0 : 0xf00f))
                                printf(" [%d]=%04x", i - 32, arr[i]);
                        printf("\n");
                    }
                }
            }
}

/* ---- BSF / BSR ---- */
#define BS(name, insn, T)                                                                         \
    static uint32_t name##_r(uint32_t s_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        T s = (T)s_, d = (T)0x7777;                                                               \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[s], %[d]" FLAGS_SAVE                                 \
                         : [d] "+r"(d), [fout] "=&r"(fo) : [s] "r"(s), [fin] "r"(fin) : "cc");    \
        *fout = fo;                                                                               \
        return d;                                                                                 \
    }                                                                                             \
    static uint32_t name##_m(uint32_t s_, uint32_t fin, uint32_t *fout)                           \
    {                                                                                             \
        volatile T s = (T)s_;                                                                     \
        T d = (T)0x7777;                                                                          \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " (%[p]), %[d]" FLAGS_SAVE                               \
                         : [d] "+r"(d), [fout] "=&r"(fo) : [p] "r"(&s), [fin] "r"(fin)            \
                         : "cc", "memory");                                                       \
        *fout = fo;                                                                               \
        return d;                                                                                 \
    }
BS(bsfw, "bsfw", uint16_t)
BS(bsfl, "bsfl", uint32_t)
BS(bsrw, "bsrw", uint16_t)
BS(bsrl, "bsrl", uint32_t)

static void bsf_bsr(void)
{
    static const uint32_t vals[] = {0,          1,          2,          3,          0x80,       0x100,
                                    0x8000,     0x10000,    0x18000,    0x7fffffff, 0x80000000, 0xffffffff,
                                    0x00f00000, 0x12345678, 0x00010000, 0x40000001};
    struct {
        const char *name;
        uint32_t (*r)(uint32_t, uint32_t, uint32_t *);
        uint32_t (*m)(uint32_t, uint32_t, uint32_t *);
        uint32_t mask;
    } ops[4] = {{"bsfw", bsfw_r, bsfw_m, 0xffff},
                {"bsfl", bsfl_r, bsfl_m, 0xffffffff},
                {"bsrw", bsrw_r, bsrw_m, 0xffff},
                {"bsrl", bsrl_r, bsrl_m, 0xffffffff}};
    printf("== bsf/bsr (source: reg-form dest ZF | mem-form dest ZF)\n");
    for (int o = 0; o < 4; o++)
        for (unsigned v = 0; v < sizeof vals / sizeof vals[0]; v++) {
            uint32_t s = vals[v] & ops[o].mask, f0, f1;
            uint32_t d0 = ops[o].r(s, FIN_CLEAR, &f0) & ops[o].mask;
            uint32_t d1 = ops[o].m(s, FIN_SET, &f1) & ops[o].mask;
            if (s == 0)
                printf("%s %08x: dest undefined %s | dest undefined %s\n", ops[o].name, s,
                       fl(f0, F_ZF), fl(f1, F_ZF));
            else
                printf("%s %08x: %u %s | %u %s\n", ops[o].name, s, d0, fl(f0, F_ZF), d1, fl(f1, F_ZF));
        }
    /* BSF/BSR on a 16-bit operand must leave the upper half of the 32-bit register alone */
    uint32_t d = 0xabcd0000;
    uint16_t s16 = 0x0100;
    __asm__ volatile("bsfw %1, %w0" : "+r"(d) : "r"(s16) : "cc");
    printf("bsfw 0100 into abcd0000: %08x\n", d);
}

static void bswap_all(void)
{
    printf("== bswap\n");
    uint32_t a = 0x11223344, b = 0x55667788, c = 0x99aabbcc, d = 0xddeeff00, s = 0x01234567,
             di = 0x89abcdef;
    __asm__ volatile("bswap %%eax\n\tbswap %%ebx\n\tbswap %%ecx\n\tbswap %%edx\n\tbswap %%esi\n\tbswap %%edi"
            : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di));
    printf("bswap eax..edi: %08x %08x %08x %08x %08x %08x\n", a, b, c, d, s, di);
    uint32_t fo, fin = FIN_SET, x = 0x80000001;
    __asm__ volatile(FLAGS_LOAD "bswap %[x]" FLAGS_SAVE : [x] "+r"(x), [fout] "=&r"(fo) : [fin] "r"(fin));
    printf("bswap 80000001: %08x flags preserved %s\n", x, fl(fo, F_ARITH));
    /* ebp too: save/restore around it */
    uint32_t e = 0xfedcba98;
    __asm__ volatile("pushl %%ebp\n\tmovl %0, %%ebp\n\tbswap %%ebp\n\tmovl %%ebp, %0\n\tpopl %%ebp"
                     : "+a"(e));
    printf("bswap ebp fedcba98: %08x\n", e);
}

int main(void)
{
    printf("flags legend: C P A Z S O; '-' clear, '.' undefined (masked)\n");
    reg_forms();
    mem_forms();
    bsf_bsr();
    bswap_all();
    return 0;
}
