/* x87 arithmetic with full 80-bit results: FADD FSUB FSUBR FMUL FDIV FDIVR (register, P and memory
 * forms, FI integer forms), FSQRT FRNDINT FCHS FABS FSCALE FXTRACT FPREM FPREM1, under every
 * rounding mode and precision-control setting; each line prints the result bits and the status
 * word (exception flags, C0..C3, TOP). Stack underflow/overflow and unmasked-exception results
 * (flags, ES, suppressed operations, exponent-wrapped overflow) follow.
 */
#include "fpu_guest.h"

/* A subset for the all-pairs loops, to keep the output reasonable. */
static const int PAIR_IDX[] = {0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 22, 23};
#define PAIR_N ((int)(sizeof PAIR_IDX / sizeof PAIR_IDX[0]))

typedef void (*bin_fn)(const x80 *a, const x80 *b, uint16_t cw, x80 *r, uint16_t *sw);

#define BIN(name, insn)                                                                           \
    static void name(const x80 *a, const x80 *b, uint16_t cw, x80 *r, uint16_t *sw)              \
    {                                                                                             \
        __asm__ volatile("fninit\n\tfldcw %4\n\tfldt (%1)\n\tfldt (%0)\n\t" insn "\n\t"          \
                         "fnstsw (%3)\n\tfstpt (%2)\n\tfstp %%st(0)\n\tfninit"                    \
                         :                                                                        \
                         : "r"(a), "r"(b), "r"(r), "r"(sw), "m"(cw)                               \
                         : "memory");                                                             \
    }
/* ST(0) is a, ST(1) is b. */
BIN(fadd_0i, "fadd %%st(1), %%st")
BIN(fsub_0i, "fsub %%st(1), %%st")
BIN(fsubr_0i, "fsubr %%st(1), %%st")
BIN(fmul_0i, "fmul %%st(1), %%st")
BIN(fdiv_0i, "fdiv %%st(1), %%st")
BIN(fdivr_0i, "fdivr %%st(1), %%st")
/* The popping forms: ST(1) := ST(1) op ST(0), then pop; the result is read from the new ST(0)
 * and a fresh zero pushed so the common epilogue pops two values. */
BIN(faddp_, "faddp\n\tfldz\n\tfxch")
BIN(fsubp_, "fsubp\n\tfldz\n\tfxch")
BIN(fsubrp_, "fsubrp\n\tfldz\n\tfxch")
BIN(fdivp_, "fdivp\n\tfldz\n\tfxch")
BIN(fdivrp_, "fdivrp\n\tfldz\n\tfxch")
BIN(fscale_, "fscale")
BIN(fprem_, "fprem")
BIN(fprem1_, "fprem1")
BIN(fsqrt_, "fsqrt")
BIN(frndint_, "frndint")
BIN(fchs_, "fchs")
BIN(fabs_, "fabs")
BIN(fxtract_, "fxtract\n\tfstpt 16(%2)")

static const struct {
    const char *name;
    bin_fn fn;
    int binary;
} OPS[] = {
    {"fadd", fadd_0i, 1},   {"fsub", fsub_0i, 1},   {"fsubr", fsubr_0i, 1}, {"fmul", fmul_0i, 1},
    {"fdiv", fdiv_0i, 1},   {"fdivr", fdivr_0i, 1}, {"faddp", faddp_, 1},   {"fsubp", fsubp_, 1},
    {"fsubrp", fsubrp_, 1}, {"fdivp", fdivp_, 1},   {"fdivrp", fdivrp_, 1}, {"fscale", fscale_, 1},
    {"fprem", fprem_, 1},   {"fprem1", fprem1_, 1}, {"fsqrt", fsqrt_, 0},   {"frndint", frndint_, 0},
    {"fchs", fchs_, 0},     {"fabs", fabs_, 0},     {"fxtract", fxtract_, 0},
};

/* Memory-operand forms: ST(0) op m32fp / m64fp / m16int / m32int. */
#define MEM(name, insn, T)                                                                        \
    static void name(const x80 *a, T m, uint16_t cw, x80 *r, uint16_t *sw)                       \
    {                                                                                             \
        volatile T mv = m;                                                                        \
        __asm__ volatile("fninit\n\tfldcw %4\n\tfldt (%0)\n\t" insn " %1\n\tfnstsw (%3)\n\t"      \
                         "fstpt (%2)\n\tfninit"                                                   \
                         :                                                                        \
                         : "r"(a), "m"(mv), "r"(r), "r"(sw), "m"(cw)                              \
                         : "memory");                                                             \
    }
