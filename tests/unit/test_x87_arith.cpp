// x87 arithmetic, loads, stores and comparisons executed by gate386 and by this host's x87 on the
// same operands, control words and instruction bytes; results compared bit for bit.
//
// Input layout (%ebx-relative): 0 A (80-bit), 16 B (80-bit), 32 control word, 48 m32, 56 m64,
// 64 m16int, 68 m32int, 72 m64int, 80 m80bcd. Outputs from 256 on.
#include "tests/unit/fpu_test_util.h"

using namespace fputest;

namespace {

constexpr uint16_t kControlWords[] = {
    0x037f,   // round to nearest, 64-bit precision (the default)
    0x077f,   // round down
    0x0b7f,   // round up
    0x0f7f,   // round toward zero
    0x007f,   // 24-bit precision
    0x027f,   // 53-bit precision
    0x0e7f,   // 53-bit precision, round up
};

struct Input {
    uint8_t b[96] = {};
    Input(X80 a, X80 bb, uint16_t cw) {
        put80(b, a);
        put80(b + 16, bb);
        std::memcpy(b + 32, &cw, 2);
    }
    template <typename T> void set(uint32_t off, T v) { std::memcpy(b + off, &v, sizeof v); }
};

// Every (A, B, control word) combination through one case.
void all_pairs(const FpuCase& c, std::initializer_list<Ignore> ignore = {}) {
    int failures = 0;
    for (uint16_t cw : kControlWords)
        for (X80 a : x80_table())
            for (X80 b : x80_table()) {
                Input in(a, b, cw);
                in.set<float>(48, 1.0f / 3.0f);
                if (!compare(c, in.b, sizeof in.b, ignore) && ++failures > 5) return;
            }
}

// Every (A, control word) with a table of memory operands.
template <typename T> void all_mem(const FpuCase& c, uint32_t off, std::initializer_list<T> ms) {
    int failures = 0;
    for (uint16_t cw : kControlWords)
        for (X80 a : x80_table())
            for (T m : ms) {
                Input in(a, a, cw);
                in.set<T>(off, m);
                if (!compare(c, in.b, sizeof in.b) && ++failures > 5) return;
            }
}

const std::initializer_list<uint32_t> kFloatBits = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3eaaaaab, 0x7f7fffff, 0x00800000, 0x00000001,
    0x807fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0xffc00000, 0x4b800001, 0x5f000000};
const std::initializer_list<uint64_t> kDoubleBits = {
    0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x3fd5555555555555ull,
    0x7fefffffffffffffull, 0x0010000000000000ull, 0x0000000000000001ull, 0x800fffffffffffffull,
    0x7ff0000000000000ull, 0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
    0x43e0000000000000ull, 0x4330000000000001ull, 0xc1e0000000000000ull};
const std::initializer_list<int16_t> kInt16 = {0, 1, -1, 3, 32767, -32768, 1000, -7};
const std::initializer_list<int32_t> kInt32 = {0, 1, -1, 3, 2147483647, -2147483647 - 1, 1000000, -7,
                                               16777217};

}  // namespace

