// SSE/SSE2 floating point executed by gate386 and natively on the same bytes and inputs, under
// every rounding mode with and without FTZ/DAZ: results, MXCSR flags and EFLAGS bit for bit.
//
// Input layout (%ebx-relative): 0 A (16 bytes), 16 B (16 bytes), 32 GPR input, 36 MXCSR,
// 48 C (16 bytes). Outputs from 256 on.
#include <csignal>

#include "tests/unit/fpu_test_util.h"

using namespace fputest;

namespace {

constexpr uint32_t kMxcsrs[] = {0x1f80, 0x3f80, 0x5f80, 0x7f80, 0x9f80, 0x1fc0, 0x9fc0, 0x7fc0};

const uint32_t kFloats[] = {0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3eaaaaab, 0x7f7fffff,
                            0x00800000, 0x00000001, 0x807fffff, 0x7f800000, 0xff800000, 0x7fc00000,
                            0x7fa00000, 0xffc00000, 0x4b800001, 0x4f000000, 0xcf000001, 0x3f000001,
                            0x00400000, 0x40490fdb};
const uint64_t kDoubles[] = {0x0000000000000000ull, 0x8000000000000000ull, 0x3ff0000000000000ull,
                             0x3fd5555555555555ull, 0x7fefffffffffffffull, 0x0010000000000000ull,
                             0x0000000000000001ull, 0x800fffffffffffffull, 0x7ff0000000000000ull,
                             0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
                             0x41e0000000000000ull, 0xc1e0000000200000ull, 0x3fe0000000000001ull,
                             0x36a0000000000000ull, 0x47efffffe0000000ull, 0x400921fb54442d18ull};

struct In {
    uint8_t b[64] = {};
    template <typename T> void set(uint32_t off, T v) { std::memcpy(b + off, &v, sizeof v); }
};

// Every pair of floats lands in some lane of A and B, under every MXCSR.
void float_pairs(const FpuCase& c) {
    int failures = 0;
    for (uint32_t csr : kMxcsrs)
        for (uint32_t x : kFloats)
            for (uint32_t y : kFloats) {
                In in;
                uint32_t a[4] = {x, y, x ^ 0x80000000u, 0x3f800000};
                uint32_t b[4] = {y, x, 0x40000000, y ^ 0x80000000u};
                std::memcpy(in.b, a, 16);
                std::memcpy(in.b + 16, b, 16);
                in.set<uint32_t>(36, csr);
                in.set<int32_t>(32, int32_t(x));
                if (!compare(c, in.b, sizeof in.b) && ++failures > 5) return;
            }
}

void double_pairs(const FpuCase& c) {
    int failures = 0;
    for (uint32_t csr : kMxcsrs)
        for (uint64_t x : kDoubles)
            for (uint64_t y : kDoubles) {
                In in;
                uint64_t a[2] = {x, y ^ 0x8000000000000000ull};
                uint64_t b[2] = {y, x};
                std::memcpy(in.b, a, 16);
                std::memcpy(in.b + 16, b, 16);
                in.set<uint32_t>(36, csr);
                in.set<int32_t>(32, int32_t(x >> 20));
                if (!compare(c, in.b, sizeof in.b) && ++failures > 5) return;
            }
}

}  // namespace

#define PRE "ldmxcsr 36(%ebx)\n movups (%ebx), %xmm0\n movups 16(%ebx), %xmm1\n movaps %xmm0, %xmm2\n "
#define POST "\n movups %xmm0, 256(%ebx)\n movups %xmm2, 272(%ebx)\n stmxcsr 288(%ebx)"
// Register form into xmm0 and memory form into xmm2.
#define SSE_OP(name, insn)                                                                        \
    FPU_CASE(name, PRE insn " %xmm1, %xmm0\n " insn " 16(%ebx), %xmm2" POST)

