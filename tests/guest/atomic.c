/* Exchange and atomic instructions: CMPXCHG 8/16/32 (register and memory destination, equal and
 * unequal outcomes, LOCK), CMPXCHG8B (both outcomes, LOCK), XADD 8/16/32 (register and memory,
 * LOCK, same register twice), XCHG (register/register incl. the 90+r short forms, register/
 * memory, 8/16/32), and LOCK-prefixed read-modify-write ALU ops on memory.
 * SDM Vol.2A CMPXCHG: flags as CMP accumulator, destination.  CMPXCHG8B: only ZF changes.
 * XADD: flags as ADD.  XCHG: no flags.
 */
#include "guest_util.h"

static const char WCH[3] = {'b', 'w', 'l'};
static const uint32_t WMASK[3] = {0xff, 0xffff, 0xffffffff};

#define CX_R(name, insn, T, C)                                                                    \
    static void name(uint32_t *acc, uint32_t *dst, uint32_t src_, uint32_t fin, uint32_t *fout)   \
    {                                                                                             \
        uint32_t a = *acc, fo;                                                                    \
        T d = (T)*dst, s = (T)src_;                                                               \
        __asm__ volatile(FLAGS_LOAD insn " %[s], %[d]" FLAGS_SAVE                                 \
                         : "+a"(a), [d] "+" C(d), [fout] "=&r"(fo) : [s] C(s), [fin] "r"(fin)     \
                         : "cc");                                                                 \
        *acc = a, *dst = d, *fout = fo;                                                           \
    }
#define CX_M(name, insn, T, C)                                                                    \
    static void name(uint32_t *acc, uint32_t *dst, uint32_t src_, uint32_t fin, uint32_t *fout)   \
    {                                                                                             \
        uint32_t a = *acc, fo;                                                                    \
        volatile T m = (T)*dst;                                                                   \
        T s = (T)src_;                                                                            \
        __asm__ volatile(FLAGS_LOAD insn " %[s], (%[p])" FLAGS_SAVE                               \
                         : "+a"(a), [fout] "=&r"(fo) : [s] C(s), [p] "r"(&m), [fin] "r"(fin)      \
                         : "cc", "memory");                                                       \
        *acc = a, *dst = m, *fout = fo;                                                           \
    }
CX_R(cxb_r, "cmpxchgb", uint8_t, "q")
CX_R(cxw_r, "cmpxchgw", uint16_t, "r")
CX_R(cxl_r, "cmpxchgl", uint32_t, "r")
CX_M(cxb_m, "cmpxchgb", uint8_t, "q")
CX_M(cxw_m, "cmpxchgw", uint16_t, "r")
CX_M(cxl_m, "cmpxchgl", uint32_t, "r")
CX_M(cxb_l, "lock cmpxchgb", uint8_t, "q")
CX_M(cxw_l, "lock cmpxchgw", uint16_t, "r")
CX_M(cxl_l, "lock cmpxchgl", uint32_t, "r")
typedef void (*cxfn)(uint32_t *, uint32_t *, uint32_t, uint32_t, uint32_t *);

