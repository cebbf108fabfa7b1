/* Stack and control flow: PUSHF/POPF (DF, AC, ID, NT, all writable bits, 16-bit forms), ENTER
 * with nesting levels 0, 1, 3 and LEAVE, PUSHA/POPA (32 and 16 bit), PUSH/POP of 16-bit values,
 * immediates (sign-extended imm8), memory, PUSH ESP / POP ESP / POP into an ESP-based address,
 * segment registers (low 16 bits only: SDM leaves the upper half of a 32-bit slot implementation-
 * specific), CALL/JMP indirect through register, memory and a table, RET imm16, LOOP LOOPE LOOPNE
 * JECXZ and their 0x67 (CX) forms.  Only offsets and values, never addresses, are printed.
 */
#include "guest_util.h"

static void pushf_popf(void)
{
    printf("== pushf/popf\n");
    uint32_t orig, after;
    /* DF */
    __asm__ volatile("pushfl\n\tpopl %[o]\n\tstd\n\tpushfl\n\tpopl %[a]\n\tcld"
                     : [o] "=&r"(orig), [a] "=&r"(after) : : "cc");
    printf("std: DF %u -> %u\n", orig >> 10 & 1, after >> 10 & 1);
    /* AC: set through POPF and read straight back (Linux enables alignment checking via CR0.AM,
     * so clear it before any possibly unaligned access) */
    __asm__ volatile("pushfl\n\tpopl %[o]\n\tmovl %[o], %[a]\n\torl $0x40000, %[a]\n\tpushl %[a]\n\tpopfl\n\t"
                     "pushfl\n\tpopl %[a]\n\tpushl %[o]\n\tpopfl"
                     : [o] "=&r"(orig), [a] "=&r"(after) : : "cc");
    printf("AC: initially %u, after popf %u\n", orig >> 18 & 1, after >> 18 & 1);
    /* ID toggles on an i586+ (the CPUID detection idiom) */
    __asm__ volatile("pushfl\n\tpopl %[o]\n\tmovl %[o], %[a]\n\txorl $0x200000, %[a]\n\tpushl %[a]\n\tpopfl\n\t"
                     "pushfl\n\tpopl %[a]\n\tpushl %[o]\n\tpopfl"
                     : [o] "=&r"(orig), [a] "=&r"(after) : : "cc");
    printf("ID toggled: %s\n", yesno(((orig ^ after) & F_ID) != 0));
    /* all bits but TF: what sticks at CPL 3 (IF and IOPL cannot change, VM/VIF/VIP/RF stay 0) */
    __asm__ volatile("pushfl\n\tpopl %[o]\n\tpushl $0xfffffeff\n\tpopfl\n\tpushfl\n\tpopl %[a]\n\t"
                     "pushl %[o]\n\tpopfl"
                     : [o] "=&r"(orig), [a] "=&r"(after) : : "cc");
    printf("popf 0xfffffeff -> %08x (IF=1 before: %s)\n", after, yesno(orig & F_IF));
    __asm__ volatile("pushfl\n\tpopl %[o]\n\tpushl $0\n\tpopfl\n\tpushfl\n\tpopl %[a]\n\tpushl %[o]\n\tpopfl"
                     : [o] "=&r"(orig), [a] "=&r"(after) : : "cc");
    printf("popf 0 -> %08x\n", after);
    /* 16-bit PUSHF/POPF: only the low 16 bits, 2 bytes of stack */
    uint32_t d1, d2, v16 = 0;
    __asm__ volatile("pushfl\n\tpopl %[o]\n\tmovl %%esp, %[d1]\n\tpushw $0x0cd5\n\tpopfw\n\tpushfw\n\t"
                     "movl %%esp, %[d2]\n\tpopw %w[v]\n\tpushl %[o]\n\tpopfl"
                     : [o] "=&r"(orig), [d1] "=&r"(d1), [d2] "=&r"(d2), [v] "+r"(v16) : : "cc");
    printf("popfw 0x0cd5; pushfw -> %04x, pushfw moved esp by %d\n", v16, (int)(d1 - d2));
}

