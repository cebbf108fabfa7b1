/* Miscellaneous instructions: BCD adjust (DAA DAS AAA AAS for every AL with every CF/AF input,
 * AAM/AAD with base 10 and other bases via raw D4/D5 ib encodings), CPUID (model-agnostic
 * properties only), RDTSC (monotonic), multi-byte NOPs and PAUSE, BOUND within bounds, flat
 * segment-override prefixes (CS: DS: ES: SS:) and redundant prefixes.
 * Undefined flags (SDM Vol.2A): DAA/DAS OF; AAA/AAS OF SF ZF PF; AAM/AAD OF AF CF.
 */
#include "guest_util.h"

#define DAADEF (F_CF | F_AF | F_SF | F_ZF | F_PF)
#define AAADEF (F_CF | F_AF)
#define AAMDEF (F_SF | F_ZF | F_PF)

#define ADJ(name, insn)                                                                           \
    static uint32_t name(uint32_t a, uint32_t fin, uint32_t *fout)                                \
    {                                                                                             \
        uint32_t fo;                                                                              \
        __asm__ volatile(FLAGS_LOAD insn FLAGS_SAVE : "+a"(a), [fout] "=&r"(fo) : [fin] "r"(fin) : "cc"); \
        *fout = fo;                                                                               \
        return a;                                                                                 \
    }
ADJ(do_daa, "daa")
ADJ(do_das, "das")
ADJ(do_aaa, "aaa")
ADJ(do_aas, "aas")
ADJ(do_aam10, "aam")
ADJ(do_aam16, ".byte 0xd4, 0x10")
ADJ(do_aam7, ".byte 0xd4, 0x07")
ADJ(do_aam255, ".byte 0xd4, 0xff")
ADJ(do_aam1, ".byte 0xd4, 0x01")
ADJ(do_aad10, "aad")
ADJ(do_aad16, ".byte 0xd5, 0x10")
ADJ(do_aad0, ".byte 0xd5, 0x00")
ADJ(do_aad255, ".byte 0xd5, 0xff")
ADJ(do_aad7, ".byte 0xd5, 0x07")

static void bcd(void)
{
    printf("== daa / das (al: [cf=0 af=0] [cf=0 af=1] [cf=1 af=0] [cf=1 af=1]; eax upper = 5a5a5a)\n");
    for (int k = 0; k < 2; k++) {
        uint32_t (*fn)(uint32_t, uint32_t, uint32_t *) = k ? do_das : do_daa;
        for (int al = 0; al < 256; al++) {
            printf("%s %02x:", k ? "das" : "daa", al);
            for (int c = 0; c < 4; c++) {
                uint32_t fin = FIN_CLEAR | ((c & 2) ? F_CF : 0) | ((c & 1) ? F_AF : 0), fo;
                uint32_t r = fn(0x5a5a5a00u | (uint32_t)al, fin | (al & 1 ? F_OF | F_ZF : 0), &fo);
                printf(" %08x %s", r, fl(fo, DAADEF));
            }
            printf("\n");
        }
    }
    printf("== aaa / aas (al with ah=12 then ah=ff: [af=0] [af=1])\n");
    for (int k = 0; k < 2; k++) {
        uint32_t (*fn)(uint32_t, uint32_t, uint32_t *) = k ? do_aas : do_aaa;
        for (int al = 0; al < 256; al++) {
            printf("%s %02x:", k ? "aas" : "aaa", al);
            for (int h = 0; h < 2; h++)
                for (int c = 0; c < 2; c++) {
                    uint32_t fin = (c ? F_AF : 0) | ((al & 2) ? F_CF | F_SF : FIN_CLEAR) | 2, fo;
                    uint32_t r = fn(0xabcd0000u | (h ? 0xff00u : 0x1200u) | (uint32_t)al, fin, &fo);
                    printf(" %08x %s", r, fl(fo, AAADEF));
                }
            printf("\n");
        }
    }
    printf("== aam (base 10 16 7 255 1) / aad (base 10 16 0 255 7) (ax: results)\n");
    uint32_t (*aam[5])(uint32_t, uint32_t, uint32_t *) = {do_aam10, do_aam16, do_aam7, do_aam255, do_aam1};
    uint32_t (*aad[5])(uint32_t, uint32_t, uint32_t *) = {do_aad10, do_aad16, do_aad0, do_aad255, do_aad7};
    for (int al = 0; al < 256; al += (al < 32 ? 1 : 7)) {
        uint32_t ax = 0x12340000u | (uint32_t)(al * 13 & 0xff) << 8 | (uint32_t)al, fo;
        printf("ax=%04x aam:", ax & 0xffff);
        for (int i = 0; i < 5; i++) {
            uint32_t r = aam[i](ax, al & 1 ? FIN_SET : FIN_CLEAR, &fo);
            printf(" %08x %s", r, fl(fo, AAMDEF));
        }
        printf(" aad:");
        for (int i = 0; i < 5; i++) {
            uint32_t r = aad[i](ax, al & 1 ? FIN_CLEAR : FIN_SET, &fo);
            printf(" %08x %s", r, fl(fo, AAMDEF));
        }
        printf("\n");
    }
}