static void cmpxchg(void)
{
    static const cxfn fns[3][3] = {{cxb_r, cxb_m, cxb_l}, {cxw_r, cxw_m, cxw_l}, {cxl_r, cxl_m, cxl_l}};
    static const char *fname[3] = {"reg", "mem", "lock-mem"};
    static const uint32_t cases[][3] = {
        /* acc, dst, src */
        {0x11223344, 0x11223344, 0xcafebabe}, {0x11223344, 0x55667788, 0xcafebabe},
        {0x00000000, 0x00000001, 0xffffffff}, {0x80000000, 0x7fffffff, 0x00000001},
        {0xffffffff, 0xffffffff, 0x00000000}, {0x12345680, 0xabcdef80, 0x01010101},
        {0x0000ff00, 0x0001ff00, 0x00000077},
    };
    printf("== cmpxchg (acc dst src -> acc dst flags)\n");
    for (int w = 0; w < 3; w++)
        for (int f = 0; f < 3; f++)
            for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                uint32_t acc = cases[i][0], dst = cases[i][1] & WMASK[w], fo;
                uint32_t acc0 = acc, dst0 = dst;
                fns[w][f](&acc, &dst, cases[i][2], i & 1 ? FIN_SET : FIN_CLEAR, &fo);
                printf("cmpxchg%c %-8s %08x %08x %08x -> %08x %08x %s\n", WCH[w], fname[f], acc0,
                       dst0, cases[i][2] & WMASK[w], acc, dst & WMASK[w], fl(fo, F_ARITH));
            }
    /* both operands the same register: always equal, dest := src */
    uint32_t a = 0x1234, fo, fin = FIN_CLEAR;
    __asm__ volatile(FLAGS_LOAD "cmpxchgl %%eax, %%eax" FLAGS_SAVE : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");
    printf("cmpxchgl %%eax,%%eax: %08x %s\n", a, fl(fo, F_ARITH));
    /* acc is AH? no: cmpxchgb uses AL; AH (and the rest of EAX) must survive */
    a = 0xaabbcc11;
    uint8_t d8 = 0x22, s8 = 0x33;
    __asm__ volatile("cmpxchgb %[s], %[d]" : "+a"(a), [d] "+q"(d8) : [s] "q"(s8) : "cc");
    printf("cmpxchgb unequal, eax was aabbcc11: eax=%08x\n", a);
}

static void cmpxchg8b(void)
{
    printf("== cmpxchg8b (edx:eax ecx:ebx m64 -> edx:eax m64 flags[in clear] | flags[in set])\n");
    static const uint64_t cases[][3] = {
        {0x1122334455667788ull, 0xaabbccddeeff0011ull, 0x1122334455667788ull},
        {0x1122334455667788ull, 0xaabbccddeeff0011ull, 0x1122334455667789ull},
        {0x1122334455667788ull, 0xaabbccddeeff0011ull, 0x0122334455667788ull},
        {0, 0xffffffffffffffffull, 0},
        {0xffffffffffffffffull, 1, 0xfffffffffffffffeull},
    };
    for (int lock = 0; lock < 2; lock++)
        for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            uint32_t fo[2], eax = 0, edx = 0;
            volatile uint64_t m = 0;
            for (int k = 0; k < 2; k++) {
                uint32_t fin = k ? FIN_SET : FIN_CLEAR;
                eax = (uint32_t)cases[i][0], edx = (uint32_t)(cases[i][0] >> 32);
                uint32_t ebx = (uint32_t)cases[i][1], ecx = (uint32_t)(cases[i][1] >> 32);
                m = cases[i][2];
                /* flags in/out through EDI: push/pop around the instruction */
                uint32_t fl_io = fin;
                if (lock)
                    __asm__ volatile("pushl %%edi\n\tpopfl\n\tlock cmpxchg8b (%%esi)\n\tpushfl\n\tpopl %%edi"
                                     : "+a"(eax), "+d"(edx), "+D"(fl_io)
                                     : "b"(ebx), "c"(ecx), "S"(&m) : "cc", "memory");
                else
                    __asm__ volatile("pushl %%edi\n\tpopfl\n\tcmpxchg8b (%%esi)\n\tpushfl\n\tpopl %%edi"
                                     : "+a"(eax), "+d"(edx), "+D"(fl_io)
                                     : "b"(ebx), "c"(ecx), "S"(&m) : "cc", "memory");
                fo[k] = fl_io;
            }
            printf("%scmpxchg8b %016llx %016llx %016llx -> %08x%08x %016llx %s | %s\n",
                   lock ? "lock " : "", (unsigned long long)cases[i][0],
                   (unsigned long long)cases[i][1], (unsigned long long)cases[i][2], edx, eax,
                   (unsigned long long)m, fl(fo[0], F_ARITH), fl(fo[1], F_ARITH));
        }
}

#define XADD_R(name, insn, T, C)                                                                  \
    static void name(uint32_t *src, uint32_t *dst, uint32_t fin, uint32_t *fout)                  \
    {                                                                                             \
        T s = (T)*src, d = (T)*dst;                                                               \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[s], %[d]" FLAGS_SAVE                                 \
                         : [s] "+" C(s), [d] "+" C(d), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc"); \
        *src = s, *dst = d, *fout = fo;                                                           \
    }