/* ENTER size, level with EBP pointing at a fake frame whose display slots hold known values. */
#define ENTER_TEST(level)                                                                         \
    static void enter_##level(uint32_t out[9])                                                    \
    {                                                                                             \
        static uint32_t fake[8] = {0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555,  \
                                   0x66666666, 0x77777777, 0x88888888};                          \
        __asm__ volatile("pushl %%ebp\n\t"                                                        \
                         "movl %[f], %%ebp\n\t"                                                   \
                         "movl %%esp, %%edi\n\t"                                                  \
                         "enter $0x18, $" #level "\n\t"                                           \
                         "movl %%edi, %%eax\n\tsubl %%ebp, %%eax\n\tmovl %%eax, 0(%%ecx)\n\t"     \
                         "movl %%ebp, %%eax\n\tsubl %%esp, %%eax\n\tmovl %%eax, 4(%%ecx)\n\t"     \
                         "movl (%%ebp), %%eax\n\tsubl %[f], %%eax\n\tmovl %%eax, 8(%%ecx)\n\t"    \
                         "movl -4(%%ebp), %%eax\n\tmovl %%eax, 12(%%ecx)\n\t"                     \
                         "movl -8(%%ebp), %%eax\n\tmovl %%eax, 16(%%ecx)\n\t"                     \
                         "movl -12(%%ebp), %%eax\n\tsubl %%ebp, %%eax\n\tmovl %%eax, 20(%%ecx)\n\t" \
                         "movl -4(%%ebp), %%eax\n\tsubl %%ebp, %%eax\n\tmovl %%eax, 32(%%ecx)\n\t" \
                         "leave\n\t"                                                              \
                         "movl %%esp, %%eax\n\tsubl %%edi, %%eax\n\tmovl %%eax, 24(%%ecx)\n\t"    \
                         "movl %%ebp, %%eax\n\tsubl %[f], %%eax\n\tmovl %%eax, 28(%%ecx)\n\t"     \
                         "popl %%ebp"                                                             \
                         :                                                                        \
                         : [f] "r"(&fake[4]), "c"(out)                                            \
                         : "eax", "edi", "memory");                                               \
    }
ENTER_TEST(0)
ENTER_TEST(1)
ENTER_TEST(3)

static void enter_leave(void)
{
    printf("== enter $0x18, level / leave (fake frame: [ebp-4]=44444444 [ebp-8]=33333333)\n");
    void (*fns[3])(uint32_t *) = {enter_0, enter_1, enter_3};
    int levels[3] = {0, 1, 3};
    for (int i = 0; i < 3; i++) {
        uint32_t o[9];
        fns[i](o);
        if (levels[i] == 1) o[3] = o[8]; /* the frame pointer itself: print it relative */
        printf("level %d: esp0-ebp=%d ebp-esp=%d [ebp]-oldebp=%d [ebp-4]=%08x (level 1: minus ebp) [ebp-8]=%08x "
               "[ebp-12]-ebp=%d | after leave: esp-esp0=%d ebp-oldebp=%d\n",
               levels[i], (int)o[0], (int)o[1], (int)o[2], levels[i] >= 1 ? o[3] : 0,
               levels[i] >= 2 ? o[4] : 0, levels[i] >= 3 ? (int)o[5] : 0, (int)o[6], (int)o[7]);
    }
}