MEM(fadds_, "fadds", float)
MEM(fmull_, "fmull", double)
MEM(fdivrs_, "fdivrs", float)
MEM(fsubl_, "fsubl", double)
MEM(fiadds_, "fiadds", int16_t)
MEM(fidivl_, "fidivl", int32_t)
MEM(fisubrl_, "fisubrl", int32_t)
MEM(fimuls_, "fimuls", int16_t)

static const uint32_t F32[] = {0x00000000, 0x80000000, 0x3f800000, 0x3eaaaaab, 0x7f7fffff, 0x00000001,
                               0x7f800000, 0x7fc00000, 0x7fa00000, 0x4b800001};
static const uint64_t F64[] = {0x0000000000000000ull, 0x3ff0000000000000ull, 0x3fd5555555555555ull,
                               0x7fefffffffffffffull, 0x0000000000000001ull, 0xfff0000000000000ull,
                               0x7ff4000000000000ull, 0x4330000000000001ull};
static const int32_t I32[] = {0, 1, -1, 3, 2147483647, -2147483647 - 1, 16777217};
static const int16_t I16[] = {0, 1, -1, 3, 32767, -32768, 1000};

static void mem_forms(void)
{
    printf("== memory operand forms\n");
    for (int c = 0; c < CW_N; c++)
        for (int k = 0; k < PAIR_N; k++) {
            const x80 *a = &X80_TABLE[PAIR_IDX[k]];
            x80 r;
            uint16_t sw;
            for (unsigned j = 0; j < sizeof F32 / 4; j++) {
                float f;
                memcpy(&f, &F32[j], 4);
                fadds_(a, f, CW_TABLE[c], &r, &sw);
                printf("fadds cw=%04x %s %08x -> %s sw=%s\n", CW_TABLE[c], x80s(a), F32[j], x80s(&r), sws(sw));
                fdivrs_(a, f, CW_TABLE[c], &r, &sw);
                printf("fdivrs cw=%04x %s %08x -> %s sw=%s\n", CW_TABLE[c], x80s(a), F32[j], x80s(&r), sws(sw));
            }
            for (unsigned j = 0; j < sizeof F64 / 8; j++) {
                double f;
                memcpy(&f, &F64[j], 8);
                fmull_(a, f, CW_TABLE[c], &r, &sw);
                printf("fmull cw=%04x %s %016llx -> %s sw=%s\n", CW_TABLE[c], x80s(a), (unsigned long long)F64[j],
                       x80s(&r), sws(sw));
                fsubl_(a, f, CW_TABLE[c], &r, &sw);
                printf("fsubl cw=%04x %s %016llx -> %s sw=%s\n", CW_TABLE[c], x80s(a), (unsigned long long)F64[j],
                       x80s(&r), sws(sw));
            }
            for (unsigned j = 0; j < sizeof I32 / 4; j++) {
                fidivl_(a, I32[j], CW_TABLE[c], &r, &sw);
                printf("fidivl cw=%04x %s %d -> %s sw=%s\n", CW_TABLE[c], x80s(a), I32[j], x80s(&r), sws(sw));
                fisubrl_(a, I32[j], CW_TABLE[c], &r, &sw);
                printf("fisubrl cw=%04x %s %d -> %s sw=%s\n", CW_TABLE[c], x80s(a), I32[j], x80s(&r), sws(sw));
            }
            for (unsigned j = 0; j < sizeof I16 / 2; j++) {
                fiadds_(a, I16[j], CW_TABLE[c], &r, &sw);
                printf("fiadds cw=%04x %s %d -> %s sw=%s\n", CW_TABLE[c], x80s(a), I16[j], x80s(&r), sws(sw));
                fimuls_(a, I16[j], CW_TABLE[c], &r, &sw);
                printf("fimuls cw=%04x %s %d -> %s sw=%s\n", CW_TABLE[c], x80s(a), I16[j], x80s(&r), sws(sw));
            }
        }
}

/* Stack faults: an operation on an empty register and a push onto a full stack (masked), and the
 * same with IE unmasked (nothing happens but the flags; FNCLEX before the next waiting insn). */
