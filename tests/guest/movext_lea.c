/* Data movement and address arithmetic: MOVZX/MOVSX (all width combinations, register incl. the
 * AH..DH high bytes, and memory sources), MOV forms (moffs A0-A3, imm to register/memory,
 * partial-register writes), CBW CWDE CWD CDQ, XLAT, and LEA with every 32-bit addressing form
 * (base, disp8, disp32, SIB with each scale, no-base SIB, ESP and EBP bases, wraparound) and every
 * 16-bit addressing form through the 0x67 address-size prefix (BX+SI ... disp16, 64K
 * wraparound), plus LEA with a 16-bit destination (0x66).
 */
#include "guest_util.h"

static const uint32_t V[] = {0x00000000, 0x0000007f, 0x00000080, 0x000000ff, 0x00007fff,
                             0x00008000, 0x0000ffff, 0x12345678, 0x87654321, 0xffffff80};

static void movx(void)
{
    printf("== movzx/movsx register sources (dest preset to a5a5a5a5)\n");
    for (unsigned i = 0; i < sizeof V / sizeof V[0]; i++) {
        uint32_t s = V[i], r[10];
        for (int k = 0; k < 10; k++) r[k] = 0xa5a5a5a5;
        __asm__ volatile("movzbw %b[s], %w0" : "+r"(r[0]) : [s] "q"(s));
        __asm__ volatile("movzbl %b[s], %0" : "+r"(r[1]) : [s] "q"(s));
        __asm__ volatile("movzwl %w[s], %0" : "+r"(r[2]) : [s] "r"(s));
        __asm__ volatile("movsbw %b[s], %w0" : "+r"(r[3]) : [s] "q"(s));
        __asm__ volatile("movsbl %b[s], %0" : "+r"(r[4]) : [s] "q"(s));
        __asm__ volatile("movswl %w[s], %0" : "+r"(r[5]) : [s] "r"(s));
        /* high-byte sources: AH holds bits 8..15 of s */
        __asm__ volatile("movzbl %%ah, %0" : "+r"(r[6]) : "a"(s));
        __asm__ volatile("movsbl %%ah, %0" : "+r"(r[7]) : "a"(s));
        __asm__ volatile("movsbw %%ah, %w0" : "+r"(r[8]) : "a"(s));
        /* movzx into the same register it reads */
        r[9] = s;
        __asm__ volatile("movzbl %b0, %0" : "+q"(r[9]));
        printf("%08x: zbw %08x zbl %08x zwl %08x sbw %08x sbl %08x swl %08x | ah: zbl %08x sbl %08x sbw %08x | self %08x\n",
               s, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9]);
    }
    printf("== movzx/movsx memory sources\n");
    for (unsigned i = 0; i < sizeof V / sizeof V[0]; i++) {
        volatile uint32_t m = V[i];
        uint32_t r[6];
        for (int k = 0; k < 6; k++) r[k] = 0xa5a5a5a5;
        __asm__ volatile("movzbw (%[p]), %w0" : "+r"(r[0]) : [p] "r"(&m) : "memory");
        __asm__ volatile("movzbl (%[p]), %0" : "+r"(r[1]) : [p] "r"(&m) : "memory");
        __asm__ volatile("movzwl (%[p]), %0" : "+r"(r[2]) : [p] "r"(&m) : "memory");
        __asm__ volatile("movsbw 1(%[p]), %w0" : "+r"(r[3]) : [p] "r"(&m) : "memory");
        __asm__ volatile("movsbl 1(%[p]), %0" : "+r"(r[4]) : [p] "r"(&m) : "memory");
        __asm__ volatile("movswl 2(%[p]), %0" : "+r"(r[5]) : [p] "r"(&m) : "memory");
        printf("%08x: zbw %08x zbl %08x zwl %08x sbw+1 %08x sbl+1 %08x swl+2 %08x\n", V[i], r[0],
               r[1], r[2], r[3], r[4], r[5]);
    }
}

uint32_t g_m32 = 0xcafebabe;
uint16_t g_m16 = 0xbeef;
uint8_t g_m8 = 0x5a;

