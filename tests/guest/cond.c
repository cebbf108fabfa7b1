/* Condition codes: SETcc (register and memory), CMOVcc (16/32, register and memory source),
 * Jcc (rel8 and rel32 encodings) for all 16 conditions over all 32 combinations of
 * CF PF ZF SF OF (loaded with POPF); conditions after CMP on boundary values; CLC STC CMC;
 * LAHF/SAHF for all 256 AH values.
 * Each line prints the 16 conditions in opcode order: o no b ae e ne be a s ns p np l ge le g.
 */
#include "guest_util.h"

#define CONDS(X) X(o) X(no) X(b) X(ae) X(e) X(ne) X(be) X(a) X(s) X(ns) X(p) X(np) X(l) X(ge) X(le) X(g)

/* SETcc into 16 bytes of memory */
static void setcc_mem(uint32_t fin, uint8_t out[16])
{
    __asm__ volatile(FLAGS_LOAD "seto 0(%[p])\n\tsetno 1(%[p])\n\tsetb 2(%[p])\n\tsetae 3(%[p])\n\t"
                                "sete 4(%[p])\n\tsetne 5(%[p])\n\tsetbe 6(%[p])\n\tseta 7(%[p])\n\t"
                                "sets 8(%[p])\n\tsetns 9(%[p])\n\tsetp 10(%[p])\n\tsetnp 11(%[p])\n\t"
                                "setl 12(%[p])\n\tsetge 13(%[p])\n\tsetle 14(%[p])\n\tsetg 15(%[p])"
                     :
                     : [p] "r"(out), [fin] "r"(fin)
                     : "cc", "memory");
}

/* SETcc into a byte register: AH/BL/CH/DL alternate so high-byte registers are covered too */
#define SET_R(c)                                                                                  \
    static uint32_t setr_##c(uint32_t fin)                                                        \
    {                                                                                             \
        uint32_t a = 0x11111111, b = 0x22222222;                                                  \
        __asm__ volatile(FLAGS_LOAD "set" #c " %%ah\n\tset" #c " %%bl"                            \
                         : "+a"(a), "+b"(b) : [fin] "r"(fin) : "cc");                             \
        if ((a & 0xffff00ffu) != 0x11110011u || (b & 0xffffff00u) != 0x22222200u) return 0x99; \
        return (a >> 8 & 0xff) | (b & 0xff) << 8 | (a & 0xffff0000u);                             \
    }
CONDS(SET_R)
static uint32_t (*const SETR[16])(uint32_t) = {
#define SR_ROW(c) setr_##c,
    CONDS(SR_ROW)
#undef SR_ROW
};