static void pusha_popa(void)
{
    printf("== pusha/popa\n");
    uint32_t o[24];
    uint32_t *op = o;
    __asm__ volatile("pushl %%ebp\n\t"
                     "pushl %%ecx\n\t" /* output pointer */
                     "movl $0xa0a0a0a0, %%eax\n\tmovl $0xb1b1b1b1, %%ebx\n\tmovl $0xc2c2c2c2, %%ecx\n\t"
                     "movl $0xd3d3d3d3, %%edx\n\tmovl $0x54545454, %%esi\n\tmovl $0x6d6d6d6d, %%edi\n\t"
                     "movl $0xe5e5e5e5, %%ebp\n\t"
                     "pushal\n\t"
                     /* copy the 8 slots out; slot 3 (ESP) as an offset from the current ESP */
                     "movl 32(%%esp), %%eax\n\t" /* output pointer */
                     "movl 0(%%esp), %%ebx\n\tmovl %%ebx, 0(%%eax)\n\t"
                     "movl 4(%%esp), %%ebx\n\tmovl %%ebx, 4(%%eax)\n\t"
                     "movl 8(%%esp), %%ebx\n\tmovl %%ebx, 8(%%eax)\n\t"
                     "movl 12(%%esp), %%ebx\n\tsubl %%esp, %%ebx\n\tmovl %%ebx, 12(%%eax)\n\t"
                     "movl 16(%%esp), %%ebx\n\tmovl %%ebx, 16(%%eax)\n\t"
                     "movl 20(%%esp), %%ebx\n\tmovl %%ebx, 20(%%eax)\n\t"
                     "movl 24(%%esp), %%ebx\n\tmovl %%ebx, 24(%%eax)\n\t"
                     "movl 28(%%esp), %%ebx\n\tmovl %%ebx, 28(%%eax)\n\t"
                     /* overwrite every slot (ESP's too) and POPA: ESP's slot is ignored */
                     "movl $0x01010101, 0(%%esp)\n\tmovl $0x02020202, 4(%%esp)\n\tmovl $0x03030303, 8(%%esp)\n\t"
                     "movl $0x12345678, 12(%%esp)\n\tmovl $0x05050505, 16(%%esp)\n\tmovl $0x06060606, 20(%%esp)\n\t"
                     "movl $0x07070707, 24(%%esp)\n\tmovl $0x08080808, 28(%%esp)\n\t"
                     "popal\n\t"
                     "xchgl %%eax, (%%esp)\n\t" /* eax := output pointer (so ESP was restored right) */
                     "movl %%ecx, 36(%%eax)\n\tmovl %%ebx, 40(%%eax)\n\tmovl %%edx, 44(%%eax)\n\t"
                     "movl %%esi, 48(%%eax)\n\tmovl %%edi, 52(%%eax)\n\tmovl %%ebp, 56(%%eax)\n\t"
                     "popl %%ecx\n\tmovl %%ecx, 32(%%eax)\n\tmovl %%eax, %%ecx\n\t"
                     "popl %%ebp\n\t"
                     /* 16-bit PUSHA/POPA: 16 bytes, upper halves of the registers preserved */
                     "pushl %%ebp\n\tpushl %%ecx\n\t"
                     "movl $0xaaaa1111, %%eax\n\tmovl $0xbbbb2222, %%ebx\n\tmovl $0xcccc3333, %%ecx\n\t"
                     "movl $0xdddd4444, %%edx\n\tmovl $0xeeee5555, %%esi\n\tmovl $0xffff6666, %%edi\n\t"
                     "movl $0x99997777, %%ebp\n\t"
                     "movl %%esp, %%eax\n\tpushaw\n\tsubl %%esp, %%eax\n\tmovw %%ax, 14(%%esp)\n\t" /* AX slot := esp delta */
                     "movw 6(%%esp), %%ax\n\tsubw %%sp, %%ax\n\tmovw %%ax, 12(%%esp)\n\t" /* CX slot := SP slot - SP */
                     "movw $0x0102, 0(%%esp)\n\tmovw $0x0304, 2(%%esp)\n\tmovw $0x0506, 4(%%esp)\n\t"
                     "movw $0x0708, 8(%%esp)\n\tmovw $0x090a, 10(%%esp)\n\t"
                     "popaw\n\t"
                     "xchgl %%eax, (%%esp)\n\t"
                     "movl %%ebx, 64(%%eax)\n\tmovl %%ecx, 68(%%eax)\n\tmovl %%edx, 72(%%eax)\n\t"
                     "movl %%esi, 76(%%eax)\n\tmovl %%edi, 80(%%eax)\n\tmovl %%ebp, 84(%%eax)\n\t"
                     "popl %%ecx\n\tmovl %%ecx, 60(%%eax)\n\tmovl %%eax, %%ecx\n\t"
                     "popl %%ebp"
                     : "+c"(op)
                     :
                     : "eax", "ebx", "edx", "esi", "edi", "memory");
    printf("pushal slots edi esi ebp esp-offset ebx edx ecx eax: %08x %08x %08x %d %08x %08x %08x %08x\n",
           o[0], o[1], o[2], (int)o[3], o[4], o[5], o[6], o[7]);
    printf("popal: eax=%08x ecx=%08x ebx=%08x edx=%08x esi=%08x edi=%08x ebp=%08x\n", o[8], o[9],
           o[10], o[11], o[12], o[13], o[14]);
    printf("popaw: eax=%08x (esp delta) ebx=%08x ecx=%08x (SP slot-SP) edx=%08x esi=%08x edi=%08x ebp=%08x\n",
           o[15], o[16], o[17], o[18], o[19], o[20], o[21]);
}