static void movs(void)
{
    printf("== mov forms\n");
    uint32_t a = 0x11111111;
    __asm__ volatile("movl g_m32, %%eax" : "=a"(a));  /* A1 moffs32 */
    printf("A1 movl moffs,%%eax: %08x\n", a);
    a = 0x11111111;
    __asm__ volatile("movw g_m16, %%ax" : "+a"(a));   /* 66 A1 */
    printf("66 A1 movw moffs,%%ax: %08x\n", a);
    a = 0x11111111;
    __asm__ volatile("movb g_m8, %%al" : "+a"(a));    /* A0 */
    printf("A0 movb moffs,%%al: %08x\n", a);
    a = 0x01020304;
    __asm__ volatile("movl %%eax, g_m32\n\tmovw %%ax, g_m16\n\tmovb %%ah, g_m8" : : "a"(a) : "memory");
    printf("A3/66 A3/88 stores: %08x %04x %02x\n", g_m32, g_m16, g_m8);
    a = 0xdeadbeef;
    uint32_t b = 0xdeadbeef, c = 0xdeadbeef, d = 0xdeadbeef;
    __asm__ volatile("movw $0x1234, %%ax\n\tmovb $0x56, %%bh\n\tmovb $0x78, %%cl\n\tmovl $0x9abcdef0, %%edx"
            : "+a"(a), "+b"(b), "+c"(c), "+d"(d));
    printf("partial imm movs: eax=%08x ebx=%08x ecx=%08x edx=%08x\n", a, b, c, d);
    volatile uint32_t m[3] = {0xffffffff, 0xffffffff, 0xffffffff};
    __asm__ volatile("movl $0x80000001, (%[p])\n\tmovw $0x7ffe, 4(%[p])\n\tmovb $0x81, 9(%[p])"
                     : : [p] "r"(m) : "memory");
    printf("imm to memory: %08x %08x %08x\n", m[0], m[1], m[2]);
    a = 0x11223344;
    __asm__ volatile("movb %%al, %%ah\n\tmovb %%ah, %%dl\n\tmovw %%ax, %%dx" : "+a"(a), "=d"(d) : "d"(0x55555555));
    printf("byte/word reg moves: eax=%08x edx=%08x\n", a, d);
    a = 0x11223344;
    __asm__ volatile(".byte 0x8a, 0xc4\n\t"  /* movb %ah, %al via 8A /r (gas would pick 88 /r) */
            ".byte 0x8b, 0xd0"      /* movl %eax, %edx via 8B /r */
            : "+a"(a), "=d"(d));
    printf("8A/8B encodings: eax=%08x edx=%08x\n", a, d);
}

static void convert(void)
{
    printf("== cbw cwde cwd cdq (eax edx preset 5a5a5a5a)\n");
    for (unsigned i = 0; i < sizeof V / sizeof V[0]; i++) {
        uint32_t a[4], d[4];
        for (int k = 0; k < 4; k++) a[k] = V[i], d[k] = 0x5a5a5a5a;
        __asm__ volatile("cbtw" : "+a"(a[0]), "+d"(d[0]));
        __asm__ volatile("cwtl" : "+a"(a[1]), "+d"(d[1]));
        __asm__ volatile("cwtd" : "+a"(a[2]), "+d"(d[2]));
        __asm__ volatile("cltd" : "+a"(a[3]), "+d"(d[3]));
        printf("%08x: cbw %08x cwde %08x cwd %08x:%08x cdq %08x:%08x\n", V[i], a[0], a[1], d[2],
               a[2], d[3], a[3]);
    }
}

static void xlat(void)
{
    static uint8_t table[256];
    for (int i = 0; i < 256; i++) table[i] = (uint8_t)(i * 7 + 3);
    printf("== xlat\n");
    static const uint32_t idx[] = {0x12345600, 0x00000001, 0xabcdef7f, 0x00000080, 0xffffffff};
    for (unsigned i = 0; i < sizeof idx / sizeof idx[0]; i++) {
        uint32_t a = idx[i];
        __asm__ volatile("xlatb" : "+a"(a) : "b"(table) : "memory");
        printf("xlat eax=%08x -> %08x\n", idx[i], a);
    }
}