#define SSE_PS(op)                                                                                \
    SSE_OP(op##ps_c, #op "ps") SSE_OP(op##ss_c, #op "ss") SSE_OP(op##pd_c, #op "pd")              \
    SSE_OP(op##sd_c, #op "sd")                                                                    \
    TEST_CASE("SSE " #op " in PS, SS, PD and SD forms matches the host") {                        \
        float_pairs(case_##op##ps_c);                                                             \
        float_pairs(case_##op##ss_c);                                                             \
        double_pairs(case_##op##pd_c);                                                            \
        double_pairs(case_##op##sd_c);                                                            \
    }
SSE_PS(add)
SSE_PS(sub)
SSE_PS(mul)
SSE_PS(div)
SSE_PS(min)
SSE_PS(max)
SSE_PS(sqrt)

SSE_OP(rcpps_c, "rcpps")
SSE_OP(rcpss_c, "rcpss")
SSE_OP(rsqrtps_c, "rsqrtps")
SSE_OP(rsqrtss_c, "rsqrtss")
TEST_CASE("SSE RCP and RSQRT approximations are the host's") {
    for (const FpuCase* c : {&case_rcpps_c, &case_rcpss_c, &case_rsqrtps_c, &case_rsqrtss_c}) float_pairs(*c);
}

// CMPPS and friends with every predicate.
#define SSE_CMP(name, insn)                                                                       \
    FPU_CASE(name, PRE insn " $0, %xmm1, %xmm0\n " insn " $1, 16(%ebx), %xmm2\n movaps %xmm0, %xmm3\n" \
                   " " insn " $2, %xmm1, %xmm3\n movups %xmm3, 304(%ebx)\n movaps %xmm1, %xmm3\n"   \
                   " " insn " $3, %xmm0, %xmm3\n movups %xmm3, 320(%ebx)\n movups (%ebx), %xmm3\n"  \
                   " " insn " $4, %xmm1, %xmm3\n movups %xmm3, 336(%ebx)\n movups (%ebx), %xmm3\n"  \
                   " " insn " $5, %xmm1, %xmm3\n movups %xmm3, 352(%ebx)\n movups (%ebx), %xmm3\n"  \
                   " " insn " $6, %xmm1, %xmm3\n movups %xmm3, 368(%ebx)\n movups (%ebx), %xmm3\n"  \
                   " " insn " $7, %xmm1, %xmm3\n movups %xmm3, 384(%ebx)" POST)
SSE_CMP(cmpps_c, "cmpps")
SSE_CMP(cmpss_c, "cmpss")
SSE_CMP(cmppd_c, "cmppd")
SSE_CMP(cmpsd_c, "cmpsd")
TEST_CASE("SSE CMPPS/CMPSS/CMPPD/CMPSD with all eight predicates") {
    float_pairs(case_cmpps_c);
    float_pairs(case_cmpss_c);
    double_pairs(case_cmppd_c);
    double_pairs(case_cmpsd_c);
}

#define SSE_COMI(name, insn)                                                                      \
    FPU_CASE(name, PRE insn " %xmm1, %xmm0\n setz 400(%ebx)\n setp 401(%ebx)\n setc 402(%ebx)\n"  \
                   " seto 403(%ebx)\n sets 404(%ebx)\n" insn " 16(%ebx), %xmm0\n setz 405(%ebx)\n"  \
                   " setp 406(%ebx)\n setc 407(%ebx)" POST)
SSE_COMI(comiss_c, "comiss")
SSE_COMI(ucomiss_c, "ucomiss")
SSE_COMI(comisd_c, "comisd")
SSE_COMI(ucomisd_c, "ucomisd")
TEST_CASE("SSE COMISS/UCOMISS/COMISD/UCOMISD set EFLAGS and MXCSR as the host does") {
    float_pairs(case_comiss_c);
    float_pairs(case_ucomiss_c);
    double_pairs(case_comisd_c);
    double_pairs(case_ucomisd_c);
}

// Conversions between every pair of formats.
SSE_OP(cvtps2pd_c, "cvtps2pd")
SSE_OP(cvtpd2ps_c, "cvtpd2ps")
SSE_OP(cvtdq2ps_c, "cvtdq2ps")
SSE_OP(cvtps2dq_c, "cvtps2dq")
SSE_OP(cvttps2dq_c, "cvttps2dq")
SSE_OP(cvtdq2pd_c, "cvtdq2pd")
SSE_OP(cvtpd2dq_c, "cvtpd2dq")
SSE_OP(cvttpd2dq_c, "cvttpd2dq")
SSE_OP(cvtss2sd_c, "cvtss2sd")
SSE_OP(cvtsd2ss_c, "cvtsd2ss")
FPU_CASE(cvt_int, PRE "cvtsi2ss 32(%ebx), %xmm0\n mov 32(%ebx), %eax\n cvtsi2sd %eax, %xmm2\n"
                  " cvtss2si %xmm1, %ecx\n mov %ecx, 400(%ebx)\n cvttss2si 16(%ebx), %ecx\n mov %ecx, 404(%ebx)\n"
                  " cvtsd2si %xmm1, %ecx\n mov %ecx, 408(%ebx)\n cvttsd2si 16(%ebx), %ecx\n mov %ecx, 412(%ebx)" POST)
FPU_CASE(cvt_mmx, PRE "movq 16(%ebx), %mm1\n cvtpi2ps %mm1, %xmm0\n cvtpi2pd 16(%ebx), %xmm2\n"
                  " cvtps2pi %xmm1, %mm2\n movq %mm2, 400(%ebx)\n cvttps2pi 16(%ebx), %mm3\n movq %mm3, 408(%ebx)\n"
                  " cvtpd2pi %xmm1, %mm4\n movq %mm4, 416(%ebx)\n cvttpd2pi 16(%ebx), %mm5\n movq %mm5, 424(%ebx)\n"
                  " cvtpi2ps 24(%ebx), %xmm3\n movups %xmm3, 432(%ebx)\n cvtpi2pd %mm1, %xmm4\n"
                  " movups %xmm4, 448(%ebx)\n fnstenv 464(%ebx)\n emms" POST)
// Which conversions switch the x87 to MMX mode (TOP 0, all tags valid): an MMX register operand
// does; a memory source does not (SDM Vol.2A CVTPI2PS/CVTPI2PD).
FPU_CASE(cvt_mmx_state, "fldz\n fld1\n cvtpi2ps 16(%ebx), %xmm0\n fnstenv 256(%ebx)\n cvtpi2pd 16(%ebx), %xmm1\n"
                        " fnstenv 288(%ebx)\n movq 16(%ebx), %mm1\n emms\n fld1\n cvtpi2ps %mm1, %xmm2\n"
                        " fnstenv 320(%ebx)\n emms\n fld1\n cvtpi2pd %mm1, %xmm2\n fnstenv 352(%ebx)\n emms\n"
                        " fld1\n cvtps2pi 16(%ebx), %mm3\n fnstenv 384(%ebx)\n emms\n fld1\n"
                        " cvttpd2pi 16(%ebx), %mm3\n fnstenv 416(%ebx)\n emms")
TEST_CASE("SSE conversions round, truncate and saturate as the host does") {
    {
        In in;
        in.set<uint32_t>(36, 0x1f80);
        in.set<int32_t>(16, 7);
        in.set<int32_t>(20, -9);
        CHECK(compare(case_cvt_mmx_state, in.b, sizeof in.b,
                      {{268, 4}, {272, 2}, {276, 4}, {280, 2}, {300, 4}, {304, 2}, {308, 4}, {312, 2},
                       {332, 4}, {336, 2}, {340, 4}, {344, 2}, {364, 4}, {368, 2}, {372, 4}, {376, 2},
                       {396, 4}, {400, 2}, {404, 4}, {408, 2}, {428, 4}, {432, 2}, {436, 4}, {440, 2}}));
    }
    for (const FpuCase* c : {&case_cvtps2pd_c, &case_cvtdq2ps_c, &case_cvtps2dq_c, &case_cvttps2dq_c,
                             &case_cvtss2sd_c, &case_cvt_int, &case_cvt_mmx})
        float_pairs(*c);
    for (const FpuCase* c : {&case_cvtpd2ps_c, &case_cvtdq2pd_c, &case_cvtpd2dq_c, &case_cvttpd2dq_c,
                             &case_cvtsd2ss_c, &case_cvt_int, &case_cvt_mmx})
        double_pairs(*c);
}

// Logic and shuffles on floating-point data.
SSE_OP(andps_c, "andps")
SSE_OP(andnpd_c, "andnpd")
SSE_OP(orps_c, "orps")
SSE_OP(xorpd_c, "xorpd")
SSE_OP(unpcklps_c, "unpcklps")
SSE_OP(unpckhps_c, "unpckhps")
SSE_OP(unpcklpd_c, "unpcklpd")
SSE_OP(unpckhpd_c, "unpckhpd")
SSE_OP(shufps_c, "shufps $0x1b,")
SSE_OP(shufps2_c, "shufps $0xc6,")
SSE_OP(shufpd_c, "shufpd $1,")
SSE_OP(shufpd2_c, "shufpd $2,")
FPU_CASE(moves, PRE "movss 16(%ebx), %xmm3\n movups %xmm3, 400(%ebx)\n movss %xmm1, %xmm0\n"
                " movsd 16(%ebx), %xmm4\n movups %xmm4, 416(%ebx)\n movsd %xmm1, %xmm2\n"
                " movlps 24(%ebx), %xmm1\n movhps 40(%ebx), %xmm1\n movups %xmm1, 432(%ebx)\n"
                " movhpd %xmm1, 448(%ebx)\n movlpd %xmm0, 456(%ebx)\n movhlps %xmm0, %xmm1\n"
                " movlhps %xmm2, %xmm1\n movups %xmm1, 464(%ebx)\n movmskps %xmm1, %eax\n mov %eax, 480(%ebx)\n"
                " movmskpd %xmm0, %eax\n mov %eax, 484(%ebx)\n movss %xmm0, 488(%ebx)\n movsd %xmm2, 496(%ebx)\n"
                " movq 8(%ebx), %xmm5\n movups %xmm5, 512(%ebx)\n movq %xmm1, %xmm6\n movups %xmm6, 528(%ebx)\n"
                " movq %xmm0, 544(%ebx)\n movd %xmm1, 552(%ebx)\n movd 4(%ebx), %xmm7\n movups %xmm7, 560(%ebx)\n"
                " movd %xmm0, %ecx\n movd %ecx, %xmm7\n movups %xmm7, 576(%ebx)\n movaps (%ebx), %xmm7\n"
                " movntps %xmm7, 592(%ebx)\n movapd 16(%ebx), %xmm7\n movntpd %xmm7, 608(%ebx)\n"
                " movdqa (%ebx), %xmm6\n movdqu 1(%ebx), %xmm5\n movntdq %xmm6, 624(%ebx)\n"
                " movdqu %xmm5, 641(%ebx)\n movupd %xmm5, 657(%ebx)\n movnti %ecx, 676(%ebx)" POST)
TEST_CASE("SSE logic, shuffles and moves") {
    for (const FpuCase* c : {&case_andps_c, &case_orps_c, &case_unpcklps_c, &case_unpckhps_c, &case_shufps_c,
                             &case_shufps2_c, &case_moves})
        float_pairs(*c);
    for (const FpuCase* c : {&case_andnpd_c, &case_xorpd_c, &case_unpcklpd_c, &case_unpckhpd_c, &case_shufpd_c,
                             &case_shufpd2_c, &case_moves})
        double_pairs(*c);
}

// Unmasked exceptions: the guest takes SIGFPE at the instruction, nothing is written, and the
// flag is recorded in MXCSR.
FPU_CASE(xm_div, "ldmxcsr 36(%ebx)\n movups (%ebx), %xmm0\n movups 16(%ebx), %xmm1\n divps %xmm1, %xmm0\n"
                 " movups %xmm0, 256(%ebx)")
TEST_CASE("an unmasked SIMD exception raises SIGFPE at the instruction") {
    struct Want {
        uint32_t csr;
        float a, b;
        int code;
        uint32_t flags;
    };
    for (Want w : {Want{0x1f80 & ~0x200u, 1.0f, 0.0f, FPE_FLTDIV, 0x04}, Want{0x1f80 & ~0x80u, 0.0f, 0.0f, FPE_FLTINV, 0x01},
                   Want{0x1f80 & ~0x1000u, 1.0f, 3.0f, FPE_FLTRES, 0x20}, Want{0x1f80 & ~0x200u, 1.0f, 2.0f, 0, 0}}) {
        Rig rig;
        float a[4] = {w.a, 1, 1, 1}, b[4] = {w.b, 1, 1, 1};
        std::memcpy(rig.data(), a, 16);
        std::memcpy(rig.data() + 16, b, 16);
        std::memcpy(rig.data() + 36, &w.csr, 4);
        GuestRun r = rig.run(case_xm_div.begin, case_xm_div.end);
        if (!w.code) {
            CHECK(!r.faulted);
            continue;
        }
        REQUIRE(r.faulted);
        CHECK(r.fault.signo == SIGFPE);
        CHECK(r.fault.si_code == w.code);
        CHECK((rig.cpu.m_sse.mxcsr & 0x3f) == w.flags);
        CHECK(rig.data()[256] == 0);   // nothing stored: the DIVPS did not complete
    }
}

FPU_CASE(misaligned, "movaps 8(%ebx), %xmm0")
FPU_CASE(bad_mxcsr, "ldmxcsr 36(%ebx)")
TEST_CASE("misaligned 128-bit operands and reserved MXCSR bits raise #GP as SIGSEGV") {
    Rig rig;
    GuestRun r = rig.run(case_misaligned.begin, case_misaligned.end);
    REQUIRE(r.faulted);
    CHECK(r.fault.signo == SIGSEGV);
    CHECK(r.fault.si_code == SI_KERNEL);
    Rig rig2;
    uint32_t bad = 0x11f80;
    std::memcpy(rig2.data() + 36, &bad, 4);
    r = rig2.run(case_bad_mxcsr.begin, case_bad_mxcsr.end);
    REQUIRE(r.faulted);
    CHECK(r.fault.signo == SIGSEGV);
}