/* CMOVcc: returns the destination after "cmovCC src, dst"; src 0x22222222, dst 0x11111111 */
#define CMOV(c)                                                                                   \
    static uint32_t cmovl_r_##c(uint32_t fin)                                                     \
    {                                                                                             \
        uint32_t d = 0x11111111, s = 0x22222222;                                                  \
        __asm__ volatile(FLAGS_LOAD "cmov" #c "l %[s], %[d]" : [d] "+r"(d) : [s] "r"(s), [fin] "r"(fin) : "cc"); \
        return d;                                                                                 \
    }                                                                                             \
    static uint32_t cmovl_m_##c(uint32_t fin)                                                     \
    {                                                                                             \
        uint32_t d = 0x11111111;                                                                  \
        volatile uint32_t s = 0x22222222;                                                         \
        __asm__ volatile(FLAGS_LOAD "cmov" #c "l (%[p]), %[d]"                                    \
                         : [d] "+r"(d) : [p] "r"(&s), [fin] "r"(fin) : "cc", "memory");           \
        return d;                                                                                 \
    }                                                                                             \
    static uint32_t cmovw_r_##c(uint32_t fin)                                                     \
    {                                                                                             \
        uint32_t d = 0x11111111, s = 0x22222222;                                                  \
        __asm__ volatile(FLAGS_LOAD "cmov" #c "w %w[s], %w[d]" : [d] "+r"(d) : [s] "r"(s), [fin] "r"(fin) : "cc"); \
        return d;                                                                                 \
    }                                                                                             \
    static uint32_t cmovw_m_##c(uint32_t fin)                                                     \
    {                                                                                             \
        uint32_t d = 0x11111111;                                                                  \
        volatile uint16_t s = 0x2222;                                                             \
        __asm__ volatile(FLAGS_LOAD "cmov" #c "w (%[p]), %w[d]"                                   \
                         : [d] "+r"(d) : [p] "r"(&s), [fin] "r"(fin) : "cc", "memory");           \
        return d;                                                                                 \
    }
CONDS(CMOV)
struct cmovs {
    uint32_t (*lr)(uint32_t), (*lm)(uint32_t), (*wr)(uint32_t), (*wm)(uint32_t);
};
static const struct cmovs CMOVS[16] = {
#define CM_ROW(c) {cmovl_r_##c, cmovl_m_##c, cmovw_r_##c, cmovw_m_##c},
    CONDS(CM_ROW)
#undef CM_ROW
};

/* Jcc: returns 1 if taken.  rel8 (gas default for a near label) and rel32 ({disp32}). */
#define JCC(c)                                                                                    \
    static uint32_t j8_##c(uint32_t fin)                                                          \
    {                                                                                             \
        uint32_t r = 1;                                                                           \
        __asm__ volatile(FLAGS_LOAD "j" #c " 1f\n\tmovl $0, %[r]\n1:" : [r] "+r"(r) : [fin] "r"(fin) : "cc"); \
        return r;                                                                                 \
    }                                                                                             \
    static uint32_t j32_##c(uint32_t fin)                                                         \
    {                                                                                             \
        uint32_t r = 1;                                                                           \
        __asm__ volatile(FLAGS_LOAD "%{disp32%} j" #c " 1f\n\tmovl $0, %[r]\n1:"                  \
                         : [r] "+r"(r) : [fin] "r"(fin) : "cc");                                  \
        return r;                                                                                 \
    }                                                                                             \
    static uint32_t jback_##c(uint32_t fin)                                                       \
    {                                                                                             \
        uint32_t r = 0;                                                                           \
        __asm__ volatile("jmp 2f\n1:\n\tmovl $1, %[r]\n\tjmp 3f\n2:\n\t" FLAGS_LOAD "j" #c " 1b\n3:" \
                         : [r] "+r"(r) : [fin] "r"(fin) : "cc");                                  \
        return r;                                                                                 \
    }
CONDS(JCC)
struct jccs {
    uint32_t (*j8)(uint32_t), (*j32)(uint32_t), (*jb)(uint32_t);
};
static const struct jccs JCCS[16] = {
#define J_ROW(c) {j8_##c, j32_##c, jback_##c},
    CONDS(J_ROW)
#undef J_ROW
};

static uint32_t combo_flags(int k)
{
    uint32_t f = FIN_CLEAR;
    if (k & 1) f |= F_CF;
    if (k & 2) f |= F_PF;
    if (k & 4) f |= F_ZF;
    if (k & 8) f |= F_SF;
    if (k & 16) f |= F_OF;
    if (k & 1) f |= F_AF; /* AF must not matter to any condition */
    return f;
}

static void all_conditions(void)
{
    int bad = 0;
    printf("== conditions by flags (o no b ae e ne be a s ns p np l ge le g)\n");
    for (int k = 0; k < 32; k++) {
        uint32_t fin = combo_flags(k);
        uint8_t m[16];
        memset(m, 0x55, sizeof m);
        setcc_mem(fin, m);
        char s[17], r[17], cl[17], cm[17], cw[17], cwm[17], j8[17], j32[17], jb[17];
        for (int c = 0; c < 16; c++) {
            s[c] = m[c] == 1 ? '1' : m[c] == 0 ? '0' : '?';
            uint32_t v = SETR[c](fin);
            r[c] = (v & 0xff) == 1 && (v >> 8 & 0xff) == 1 ? '1' : (v & 0xffff) == 0 ? '0' : '?';
            if ((v & 0xffff0000u) != 0x11110000u) r[c] = '!';
            uint32_t x = CMOVS[c].lr(fin);
            cl[c] = x == 0x22222222 ? '1' : x == 0x11111111 ? '0' : '?';
            x = CMOVS[c].lm(fin);
            cm[c] = x == 0x22222222 ? '1' : x == 0x11111111 ? '0' : '?';
            x = CMOVS[c].wr(fin);
            cw[c] = x == 0x11112222 ? '1' : x == 0x11111111 ? '0' : '?';
            x = CMOVS[c].wm(fin);
            cwm[c] = x == 0x11112222 ? '1' : x == 0x11111111 ? '0' : '?';
            j8[c] = (char)('0' + JCCS[c].j8(fin));
            j32[c] = (char)('0' + JCCS[c].j32(fin));
            jb[c] = (char)('0' + JCCS[c].jb(fin));
        }
        s[16] = r[16] = cl[16] = cm[16] = cw[16] = cwm[16] = j8[16] = j32[16] = jb[16] = 0;
        printf("flags %s: setcc %s\n", fl(fin, F_ARITH), s);
        const char *others[8] = {r, cl, cm, cw, cwm, j8, j32, jb};
        static const char *on[8] = {"setcc-reg", "cmovl-reg", "cmovl-mem", "cmovw-reg",
                                    "cmovw-mem", "jcc-rel8",  "jcc-rel32", "jcc-back"};
        for (int o = 0; o < 8; o++)
            if (strcmp(others[o], s)) {
                printf("  MISMATCH %s %s\n", on[o], others[o]);
                bad++;
            }
    }
    printf("setcc-reg/cmov/jcc forms: %d mismatches\n", bad);
}

static void after_cmp(void)
{
    static const uint32_t v[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x7f, 0x80, 0xff};
    printf("== conditions after cmpl a, b / cmpb (o no b ae e ne be a s ns p np l ge le g)\n");
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
        for (unsigned j = 0; j < sizeof v / sizeof v[0]; j++) {
            uint8_t m[16], mb[16];
            uint32_t a = v[i], b = v[j];
            __asm__ volatile("cmpl %[b], %[a]\n\t"
                             "seto 0(%[p])\n\tsetno 1(%[p])\n\tsetb 2(%[p])\n\tsetae 3(%[p])\n\t"
                             "sete 4(%[p])\n\tsetne 5(%[p])\n\tsetbe 6(%[p])\n\tseta 7(%[p])\n\t"
                             "sets 8(%[p])\n\tsetns 9(%[p])\n\tsetp 10(%[p])\n\tsetnp 11(%[p])\n\t"
                             "setl 12(%[p])\n\tsetge 13(%[p])\n\tsetle 14(%[p])\n\tsetg 15(%[p])"
                             : : [a] "r"(a), [b] "r"(b), [p] "r"(m) : "cc", "memory");
            uint8_t ab = (uint8_t)a, bb = (uint8_t)b;
            __asm__ volatile("cmpb %[b], %[a]\n\t"
                             "seto 0(%[p])\n\tsetno 1(%[p])\n\tsetb 2(%[p])\n\tsetae 3(%[p])\n\t"
                             "sete 4(%[p])\n\tsetne 5(%[p])\n\tsetbe 6(%[p])\n\tseta 7(%[p])\n\t"
                             "sets 8(%[p])\n\tsetns 9(%[p])\n\tsetp 10(%[p])\n\tsetnp 11(%[p])\n\t"
                             "setl 12(%[p])\n\tsetge 13(%[p])\n\tsetle 14(%[p])\n\tsetg 15(%[p])"
                             : : [a] "q"(ab), [b] "q"(bb), [p] "r"(mb) : "cc", "memory");
            char s[17], sb[17];
            for (int c = 0; c < 16; c++) s[c] = (char)('0' + m[c]), sb[c] = (char)('0' + mb[c]);
            s[16] = sb[16] = 0;
            printf("cmp %08x %08x: l %s b %s\n", a, b, s, sb);
        }
}

static void carry_ops(void)
{
    printf("== clc stc cmc (from clear | from all set)\n");
    static const char *names[3] = {"clc", "stc", "cmc"};
    for (int k = 0; k < 3; k++) {
        uint32_t f0, f1;
        for (int s = 0; s < 2; s++) {
            uint32_t fin = s ? FIN_SET : FIN_CLEAR, fo;
            if (k == 0) __asm__ volatile(FLAGS_LOAD "clc" FLAGS_SAVE : [fout] "=r"(fo) : [fin] "r"(fin) : "cc");
            else if (k == 1) __asm__ volatile(FLAGS_LOAD "stc" FLAGS_SAVE : [fout] "=r"(fo) : [fin] "r"(fin) : "cc");
            else __asm__ volatile(FLAGS_LOAD "cmc" FLAGS_SAVE : [fout] "=r"(fo) : [fin] "r"(fin) : "cc");
            if (s) f1 = fo;
            else f0 = fo;
        }
        printf("%s: %s | %s\n", names[k], fl(f0, F_ARITH), fl(f1, F_ARITH));
    }
}

static void lahf_sahf(void)
{
    printf("== sahf then pushf / lahf (AH in: flags-after-sahf [OF in clear] lahf-AH; OF in set)\n");
    for (int ah = 0; ah < 256; ah++) {
        uint32_t f0, f1, a0, a1;
        uint32_t fin0 = FIN_CLEAR, fin1 = FIN_CLEAR | F_OF;
        a0 = 0xdead0000u | (uint32_t)ah << 8 | 0x5a;
        a1 = a0;
        __asm__ volatile(FLAGS_LOAD "sahf\n\tmovb $0x77, %%ah\n\tpushfl\n\tlahf\n\tpopl %[fout]"
                         : "+a"(a0), [fout] "=&r"(f0) : [fin] "r"(fin0) : "cc");
        __asm__ volatile(FLAGS_LOAD "sahf\n\tmovb $0x77, %%ah\n\tpushfl\n\tlahf\n\tpopl %[fout]"
                         : "+a"(a1), [fout] "=&r"(f1) : [fin] "r"(fin1) : "cc");
        printf("%02x:%s %02x %s %02x%s", ah, fl(f0, F_ARITH), a0 >> 8 & 0xff, fl(f1, F_ARITH),
               a1 >> 8 & 0xff, (ah & 3) == 3 ? "\n" : "  ");
        if ((a0 & 0xffff00ff) != 0xdead005a) printf("LAHF clobbered other bits: %08x\n", a0);
    }
}

int main(void)
{
    printf("flags legend: C P A Z S O; '-' clear, '.' undefined (masked)\n");
    all_conditions();
    after_cmp();
    carry_ops();
    lahf_sahf();
    return 0;
}