/* 32-bit addressing forms. ebx=0x1000 esi=0x20 edi=0xfffffff0 ebp=0x30000 edx=0x3 */
static void lea32(void)
{
    uint32_t r[24];
    static const char *const names[24] = {
        "(%ebx)",          "0x7f(%ebx)",       "-0x80(%ebx)",        "0x12345678(%ebx)",
        "(%ebx,%esi)",     "(%ebx,%esi,2)",    "(%ebx,%esi,4)",      "(%ebx,%esi,8)",
        "-4(%ebx,%edi,1)", "8(%ebx,%edi,8)",   "0x100(,%esi,4)",     "0x100(,%edi,2)",
        "0xdeadbeef",      "(%ebp)",           "0(%ebp,%esi,2)",     "0x10(%ebp,%ebp)",
        "(%edi,%edi,8)",   "0xffffffff(%edx)", "0x7fffffff(%ebp,%ebp,8)", "(%esi,%edx)",
        "16-bit dest: 0x12345(%ebx) -> leaw", "16-bit dest: (%edi,%esi) -> leaw",
        "lea (%esp)-esp", "0x40(%esp,%esi,4)-esp"};
    __asm__ volatile("pushl %%ebp\n\t"
                     "movl $0x1000, %%ebx\n\tmovl $0x20, %%esi\n\tmovl $0xfffffff0, %%edi\n\t"
                     "movl $0x30000, %%ebp\n\tmovl $3, %%edx\n\t"
                     "leal (%%ebx), %%eax\n\tmovl %%eax, 0(%%ecx)\n\t"
                     "leal 0x7f(%%ebx), %%eax\n\tmovl %%eax, 4(%%ecx)\n\t"
                     "leal -0x80(%%ebx), %%eax\n\tmovl %%eax, 8(%%ecx)\n\t"
                     "leal 0x12345678(%%ebx), %%eax\n\tmovl %%eax, 12(%%ecx)\n\t"
                     "leal (%%ebx,%%esi), %%eax\n\tmovl %%eax, 16(%%ecx)\n\t"
                     "leal (%%ebx,%%esi,2), %%eax\n\tmovl %%eax, 20(%%ecx)\n\t"
                     "leal (%%ebx,%%esi,4), %%eax\n\tmovl %%eax, 24(%%ecx)\n\t"
                     "leal (%%ebx,%%esi,8), %%eax\n\tmovl %%eax, 28(%%ecx)\n\t"
                     "leal -4(%%ebx,%%edi,1), %%eax\n\tmovl %%eax, 32(%%ecx)\n\t"
                     "leal 8(%%ebx,%%edi,8), %%eax\n\tmovl %%eax, 36(%%ecx)\n\t"
                     "leal 0x100(,%%esi,4), %%eax\n\tmovl %%eax, 40(%%ecx)\n\t"
                     "leal 0x100(,%%edi,2), %%eax\n\tmovl %%eax, 44(%%ecx)\n\t"
                     "leal 0xdeadbeef, %%eax\n\tmovl %%eax, 48(%%ecx)\n\t"
                     "leal (%%ebp), %%eax\n\tmovl %%eax, 52(%%ecx)\n\t"
                     "leal 0(%%ebp,%%esi,2), %%eax\n\tmovl %%eax, 56(%%ecx)\n\t"
                     "leal 0x10(%%ebp,%%ebp), %%eax\n\tmovl %%eax, 60(%%ecx)\n\t"
                     "leal (%%edi,%%edi,8), %%eax\n\tmovl %%eax, 64(%%ecx)\n\t"
                     "leal 0xffffffff(%%edx), %%eax\n\tmovl %%eax, 68(%%ecx)\n\t"
                     "leal 0x7fffffff(%%ebp,%%ebp,8), %%eax\n\tmovl %%eax, 72(%%ecx)\n\t"
                     "leal (%%esi,%%edx), %%eax\n\tmovl %%eax, 76(%%ecx)\n\t"
                     "movl $0xaaaaaaaa, %%eax\n\tleaw 0x12345(%%ebx), %%ax\n\tmovl %%eax, 80(%%ecx)\n\t"
                     "movl $0xaaaaaaaa, %%eax\n\tleaw (%%edi,%%esi), %%ax\n\tmovl %%eax, 84(%%ecx)\n\t"
                     "leal (%%esp), %%eax\n\tsubl %%esp, %%eax\n\tmovl %%eax, 88(%%ecx)\n\t"
                     "leal 0x40(%%esp,%%esi,4), %%eax\n\tsubl %%esp, %%eax\n\tmovl %%eax, 92(%%ecx)\n\t"
                     "popl %%ebp"
                     :
                     : "c"(r)
                     : "eax", "ebx", "edx", "esi", "edi", "memory");
    printf("== lea 32-bit addressing (ebx=1000 esi=20 edi=fffffff0 ebp=30000 edx=3)\n");
    for (int i = 0; i < 24; i++) printf("lea %-36s = %08x\n", names[i], r[i]);
}

/* 16-bit addressing via the 0x67 prefix.
 * ebx=0xaaaafff0 (bx=fff0) esi=0x55550020 (si=0020) edi=0x12348000 (di=8000) ebp=0x0000ff00 */