static void push_pop(void)
{
    printf("== push/pop forms\n");
    uint32_t r[12];
    volatile uint32_t m[4] = {0x11223344, 0x55667788, 0, 0};
    __asm__ volatile("movl %%esp, %%edx\n\t"
                     "pushl $-1\n\tpopl %%eax\n\tmovl %%eax, 0(%%ecx)\n\t"            /* 6A ff */
                     "pushl $0x7f\n\tpopl %%eax\n\tmovl %%eax, 4(%%ecx)\n\t"          /* 6A 7f */
                     "pushl $0x80\n\tpopl %%eax\n\tmovl %%eax, 8(%%ecx)\n\t"          /* 68 imm32 */
                     "movl $0xdeadbeef, %%eax\n\tpushw $-2\n\tpushw $0x1234\n\tpopl %%eax\n\tmovl %%eax, 12(%%ecx)\n\t"
                     "movl $0xaaaaaaaa, %%eax\n\tpushw $0x5678\n\tpopw %%ax\n\tmovl %%eax, 16(%%ecx)\n\t"
                     "pushl (%%esi)\n\tpushw 4(%%esi)\n\tpopw 8(%%esi)\n\tpopl 12(%%esi)\n\t"
                     "pushl %%esp\n\tpopl %%eax\n\tsubl %%esp, %%eax\n\tmovl %%eax, 20(%%ecx)\n\t"  /* 0: old ESP pushed */
                     /* POP ESP: ESP := the popped value (the increment is lost) */
                     "movl %%esp, %%edi\n\tleal -8(%%esp), %%eax\n\tpushl %%eax\n\tpopl %%esp\n\t"
                     "movl %%esp, %%eax\n\tmovl %%edi, %%esp\n\tsubl %%edi, %%eax\n\tmovl %%eax, 24(%%ecx)\n\t"
                     /* POP m32 with an ESP base: the address uses ESP after the increment */
                     "subl $16, %%esp\n\tmovl $0, (%%esp)\n\tmovl $0, 4(%%esp)\n\tmovl $0, 8(%%esp)\n\t"
                     "pushl $0xabcd\n\tpopl 4(%%esp)\n\t"
                     "movl (%%esp), %%eax\n\tmovl %%eax, 28(%%ecx)\n\tmovl 4(%%esp), %%eax\n\tmovl %%eax, 32(%%ecx)\n\t"
                     /* PUSH m32 with an ESP base: the address uses ESP before the decrement */
                     "movl $0x600d, 8(%%esp)\n\tpushl 8(%%esp)\n\tpopl %%eax\n\tmovl %%eax, 36(%%ecx)\n\t"
                     "addl $16, %%esp\n\t"
                     "movl %%esp, %%eax\n\tsubl %%edx, %%eax\n\tmovl %%eax, 40(%%ecx)\n\t"   /* balanced: 0 */
                     :
                     : "c"(r), "S"(m)
                     : "eax", "edx", "edi", "memory");
    printf("push $-1 %08x, push $0x7f %08x, push $0x80 %08x\n", r[0], r[1], r[2]);
    printf("pushw $-2; pushw $0x1234; popl -> %08x\n", r[3]);
    printf("pushw $0x5678; popw %%ax (eax was aaaaaaaa) -> %08x\n", r[4]);
    printf("push/pop memory: %08x %08x %08x %08x\n", m[0], m[1], m[2], m[3]);
    printf("push %%esp pushes the old value: delta %d\n", (int)r[5]);
    printf("pop %%esp: esp moved by %d\n", (int)r[6]);
    printf("popl 4(%%esp): slot0=%08x slot1=%08x\n", r[7], r[8]);
    printf("pushl 8(%%esp): %08x\n", r[9]);
    printf("stack balanced: %d\n", (int)r[10]);

    uint32_t seg[6];
    __asm__ volatile("movl $0xffffffff, %%eax\n\tpushl %%eax\n\tpopl %%eax\n\t"
                     "pushl %%ds\n\tpopl %%eax\n\tmovw %%ax, 0(%%ecx)\n\t"
                     "pushl %%ss\n\tpopl %%eax\n\tmovw %%ax, 4(%%ecx)\n\t"
                     "pushl %%es\n\tpopl %%eax\n\tmovw %%ax, 8(%%ecx)\n\t"
                     "pushw %%ds\n\tpopw %%ax\n\tmovw %%ax, 12(%%ecx)\n\t"
                     "pushl %%es\n\tpopl %%es\n\tmovl %%esp, %%eax\n\tpushl %%es\n\tsubl %%esp, %%eax\n\tpopl %%es\n\tmovl %%eax, 16(%%ecx)\n\t"
                     "movl %%esp, %%eax\n\tpushw %%es\n\tsubl %%esp, %%eax\n\tpopw %%es\n\tmovl %%eax, 20(%%ecx)"
                     :
                     : "c"(seg)
                     : "eax", "memory");
    printf("pushl %%ds/%%ss/%%es (low 16): equal: %s %s, pushw %%ds equal: %s, pushl seg moves esp by %u, pushw seg by %u\n",
           yesno((seg[0] & 0xffff) == (seg[1] & 0xffff)), yesno((seg[0] & 0xffff) == (seg[2] & 0xffff)),
           yesno((seg[3] & 0xffff) == (seg[0] & 0xffff)), seg[4], seg[5]);
}