#define XADD_M(name, insn, T, C)                                                                  \
    static void name(uint32_t *src, uint32_t *dst, uint32_t fin, uint32_t *fout)                  \
    {                                                                                             \
        T s = (T)*src;                                                                            \
        volatile T m = (T)*dst;                                                                   \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn " %[s], (%[p])" FLAGS_SAVE                               \
                         : [s] "+" C(s), [fout] "=&r"(fo) : [p] "r"(&m), [fin] "r"(fin)           \
                         : "cc", "memory");                                                       \
        *src = s, *dst = m, *fout = fo;                                                           \
    }
XADD_R(xab_r, "xaddb", uint8_t, "q")
XADD_R(xaw_r, "xaddw", uint16_t, "r")
XADD_R(xal_r, "xaddl", uint32_t, "r")
XADD_M(xab_m, "xaddb", uint8_t, "q")
XADD_M(xaw_m, "xaddw", uint16_t, "r")
XADD_M(xal_m, "xaddl", uint32_t, "r")
XADD_M(xab_l, "lock xaddb", uint8_t, "q")
XADD_M(xaw_l, "lock xaddw", uint16_t, "r")
XADD_M(xal_l, "lock xaddl", uint32_t, "r")
typedef void (*xafn)(uint32_t *, uint32_t *, uint32_t, uint32_t *);