static void stack_faults(void)
{
    uint16_t sw[6];
    x80 r[3];
    printf("== stack faults\n");
    __asm__ volatile("fninit\n\tfadd %%st(1), %%st\n\tfnstsw 0(%0)\n\tfstpt 0(%1)\n\tfnstsw 2(%0)\n\t"
                     "fld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfld1\n\tfldpi\n\tfnstsw 4(%0)\n\t"
                     "fstpt 16(%1)\n\tfninit\n\tfld1\n\tfldcw %2\n\tfxch %%st(3)\n\tfnstsw 6(%0)\n\tfnclex\n\t"
                     "fld %%st(5)\n\tfnstsw 8(%0)\n\tfnclex\n\tfstpt 32(%1)\n\tfnstsw 10(%0)\n\tfninit"
                     :
                     : "r"(sw), "r"(r), "m"(*(const uint16_t[]){0x037e})
                     : "memory");
    printf("underflow fadd: sw=%s result %s then sw=%s\n", sws(sw[0]), x80s(&r[0]), sws(sw[1]));
    printf("overflow fldpi: sw=%s result %s\n", sws(sw[2]), x80s(&r[1]));
    printf("unmasked underflow fxch: sw=%s; fld st(5): sw=%s; stack top %s sw=%s\n", sws(sw[3]), sws(sw[4]),
           x80s(&r[2]), sws(sw[5]));
}

/* Unmasked exceptions: the result left in the register (suppressed for IE/ZE/DE, exponent
 * wrapped by 2^24576 for OE/UE), and the status word with ES and B. */
static void unmasked(void)
{
    static const uint16_t cws[] = {0x0360, 0x0377, 0x036f, 0x037e, 0x037b, 0x037d};
    printf("== unmasked exceptions\n");
    for (unsigned c = 0; c < sizeof cws / 2; c++)
        for (int i = 0; i < PAIR_N; i++)
            for (int j = 0; j < PAIR_N; j++) {
                const x80 *a = &X80_TABLE[PAIR_IDX[i]], *b = &X80_TABLE[PAIR_IDX[j]];
                x80 r[2];
                uint16_t sw[2];
                /* FNSTSW and FNCLEX are no-wait: the pending exception is read and dropped before
                 * the waiting FSTP. */
                __asm__ volatile("fninit\n\tfldt (%1)\n\tfldt (%0)\n\tfldcw %4\n\tfmul %%st(1), %%st\n\t"
                                 "fnstsw 0(%3)\n\tfnclex\n\tfstpt 0(%2)\n\tfldt (%0)\n\tfdiv %%st(1), %%st\n\t"
                                 "fnstsw 2(%3)\n\tfnclex\n\tfstpt 16(%2)\n\tfninit"
                                 :
                                 : "r"(a), "r"(b), "r"(r), "r"(sw), "m"(cws[c])
                                 : "memory");
                printf("cw=%04x %s * / %s: sw %s %s -> %s %s\n", cws[c], x80s(a), x80s(b), sws(sw[0]),
                       sws(sw[1]), x80s(&r[0]), x80s(&r[1]));
            }
}

int main(void)
{
    printf("== register forms (a op b)\n");
    for (unsigned o = 0; o < sizeof OPS / sizeof OPS[0]; o++)
        for (int c = 0; c < CW_N; c++)
            for (int i = 0; i < PAIR_N; i++)
                for (int j = 0; j < (OPS[o].binary ? PAIR_N : 1); j++) {
                    const x80 *a = &X80_TABLE[PAIR_IDX[i]];
                    const x80 *b = &X80_TABLE[OPS[o].binary ? PAIR_IDX[j] : 4];
                    x80 r[2] = {{0, 0}, {0, 0}};
                    uint16_t sw = 0;
                    OPS[o].fn(a, b, CW_TABLE[c], r, &sw);
                    printf("%s cw=%04x %s %s -> %s %s sw=%s\n", OPS[o].name, CW_TABLE[c], x80s(a), x80s(b),
                           x80s(&r[0]), x80s(&r[1]), sws(sw));
                }
    mem_forms();
    stack_faults();
    unmasked();
    /* glibc's printf of long double on the results of x87 arithmetic */
    long double third = 1.0L / 3.0L, big = 1e4000L, tiny = 1e-4940L;
    printf("%La %.25Lg %La %.10Lg %La %.10Lg\n", third, third, big, big, tiny, tiny);
    return 0;
}