static void lea16(void)
{
    uint32_t r[20];
    static const char *const names[20] = {
        "(%bx,%si)",     "(%bx,%di)",     "(%bp,%si)",     "(%bp,%di)",      "(%si)",
        "(%di)",         "disp16 0x1234", "(%bx)",         "0x7f(%bx,%si)",  "-0x80(%bp,%di)",
        "0x1234(%bx,%di)", "0xfffe(%si)", "(%bp) [disp8 0]", "0x20(%bp)",    "0x8000(%di)",
        "0x10(%bx) -> leaw", "(%bp,%si) -> leaw", "0xffff(%bx,%si)", "-1(%di)", "0x7fff(%bp)"};
    __asm__ volatile("pushl %%ebp\n\t"
                     "movl $0xaaaafff0, %%ebx\n\tmovl $0x55550020, %%esi\n\tmovl $0x12348000, %%edi\n\t"
                     "movl $0x0000ff00, %%ebp\n\t"
                     "leal (%%bx,%%si), %%eax\n\tmovl %%eax, 0(%%ecx)\n\t"
                     "leal (%%bx,%%di), %%eax\n\tmovl %%eax, 4(%%ecx)\n\t"
                     "leal (%%bp,%%si), %%eax\n\tmovl %%eax, 8(%%ecx)\n\t"
                     "leal (%%bp,%%di), %%eax\n\tmovl %%eax, 12(%%ecx)\n\t"
                     "leal (%%si), %%eax\n\tmovl %%eax, 16(%%ecx)\n\t"
                     "leal (%%di), %%eax\n\tmovl %%eax, 20(%%ecx)\n\t"
                     "addr16 leal 0x1234, %%eax\n\tmovl %%eax, 24(%%ecx)\n\t"
                     "leal (%%bx), %%eax\n\tmovl %%eax, 28(%%ecx)\n\t"
                     "leal 0x7f(%%bx,%%si), %%eax\n\tmovl %%eax, 32(%%ecx)\n\t"
                     "leal -0x80(%%bp,%%di), %%eax\n\tmovl %%eax, 36(%%ecx)\n\t"
                     "leal 0x1234(%%bx,%%di), %%eax\n\tmovl %%eax, 40(%%ecx)\n\t"
                     "leal 0xfffe(%%si), %%eax\n\tmovl %%eax, 44(%%ecx)\n\t"
                     "leal (%%bp), %%eax\n\tmovl %%eax, 48(%%ecx)\n\t"
                     "leal 0x20(%%bp), %%eax\n\tmovl %%eax, 52(%%ecx)\n\t"
                     "leal 0x8000(%%di), %%eax\n\tmovl %%eax, 56(%%ecx)\n\t"
                     "movl $0x99999999, %%eax\n\tleaw 0x10(%%bx), %%ax\n\tmovl %%eax, 60(%%ecx)\n\t"
                     "movl $0x99999999, %%eax\n\tleaw (%%bp,%%si), %%ax\n\tmovl %%eax, 64(%%ecx)\n\t"
                     "leal 0xffff(%%bx,%%si), %%eax\n\tmovl %%eax, 68(%%ecx)\n\t"
                     "leal -1(%%di), %%eax\n\tmovl %%eax, 72(%%ecx)\n\t"
                     "leal 0x7fff(%%bp), %%eax\n\tmovl %%eax, 76(%%ecx)\n\t"
                     "popl %%ebp"
                     :
                     : "c"(r)
                     : "eax", "ebx", "edx", "esi", "edi", "memory");
    printf("== lea 16-bit addressing via 0x67 (bx=fff0 si=0020 di=8000 bp=ff00, upper halves set)\n");
    for (int i = 0; i < 20; i++) printf("lea %-20s = %08x\n", names[i], r[i]);
}

/* Memory access through a 16-bit address is only possible below 64K, which Linux does not map
 * (mmap_min_addr); so 0x67 is tested on LEA only.  A 32-bit memory operand with SIB and a
 * negative index must wrap to the right byte though: */
uint32_t g_arr[8] = {10, 11, 12, 13, 14, 15, 16, 17};
static void sib_loads(void)
{
    uint32_t *arr = g_arr;
    uint32_t r1, r2, r3, r4;
    int32_t neg = -3;
    __asm__ volatile("movl (%[b],%[i],4), %[r1]\n\tmovl 12(%[b],%[n],4), %[r2]"
            : [r1] "=&r"(r1), [r2] "=&r"(r2)
            : [b] "r"(&arr[3]), [i] "r"(2), [n] "r"(neg)
            : "memory");
    __asm__ volatile("movl g_arr+8(,%[i],8), %[r3]\n\tmovzbl 28(%[b]), %[r4]"
            : [r3] "=&r"(r3), [r4] "=&r"(r4)
            : [b] "r"(&arr[0]), [i] "r"(2)
            : "memory");
    printf("sib loads: %u %u %u %u\n", r1, r2, r3, r4);
}

int main(void)
{
    movx();
    movs();
    convert();
    xlat();
    lea32();
    lea16();
    sib_loads();
    return 0;
}