static void cpuid_rdtsc(void)
{
    printf("== cpuid / rdtsc\n");
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0));
    char vendor[13];
    memcpy(vendor, &b, 4);
    memcpy(vendor + 4, &d, 4);
    memcpy(vendor + 8, &c, 4);
    vendor[12] = 0;
    int printable = 1;
    for (int i = 0; i < 12; i++) printable &= vendor[i] >= 0x20 && vendor[i] < 0x7f;
    printf("cpuid max leaf >= 1: %s\n", yesno(a >= 1));
    printf("vendor is 12 printable chars: %s\n", yesno(printable && strlen(vendor) == 12));
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
    unsigned family = a >> 8 & 0xf;
    printf("family >= 6: %s\n", yesno(family >= 6));
    printf("i686 features fpu tsc cx8 cmov: %u %u %u %u\n", d & 1, d >> 4 & 1, d >> 8 & 1, d >> 15 & 1);
    uint32_t lo1, hi1, lo2, hi2;
    __asm__ volatile("rdtsc" : "=a"(lo1), "=d"(hi1));
    for (volatile int i = 0; i < 1000; i++) {
    }
    __asm__ volatile("rdtsc" : "=a"(lo2), "=d"(hi2));
    uint64_t t1 = (uint64_t)hi1 << 32 | lo1, t2 = (uint64_t)hi2 << 32 | lo2;
    printf("rdtsc monotonic: %d\n", t2 > t1);
}

static void nops_prefixes(void)
{
    printf("== nops, pause, bound, prefixes\n");
    uint32_t a = 0x12345678, f, fin = FIN_SET;
    __asm__ volatile(FLAGS_LOAD
                     "nop\n\t.nops 2\n\t.nops 3\n\t.nops 4\n\t.nops 5\n\t.nops 6\n\t.nops 7\n\t"
                     ".nops 8\n\t.nops 9\n\t.nops 10\n\t.nops 11\n\t"
                     "nopw %%ax\n\tnopl (%%eax)\n\tnopl 0x12345678(%%eax,%%eax,4)\n\tpause\n\t"
                     ".byte 0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00\n\t"
                     ".byte 0x2e, 0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00"
                     FLAGS_SAVE
                     : "+a"(a), [fout] "=&r"(f) : [fin] "r"(fin) : "cc");
    printf("after nops: eax=%08x flags %s\n", a, fl(f, F_ARITH));

    static int32_t bounds32[2] = {-5, 100};
    static int16_t bounds16[2] = {-5, 100};
    int32_t idx = 100;
    __asm__ volatile("boundl %0, (%1)\n\tboundl %2, (%1)" : : "r"(idx), "r"(bounds32), "r"(-5) : "memory");
    __asm__ volatile("boundw %w0, (%1)" : : "r"(7), "r"(bounds16) : "memory");
    printf("bound within range: ok\n");

    static uint32_t word = 0xfeedf00d;
    uint32_t r[6];
    __asm__ volatile("movl %%ds:(%[p]), %%eax\n\tmovl %%eax, 0(%[o])\n\t"
                     "movl %%es:(%[p]), %%eax\n\tmovl %%eax, 4(%[o])\n\t"
                     "movl %%ss:(%[p]), %%eax\n\tmovl %%eax, 8(%[o])\n\t"
                     "movl %%cs:(%[p]), %%eax\n\tmovl %%eax, 12(%[o])\n\t"
                     ".byte 0x3e, 0x3e, 0x26, 0x8b, 0x01\n\tmovl %%eax, 16(%[o])\n\t" /* ds ds es mov (%ecx),%eax */
                     "movl %%cs:1f, %%eax\n\tmovl %%eax, 20(%[o])\n\t"
                     "jmp 2f\n1:\n\t.long 0xc0dec0de\n2:"
                     :
                     : [p] "r"(&word), [o] "r"(r), "c"(&word)
                     : "eax", "memory");
    printf("segment overrides ds es ss cs: %08x %08x %08x %08x, stacked prefixes %08x, cs:code %08x\n",
           r[0], r[1], r[2], r[3], r[4], r[5]);
}

int main(void)
{
    printf("flags legend: C P A Z S O; '-' clear, '.' undefined (masked)\n");
    bcd();
    cpuid_rdtsc();
    nops_prefixes();
    return 0;
}