/* ret imm16 callee and call targets, in plain assembly */
__asm__(".text\n"
        "ret8_fn:\n\tmovl 4(%esp), %eax\n\taddl 8(%esp), %eax\n\tret $8\n"
        "ret0_fn:\n\tmovl $0x77, %eax\n\tret $0\n"
        "tgt_a:\n\tmovl $1, %eax\n\tret\n"
        "tgt_b:\n\tmovl $2, %eax\n\tret\n"
        "tgt_c:\n\tmovl $3, %eax\n\tret\n"
        ".section .rodata\n"
        "jtab:\n\t.long jt0, jt1, jt2\n"
        "ctab:\n\t.long tgt_a, tgt_b, tgt_c\n"
        ".text\n");

static void calls(void)
{
    printf("== call/ret/jmp\n");
    uint32_t r[10];
    __asm__ volatile("movl %%esp, %%edx\n\t"
                     "pushl $2\n\tpushl $40\n\tcall ret8_fn\n\tmovl %%eax, 0(%%ecx)\n\t"
                     "movl %%esp, %%eax\n\tsubl %%edx, %%eax\n\tmovl %%eax, 4(%%ecx)\n\t"
                     "call ret0_fn\n\tmovl %%eax, 8(%%ecx)\n\t"
                     "movl $tgt_b, %%eax\n\tcall *%%eax\n\tmovl %%eax, 12(%%ecx)\n\t"
                     "movl $2, %%ebx\n\tcall *ctab(,%%ebx,4)\n\tmovl %%eax, 16(%%ecx)\n\t"
                     "leal ctab, %%ebx\n\tcall *(%%ebx)\n\tmovl %%eax, 20(%%ecx)\n\t"
                     "movl $1, %%ebx\n\tjmp *jtab(,%%ebx,4)\n"
                     "jt0:\n\tmovl $100, %%eax\n\tjmp 9f\n"
                     "jt1:\n\tmovl $101, %%eax\n\tjmp 9f\n"
                     "jt2:\n\tmovl $102, %%eax\n"
                     "9:\n\tmovl %%eax, 24(%%ecx)\n\t"
                     "movl $8f, %%eax\n\tjmp *%%eax\n\tmovl $0, 28(%%ecx)\n"
                     "8:\n\tmovl $0x5eed, 28(%%ecx)\n\t"
                     /* call pushes the address of the next instruction */
                     "call 7f\n7:\n\tpopl %%eax\n\tsubl $7b, %%eax\n\tmovl %%eax, 32(%%ecx)\n\t"
                     "movl %%esp, %%eax\n\tsubl %%edx, %%eax\n\tmovl %%eax, 36(%%ecx)"
                     :
                     : "c"(r)
                     : "eax", "ebx", "edx", "memory");
    printf("ret $8: eax=%u esp delta=%d\n", r[0], (int)r[1]);
    printf("ret $0: %08x\n", r[2]);
    printf("call *reg=%u call *table=%u call *(mem)=%u jmp *table=%u jmp *reg=%x\n", r[3], r[4],
           r[5], r[6], r[7]);
    printf("call pushes next eip: delta %d, balanced %d\n", (int)r[8], (int)r[9]);
}