// Binary arithmetic in every register form. The text stores the result, the other operand and
// the status word (C1 and the exception flags).
#define BIN_RR(op, iop)                                                                              \
    FPU_CASE(op##_st0_st1, "fldcw 32(%ebx)\n fldt 16(%ebx)\n fldt (%ebx)\n " #op " %st(1), %st\n" \
                           " fnstsw 300(%ebx)\n fstpt 256(%ebx)\n fstpt 272(%ebx)")               \
    FPU_CASE(op##_st1_st0, "fldcw 32(%ebx)\n fldt 16(%ebx)\n fldt (%ebx)\n " #op " %st, %st(1)\n" \
                           " fnstsw 300(%ebx)\n fstpt 256(%ebx)\n fstpt 272(%ebx)")               \
    FPU_CASE(op##p_st1, "fldcw 32(%ebx)\n fldt 16(%ebx)\n fldt (%ebx)\n " #op "p\n"               \
                        " fnstsw 300(%ebx)\n fstpt 256(%ebx)\n fnstsw 302(%ebx)")                 \
    FPU_CASE(op##_m32, "fldcw 32(%ebx)\n fldt (%ebx)\n " #op "s 48(%ebx)\n fnstsw 300(%ebx)\n"    \
                       " fstpt 256(%ebx)")                                                        \
    FPU_CASE(op##_m64, "fldcw 32(%ebx)\n fldt (%ebx)\n " #op "l 56(%ebx)\n fnstsw 300(%ebx)\n"    \
                       " fstpt 256(%ebx)")                                                        \
    FPU_CASE(op##_i16, "fldcw 32(%ebx)\n fldt (%ebx)\n " #iop "s 64(%ebx)\n fnstsw 300(%ebx)\n"  \
                       " fstpt 256(%ebx)")                                                        \
    FPU_CASE(op##_i32, "fldcw 32(%ebx)\n fldt (%ebx)\n " #iop "l 68(%ebx)\n fnstsw 300(%ebx)\n"  \
                       " fstpt 256(%ebx)")                                                        \
    TEST_CASE("x87 " #op " matches the host in every form, operand class and control word") {    \
        all_pairs(case_##op##_st0_st1);                                                           \
        all_pairs(case_##op##_st1_st0);                                                           \
        all_pairs(case_##op##p_st1);                                                          \
        all_mem<uint32_t>(case_##op##_m32, 48, kFloatBits);                                       \
        all_mem<uint64_t>(case_##op##_m64, 56, kDoubleBits);                                      \
        all_mem<int16_t>(case_##op##_i16, 64, kInt16);                                            \
        all_mem<int32_t>(case_##op##_i32, 68, kInt32);                                            \
    }
BIN_RR(fadd, fiadd)
BIN_RR(fsub, fisub)
BIN_RR(fsubr, fisubr)
BIN_RR(fmul, fimul)
BIN_RR(fdiv, fidiv)
BIN_RR(fdivr, fidivr)

// Unary operations and the ST(0)/ST(1) ones that keep ST(1).
#define UNARY(op)                                                                                 \
    FPU_CASE(op##_u, "fldcw 32(%ebx)\n fldt 16(%ebx)\n fldt (%ebx)\n " #op "\n fnstsw 300(%ebx)\n" \
                     " fstpt 256(%ebx)\n fstpt 272(%ebx)")                                        \
    TEST_CASE("x87 " #op " matches the host") { all_pairs(case_##op##_u); }
UNARY(fchs)
UNARY(fabs)
UNARY(fsqrt)
UNARY(frndint)
UNARY(fscale)
UNARY(fprem)
UNARY(fprem1)
UNARY(fxtract)
UNARY(fsin)
UNARY(fcos)
UNARY(fsincos)
UNARY(fptan)
UNARY(fpatan)
UNARY(f2xm1)
UNARY(fyl2x)
UNARY(fyl2xp1)
UNARY(ftst)
UNARY(fxam)
UNARY(fcom)
UNARY(fucom)
UNARY(fcompp)
UNARY(fucompp)
UNARY(fxch)

// FCOMI and friends set EFLAGS: ZF PF CF stored with SETcc.
#define COMI(op)                                                                                  \
    FPU_CASE(op##_c, "fldcw 32(%ebx)\n fldt 16(%ebx)\n fldt (%ebx)\n " #op " %st(1), %st\n"      \
                     " setz 310(%ebx)\n setp 311(%ebx)\n setc 312(%ebx)\n seto 313(%ebx)\n"       \
                     " sets 314(%ebx)\n fnstsw 300(%ebx)\n fstpt 256(%ebx)")                      \
    TEST_CASE("x87 " #op " sets EFLAGS as the host does") { all_pairs(case_##op##_c); }
COMI(fcomi)
COMI(fucomi)
COMI(fcomip)
COMI(fucomip)

// Explicit ST(i) operands: Zydis describes some of these as "st0, st(i)" and others as "st(i)".
FPU_CASE(explicit_sti, "fldcw 32(%ebx)\n fldz\n fldt 16(%ebx)\n fldt (%ebx)\n fucomp %st(1)\n fnstsw 300(%ebx)\n"
                       " fldt (%ebx)\n fucom %st(2)\n fnstsw 302(%ebx)\n fcom %st(1)\n fnstsw 304(%ebx)\n"
                       " fcomp %st(2)\n fnstsw 306(%ebx)\n fldt (%ebx)\n fxch %st(2)\n fucomi %st(2), %st\n"
                       " setz 310(%ebx)\n setc 311(%ebx)\n fcomip %st(1), %st\n setz 312(%ebx)\n"
                       " setc 313(%ebx)\n fnstsw 308(%ebx)\n fstpt 256(%ebx)\n fstpt 272(%ebx)\n fstpt 288(%ebx)")
// The undocumented aliases: FXCH4 (DD C8+i), FXCH7 (DF C8+i), FCOM2 (DC D0+i), FCOMP3 (DC D8+i),
// FCOMP5 (DE D0+i), FSTP1 (D9 D8+i), FSTP8 (DF D0+i), FSTP9 (DF D8+i), FFREEP (DF C0+i).
FPU_CASE(aliases, "fldcw 32(%ebx)\n fld1\n fldz\n fldt 16(%ebx)\n fldt (%ebx)\n .byte 0xdd, 0xca\n"
                  " .byte 0xdc, 0xd2\n fnstsw 300(%ebx)\n .byte 0xdc, 0xd9\n fnstsw 302(%ebx)\n"
                  " .byte 0xde, 0xd1\n fnstsw 304(%ebx)\n .byte 0xdf, 0xc9\n .byte 0xd9, 0xd9\n"
                  " .byte 0xdf, 0xc1\n fnstsw 306(%ebx)\n fldt (%ebx)\n fldt 16(%ebx)\n .byte 0xdf, 0xd1\n"
                  " .byte 0xdf, 0xd9\n fnstsw 308(%ebx)\n fnstenv 320(%ebx)\n fnsave 352(%ebx)")
TEST_CASE("x87 comparisons and FXCH with explicit ST(i) operands, and the alias encodings") {
    all_pairs(case_explicit_sti);
    all_pairs(case_aliases, {{332, 4}, {336, 2}, {340, 4}, {344, 2}, {364, 4}, {368, 2}, {372, 4}, {376, 2}});
}

FPU_CASE(fcom_m32, "fldcw 32(%ebx)\n fldt (%ebx)\n fcoms 48(%ebx)\n fnstsw 300(%ebx)\n fcomps 48(%ebx)\n fnstsw 302(%ebx)")
FPU_CASE(fcom_m64, "fldcw 32(%ebx)\n fldt (%ebx)\n fcoml 56(%ebx)\n fnstsw 300(%ebx)\n fcompl 56(%ebx)\n fnstsw 302(%ebx)")
FPU_CASE(ficom_16, "fldcw 32(%ebx)\n fldt (%ebx)\n ficoms 64(%ebx)\n fnstsw 300(%ebx)\n ficomps 64(%ebx)\n fnstsw 302(%ebx)")
FPU_CASE(ficom_32, "fldcw 32(%ebx)\n fldt (%ebx)\n ficoml 68(%ebx)\n fnstsw 300(%ebx)\n ficompl 68(%ebx)\n fnstsw 302(%ebx)")
TEST_CASE("x87 comparisons with memory operands") {
    all_mem<uint32_t>(case_fcom_m32, 48, kFloatBits);
    all_mem<uint64_t>(case_fcom_m64, 56, kDoubleBits);
    all_mem<int16_t>(case_ficom_16, 64, kInt16);
    all_mem<int32_t>(case_ficom_32, 68, kInt32);
}

// Loads and stores in every format; rounding of stores follows the control word.
FPU_CASE(st_m32, "fldcw 32(%ebx)\n fldt (%ebx)\n fsts 256(%ebx)\n fnstsw 300(%ebx)\n fstps 260(%ebx)\n fnstsw 302(%ebx)")
FPU_CASE(st_m64, "fldcw 32(%ebx)\n fldt (%ebx)\n fstl 256(%ebx)\n fnstsw 300(%ebx)\n fstpl 264(%ebx)\n fnstsw 302(%ebx)")
FPU_CASE(ist_16, "fldcw 32(%ebx)\n fldt (%ebx)\n fists 256(%ebx)\n fnstsw 300(%ebx)\n fistps 258(%ebx)\n fnstsw 302(%ebx)")
FPU_CASE(ist_32, "fldcw 32(%ebx)\n fldt (%ebx)\n fistl 256(%ebx)\n fnstsw 300(%ebx)\n fistpl 260(%ebx)\n fnstsw 302(%ebx)")
FPU_CASE(ist_64, "fldcw 32(%ebx)\n fldt (%ebx)\n fistpll 256(%ebx)\n fnstsw 300(%ebx)")
FPU_CASE(istt_16, "fldcw 32(%ebx)\n fldt (%ebx)\n fisttps 256(%ebx)\n fnstsw 300(%ebx)")
FPU_CASE(istt_32, "fldcw 32(%ebx)\n fldt (%ebx)\n fisttpl 256(%ebx)\n fnstsw 300(%ebx)")
FPU_CASE(istt_64, "fldcw 32(%ebx)\n fldt (%ebx)\n fisttpll 256(%ebx)\n fnstsw 300(%ebx)")
FPU_CASE(bstp, "fldcw 32(%ebx)\n fldt (%ebx)\n fbstp 256(%ebx)\n fnstsw 300(%ebx)")
FPU_CASE(bld, "fldcw 32(%ebx)\n fbld 16(%ebx)\n fnstsw 300(%ebx)\n fstpt 256(%ebx)")
FPU_CASE(ld_m32, "fldcw 32(%ebx)\n flds 48(%ebx)\n fnstsw 300(%ebx)\n fstpt 256(%ebx)")
FPU_CASE(ld_m64, "fldcw 32(%ebx)\n fldl 56(%ebx)\n fnstsw 300(%ebx)\n fstpt 256(%ebx)")
FPU_CASE(ild, "fldcw 32(%ebx)\n filds 64(%ebx)\n fildl 68(%ebx)\n fildll 72(%ebx)\n fnstsw 300(%ebx)\n"
              " fstpt 256(%ebx)\n fstpt 272(%ebx)\n fstpt 288(%ebx)")
FPU_CASE(consts, "fldcw 32(%ebx)\n fld1\n fldz\n fldpi\n fldl2e\n fldl2t\n fldlg2\n fldln2\n fnstsw 400(%ebx)\n"
                 " fstpt 256(%ebx)\n fstpt 272(%ebx)\n fstpt 288(%ebx)\n fstpt 304(%ebx)\n fstpt 320(%ebx)\n"
                 " fstpt 336(%ebx)\n fstpt 352(%ebx)")
TEST_CASE("x87 stores round and convert as the host does") {
    for (const FpuCase* c : {&case_st_m32, &case_st_m64, &case_ist_16, &case_ist_32, &case_ist_64,
                             &case_istt_16, &case_istt_32, &case_istt_64, &case_bstp, &case_bld})
        all_pairs(*c);
    all_mem<uint32_t>(case_ld_m32, 48, kFloatBits);
    all_mem<uint64_t>(case_ld_m64, 56, kDoubleBits);
    int failures = 0;
    for (uint16_t cw : kControlWords) {
        Input in({}, {}, cw);
        in.set<int16_t>(64, -12345);
        in.set<int32_t>(68, 123456789);
        in.set<int64_t>(72, -1234567890123456789ll);
        failures += !compare(case_ild, in.b, sizeof in.b);
        failures += !compare(case_consts, in.b, sizeof in.b);
    }
    CHECK(failures == 0);
}

// Stack faults: underflow from an empty register and overflow into a full stack, masked.
FPU_CASE(underflow, "fadd %st(1), %st\n fnstsw 300(%ebx)\n fstpt 256(%ebx)\n fnstsw 302(%ebx)\n"
                    " fld %st(3)\n fnstsw 304(%ebx)\n fstpt 272(%ebx)")
FPU_CASE(overflow, "fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fld1\n fnstsw 300(%ebx)\n fldpi\n"
                   " fnstsw 302(%ebx)\n fstpt 256(%ebx)\n fnstsw 304(%ebx)\n fldt (%ebx)\n"
                   " fnstsw 306(%ebx)\n fstpt 272(%ebx)\n fnstenv 320(%ebx)")
TEST_CASE("x87 stack underflow and overflow set IE, SF and C1 and produce the indefinite value") {
    Input in({0x8000000000000000ull, 0x3fff}, {}, 0x37f);
    CHECK(compare(case_underflow, in.b, sizeof in.b));
    // FNSTENV: instruction and data pointers (bytes 12..15, 20..23) and selectors differ.
    CHECK(compare(case_overflow, in.b, sizeof in.b, {{332, 4}, {336, 2}, {340, 4}, {344, 2}}));
}

// Unmasked exceptions: the flags, the suppressed or exponent-wrapped results, ES and B. No waiting
// instruction follows before FNCLEX, so neither the host nor the guest takes the trap here.
#define UNMASKED(name, op)                                                                        \
    FPU_CASE(name, "fldt 16(%ebx)\n fldt (%ebx)\n fldcw 32(%ebx)\n " op "\n fnstsw 300(%ebx)\n"   \
                   " fnclex\n fldcw 34(%ebx)\n fstpt 256(%ebx)\n fstpt 272(%ebx)")
UNMASKED(um_fmul, "fmul %st(1), %st")
UNMASKED(um_fdiv, "fdiv %st(1), %st")
UNMASKED(um_fadd, "fadd %st(1), %st")
UNMASKED(um_fsqrt, "fsqrt")
UNMASKED(um_fscale, "fscale")
UNMASKED(um_fpatan, "fpatan")
UNMASKED(um_fyl2x, "fyl2x")
UNMASKED(um_fxtract, "fxtract")
UNMASKED(um_fptan, "fptan")
UNMASKED(um_fcom, "fcom %st(1)")
UNMASKED(um_fcomp, "fcomp %st(1)")
UNMASKED(um_fucompp, "fucompp")
UNMASKED(um_fcomip, "fcomip %st(1), %st\n setz 290(%ebx)\n setc 291(%ebx)\n setp 292(%ebx)")
UNMASKED(um_fstp, "fstps 280(%ebx)")
UNMASKED(um_fist, "fistpl 280(%ebx)")
TEST_CASE("x87 unmasked exceptions: flags, suppressed and wrapped results") {
    int failures = 0;
    for (uint16_t cw : {0x0360, 0x0372, 0x0367, 0x037e, 0x0340, 0x0f60})
        for (X80 a : x80_table())
            for (X80 b : x80_table()) {
                Input in(a, b, cw);
                in.set<uint16_t>(34, 0x37f);
                for (const FpuCase* c : {&case_um_fmul, &case_um_fdiv, &case_um_fadd, &case_um_fsqrt,
                                         &case_um_fscale, &case_um_fpatan, &case_um_fyl2x,
                                         &case_um_fxtract, &case_um_fptan, &case_um_fcom,
                                         &case_um_fcomp, &case_um_fucompp, &case_um_fcomip,
                                         &case_um_fstp, &case_um_fist})
                    if (!compare(*c, in.b, sizeof in.b) && ++failures > 8) return;
            }
}

// Huge arguments of FSIN/FCOS/FPTAN/FSINCOS leave the operand and set C2.
FPU_CASE(huge_trig, "fldt (%ebx)\n fsin\n fnstsw 300(%ebx)\n fstpt 256(%ebx)\n fldt (%ebx)\n fptan\n"
                    " fnstsw 302(%ebx)\n fstpt 272(%ebx)\n fldt (%ebx)\n fsincos\n fnstsw 304(%ebx)\n"
                    " fstpt 288(%ebx)\n fnstsw 306(%ebx)")
TEST_CASE("x87 trigonometry beyond 2^63 reports C2 and keeps the operand") {
    for (X80 a : {X80{0x8000000000000000ull, 0x403e}, X80{0x8000000000000000ull, 0x403f},
                  X80{0x8ac7230489e80000ull, 0x4043}, X80{0xffffffffffffffffull, 0x7ffe}}) {
        Input in(a, a, 0x37f);
        CHECK(compare(case_huge_trig, in.b, sizeof in.b));
    }
}