static void xadd(void)
{
    static const xafn fns[3][3] = {{xab_r, xab_m, xab_l}, {xaw_r, xaw_m, xaw_l}, {xal_r, xal_m, xal_l}};
    static const char *fname[3] = {"reg", "mem", "lock-mem"};
    static const uint32_t cases[][2] = {{1, 2}, {0x7f, 1}, {0xff, 1}, {0x7fff, 1}, {0xffff, 0xffff},
                                        {0x7fffffff, 1}, {0xffffffff, 1}, {0x80000000, 0x80000000},
                                        {0x12345678, 0x0f0f0f0f}};
    printf("== xadd (src dst -> src dst flags)\n");
    for (int w = 0; w < 3; w++)
        for (int f = 0; f < 3; f++)
            for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                uint32_t s = cases[i][0] & WMASK[w], d = cases[i][1] & WMASK[w], fo;
                fns[w][f](&s, &d, i & 1 ? FIN_SET : FIN_CLEAR, &fo);
                printf("xadd%c %-8s %08x %08x -> %08x %08x %s\n", WCH[w], fname[f],
                       cases[i][0] & WMASK[w], cases[i][1] & WMASK[w], s & WMASK[w], d & WMASK[w],
                       fl(fo, F_ARITH));
            }
    uint32_t a = 0x40000001, fo, fin = FIN_CLEAR;
    __asm__ volatile(FLAGS_LOAD "xaddl %%eax, %%eax" FLAGS_SAVE : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");
    printf("xaddl %%eax,%%eax on 40000001: %08x %s\n", a, fl(fo, F_ARITH));
    a = 0x00008081;
    __asm__ volatile(FLAGS_LOAD "xaddb %%ah, %%al" FLAGS_SAVE : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc");
    printf("xaddb %%ah,%%al on 00008081: %08x %s\n", a, fl(fo, F_ARITH));
}

static void xchg(void)
{
    printf("== xchg\n");
    uint32_t a = 0x11111111, b = 0x22222222, c = 0x33333333, d = 0x44444444, s = 0x55555555,
             di = 0x66666666, fo, fin = FIN_SET;
    /* 90+r short forms: gas uses them for xchg with %eax */
    __asm__ volatile(FLAGS_LOAD "xchgl %%eax, %%ebx\n\txchgl %%ecx, %%eax\n\txchgl %%eax, %%edx\n\t"
                                "xchgl %%esi, %%eax\n\txchgl %%eax, %%edi" FLAGS_SAVE
                     : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(s), "+D"(di), [fout] "=m"(fo)
                     : [fin] "m"(fin)
                     : "cc");
    printf("xchgl 90+r chain: %08x %08x %08x %08x %08x %08x flags %s\n", a, b, c, d, s, di,
           fl(fo, F_ARITH));
    a = 0x11111111, b = 0x22222222;
    __asm__ volatile("xchgl %%ebx, %%ecx\n\txchgw %%ax, %%bx\n\txchgb %%ah, %%bl\n\txchgb %%cl, %%ch"
            : "+a"(a), "+b"(b), "+c"(c));
    printf("xchg mixed widths: eax=%08x ebx=%08x ecx=%08x\n", a, b, c);
    a = 0x12345678;
    __asm__ volatile("xchgw %%ax, %%ax\n\t.byte 0x90\n\t.byte 0x66, 0x90" : "+a"(a));
    printf("xchgw ax,ax / nop / 66 90: eax=%08x\n", a);
    volatile uint32_t m32 = 0xaaaaaaaa;
    volatile uint16_t m16 = 0xbbbb;
    volatile uint8_t m8 = 0xcc;
    a = 0x01020304, b = 0x05060708, c = 0x090a0b0c;
    __asm__ volatile("xchgl %%eax, (%[p32])\n\txchgw (%[p16]), %%bx\n\txchgb %%cl, (%[p8])\n\t"
                     "lock xchgl %%eax, (%[p32])"
                     : "+a"(a), "+b"(b), "+c"(c)
                     : [p32] "r"(&m32), [p16] "r"(&m16), [p8] "r"(&m8)
                     : "memory");
    printf("xchg memory: eax=%08x ebx=%08x ecx=%08x m32=%08x m16=%04x m8=%02x\n", a, b, c, m32, m16, m8);
}

/* LOCK on the read-modify-write ALU forms */
static void lock_alu(void)
{
    printf("== lock alu on memory (before -> after flags)\n");
    struct {
        const char *name;
        int k;
    } ops[] = {{"lock addl $0x7fffffff", 0}, {"lock subl $1", 1}, {"lock andl $0xf0f0f0f0", 2},
               {"lock orl $0x0f", 3},        {"lock xorl $-1", 4}, {"lock incl", 5},
               {"lock decl", 6},              {"lock notl", 7},     {"lock negl", 8},
               {"lock adcl $0", 9},           {"lock sbbl $0", 10}, {"lock addw $1", 11},
               {"lock addb $1", 12},          {"lock orb %al", 13}};
    static const uint32_t vals[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff};
    for (unsigned o = 0; o < sizeof ops / sizeof ops[0]; o++)
        for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
            volatile uint32_t m = vals[i];
            uint32_t fo = 0, fin = FIN_SET, al = 0x81;
            switch (ops[o].k) {
#define L(k, s)                                                                                   \
    case k:                                                                                       \
        __asm__ volatile(FLAGS_LOAD s FLAGS_SAVE : [fout] "=&r"(fo) : [p] "r"(&m), [fin] "r"(fin), "a"(al) : "cc", "memory"); \
        break;
                L(0, "lock addl $0x7fffffff, (%[p])")
                L(1, "lock subl $1, (%[p])")
                L(2, "lock andl $0xf0f0f0f0, (%[p])")
                L(3, "lock orl $0x0f, (%[p])")
                L(4, "lock xorl $-1, (%[p])")
                L(5, "lock incl (%[p])")
                L(6, "lock decl (%[p])")
                L(7, "lock notl (%[p])")
                L(8, "lock negl (%[p])")
                L(9, "lock adcl $0, (%[p])")
                L(10, "lock sbbl $0, (%[p])")
                L(11, "lock addw $1, (%[p])")
                L(12, "lock addb $1, (%[p])")
                L(13, "lock orb %%al, (%[p])")
#undef L
            }
            uint32_t def = (ops[o].k == 2 || ops[o].k == 3 || ops[o].k == 4 || ops[o].k == 13)
                               ? F_ARITH & ~F_AF : F_ARITH;
            printf("%-22s %08x -> %08x %s\n", ops[o].name, vals[i], m, fl(fo, def));
        }
}

int main(void)
{
    printf("flags legend: C P A Z S O; '-' clear, '.' undefined (masked)\n");
    cmpxchg();
    cmpxchg8b();
    xadd();
    xchg();
    lock_alu();
    return 0;
}