static void loops(void)
{
    printf("== loop/loope/loopne/jecxz/jcxz\n");
    uint32_t n, c, f;
    __asm__ volatile("movl $5, %%ecx\n\txorl %[n], %[n]\n1:\n\tincl %[n]\n\tloop 1b"
                     : [n] "=&r"(n), "=c"(c) : : "cc");
    printf("loop ecx=5: iterations %u ecx %u\n", n, c);
    /* LOOPE: stops when ZF=0. Compare array elements to 7 */
    static const uint32_t arr[8] = {7, 7, 7, 3, 7, 7, 7, 7};
    __asm__ volatile("movl $8, %%ecx\n\txorl %[n], %[n]\n1:\n\tincl %[n]\n\tcmpl $7, -4(%[a],%[n],4)\n\tloope 1b"
                     : [n] "=&r"(n), "=c"(c) : [a] "r"(arr) : "cc", "memory");
    printf("loope until mismatch: iterations %u ecx %u\n", n, c);
    __asm__ volatile("movl $8, %%ecx\n\txorl %[n], %[n]\n1:\n\tincl %[n]\n\tcmpl $3, -4(%[a],%[n],4)\n\tloopne 1b"
                     : [n] "=&r"(n), "=c"(c) : [a] "r"(arr) : "cc", "memory");
    printf("loopne until match: iterations %u ecx %u\n", n, c);
    __asm__ volatile("movl $3, %%ecx\n\txorl %[n], %[n]\n1:\n\tincl %[n]\n\tcmpl $7, -4(%[a],%[n],4)\n\tloope 1b"
                     : [n] "=&r"(n), "=c"(c) : [a] "r"(arr) : "cc", "memory");
    printf("loope count exhausted: iterations %u ecx %u\n", n, c);
    /* LOOP leaves flags alone */
    uint32_t fin = FIN_SET;
    __asm__ volatile(FLAGS_LOAD "movl $2, %%ecx\n1:\n\tloop 1b\n\tpushfl\n\tpopl %[f]"
                     : [f] "=r"(f), "=&c"(c) : [fin] "r"(fin) : "cc");
    printf("loop preserves flags: %s\n", fl(f, F_ARITH));
    __asm__ volatile("movl $0, %%ecx\n\tmovl $1, %[n]\n\tjecxz 1f\n\tmovl $0, %[n]\n1:" : [n] "=&r"(n) : : "ecx");
    printf("jecxz ecx=0 taken: %u\n", n);
    __asm__ volatile("movl $0x10000, %%ecx\n\tmovl $1, %[n]\n\tjecxz 1f\n\tmovl $0, %[n]\n1:" : [n] "=&r"(n) : : "ecx");
    printf("jecxz ecx=10000 taken: %u\n", n);
    __asm__ volatile("movl $0x10000, %%ecx\n\tmovl $1, %[n]\n\tjcxz 1f\n\tmovl $0, %[n]\n1:" : [n] "=&r"(n) : : "ecx");
    printf("jcxz (0x67) ecx=10000 taken: %u\n", n);
    __asm__ volatile("movl $0x00010003, %%ecx\n\txorl %[n], %[n]\n1:\n\tincl %[n]\n\taddr16 loop 1b"
                     : [n] "=&r"(n), "=c"(c) : : "cc");
    printf("addr16 loop ecx=00010003: iterations %u ecx %08x\n", n, c);
    __asm__ volatile("movl $1, %%ecx\n\txorl %[n], %[n]\n1:\n\tincl %[n]\n\tloop 1b"
                     : [n] "=&r"(n), "=c"(c) : : "cc");
    printf("loop ecx=1: iterations %u ecx %u\n", n, c);
}

int main(void)
{
    pushf_popf();
    enter_leave();
    pusha_popa();
    push_pop();
    calls();
    loops();
    return 0;
}
