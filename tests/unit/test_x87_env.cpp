// x87 control and state images: FNSTENV/FLDENV, FNSAVE/FRSTOR, FXSAVE/FXRSTOR layouts, tags,
// FXAM on empty registers, FCMOVcc, FFREE/FINCSTP/FDECSTP, ES after FLDCW, and the deferred
// SIGFPE of an unmasked exception. Compared with this host where the host is the oracle.
#include <csignal>

#include "cpu/threading.h"
#include "cpu/exceptions.h"
#include "cpu/x87_state.h"
#include "tests/unit/fpu_test_util.h"

using namespace fputest;

namespace {
// Pointer fields that hold host addresses on the host and guest addresses in gate386.
constexpr Ignore kEnvPtrs[] = {{12, 4}, {16, 2}, {20, 4}, {24, 2}};
}  // namespace

FPU_CASE(env_basic, "fldt (%ebx)\n fldt 16(%ebx)\n fld1\n fldz\n fdiv %st, %st(2)\n fnstenv 256(%ebx)\n"
                    " fldcw 32(%ebx)\n fnstenv 288(%ebx)\n fldenv 256(%ebx)\n fnstsw 320(%ebx)\n"
                    " fnstcw 322(%ebx)\n fstpt 336(%ebx)\n fstpt 352(%ebx)\n fstpt 368(%ebx)\n"
                    " fnstenv 384(%ebx)")
FPU_CASE(save_restore, "fldt (%ebx)\n fldt 16(%ebx)\n fldpi\n ffree %st(1)\n fincstp\n fnsave 256(%ebx)\n"
                       " fnstenv 400(%ebx)\n frstor 256(%ebx)\n fnstenv 432(%ebx)\n fstpt 464(%ebx)\n"
                       " fstpt 480(%ebx)\n fnstsw 496(%ebx)")
TEST_CASE("x87 environment and FNSAVE images match the host, tags recomputed from contents") {
    for (X80 a : x80_table())
        for (X80 b : {X80{0, 0}, X80{1, 0}, X80{0x8000000000000000ull, 0x7fff}, X80{0x8000000000000000ull, 0x3fff},
                      X80{0x4000000000000000ull, 0x3fff}}) {
            uint8_t in[48] = {};
            put80(in, a);
            put80(in + 16, b);
            in[32] = 0x7f;
            in[33] = 0x0f;
            CHECK(compare(case_env_basic, in, sizeof in,
                          {{268, 4}, {272, 2}, {276, 4}, {280, 2}, {300, 4}, {304, 2}, {308, 4}, {312, 2},
                           {396, 4}, {400, 2}, {404, 4}, {408, 2}}));
            CHECK(compare(case_save_restore, in, sizeof in,
                          {{268, 4}, {272, 2}, {276, 4}, {280, 2}, {412, 4}, {416, 2}, {420, 4}, {424, 2},
                           {444, 4}, {448, 2}, {452, 4}, {456, 2}}));
        }
}

// FXSAVE: this host (AMD) stores zero instruction/data pointers and FOP when no exception is
// pending, gate386 stores them as Intel parts do; and the MXCSR_MASK differs (host 0x2ffff has
// AMD's misaligned-SSE bit). Those fields are ignored, and so are bytes 288..415, where the host's
// 64-bit FXSAVE stores XMM8..15 (a 32-bit FXSAVE leaves them alone, as gate386 does; the guest
// test tests/guest/x87_env.c checks that natively). Everything else is compared.
FPU_CASE(fxsave_img, "xorps %xmm0, %xmm0\n xorps %xmm1, %xmm1\n xorps %xmm2, %xmm2\n xorps %xmm3, %xmm3\n"
                     " xorps %xmm4, %xmm4\n xorps %xmm5, %xmm5\n xorps %xmm6, %xmm6\n xorps %xmm7, %xmm7\n"
                     " movups 64(%ebx), %xmm3\n movups 80(%ebx), %xmm7\n ldmxcsr 36(%ebx)\n"
                     " fldt (%ebx)\n fldt 16(%ebx)\n fld1\n fdivrp\n fldz\n ffree %st(1)\n fxsave 512(%ebx)\n"
                     " fninit\n xorps %xmm3, %xmm3\n fxrstor 512(%ebx)\n fnstenv 1024(%ebx)\n"
                     " fstpt 1056(%ebx)\n fstpt 1072(%ebx)\n fstpt 1088(%ebx)\n movups %xmm3, 1104(%ebx)\n"
                     " stmxcsr 1120(%ebx)")
TEST_CASE("FXSAVE and FXRSTOR use the 512-byte layout of this host") {
    for (X80 a : x80_table()) {
        uint8_t in[96];
        for (unsigned k = 0; k < sizeof in; k++) in[k] = uint8_t(k * 7 + 1);
        put80(in, a);
        put80(in + 16, {0x8000000000000000ull, 0x4005});
        uint32_t mxcsr = 0x9fc0;   // FTZ, DAZ, round down, masks
        std::memcpy(in + 36, &mxcsr, 4);
        CHECK(compare(case_fxsave_img, in, sizeof in,
                      {{512 + 6, 2}, {512 + 8, 8}, {512 + 16, 8}, {512 + 28, 4}, {512 + 288, 128}, {1036, 4}, {1040, 4},
                       {1044, 4}, {1048, 2}}));
    }
}

FPU_CASE(fxam_empty, "fldt (%ebx)\n fxam\n fnstsw 256(%ebx)\n ffree %st(0)\n fxam\n fnstsw 258(%ebx)\n"
                     " fincstp\n fxam\n fnstsw 260(%ebx)\n fdecstp\n fdecstp\n fxam\n fnstsw 262(%ebx)\n"
                     " fldt 16(%ebx)\n fnstenv 288(%ebx)")
TEST_CASE("FXAM classifies every operand class, and empty registers with their stale sign") {
    for (X80 a : x80_table())
        for (X80 b : x80_table()) {
            uint8_t in[32] = {};
            put80(in, a);
            put80(in + 16, b);
            CHECK(compare(case_fxam_empty, in, sizeof in, {{300, 4}, {304, 2}, {308, 4}, {312, 2}}));
        }
}

FPU_CASE(fcmov_all, "fldt (%ebx)\n fldt 16(%ebx)\n fcomi %st(1), %st\n fldz\n fld1\n"
                    " fld %st(1)\n fcmovb %st(1), %st\n fstpt 256(%ebx)\n fld %st(1)\n fcmovnb %st(1), %st\n"
                    " fstpt 272(%ebx)\n fld %st(1)\n fcmove %st(1), %st\n fstpt 288(%ebx)\n"
                    " fld %st(1)\n fcmovne %st(1), %st\n fstpt 304(%ebx)\n fld %st(1)\n fcmovbe %st(1), %st\n"
                    " fstpt 320(%ebx)\n fld %st(1)\n fcmovnbe %st(1), %st\n fstpt 336(%ebx)\n"
                    " fld %st(1)\n fcmovu %st(1), %st\n fstpt 352(%ebx)\n fld %st(1)\n fcmovnu %st(1), %st\n"
                    " fstpt 368(%ebx)\n fnstsw 384(%ebx)")
TEST_CASE("FCMOVcc follows CF, ZF and PF") {
    for (X80 a : x80_table())
        for (X80 b : {X80{0, 0}, X80{0x8000000000000000ull, 0x3fff}, X80{0xc000000000000000ull, 0x7fff}}) {
            uint8_t in[32] = {};
            put80(in, a);
            put80(in + 16, b);
            CHECK(compare(case_fcmov_all, in, sizeof in));
        }
}

// FLDCW itself waits, so once a flag is unmasked only no-wait instructions may follow; FNSTENV
// masks everything again, which clears ES and B.
FPU_CASE(es_after_fldcw, "fldz\n fld1\n fdiv %st(1), %st\n fnstsw 256(%ebx)\n fldcw 32(%ebx)\n fnstsw 258(%ebx)\n"
                         " fnstenv 288(%ebx)\n fnstsw 262(%ebx)\n fldcw 32(%ebx)\n fnstsw 264(%ebx)\n fnclex\n"
                         " fnstsw 266(%ebx)\n fldcw 34(%ebx)")
TEST_CASE("ES and B follow the control word when FLDCW unmasks or masks a raised flag") {
    uint8_t in[36] = {};
    uint16_t cw1 = 0x037b, cw2 = 0x037f;
    std::memcpy(in + 32, &cw1, 2);
    std::memcpy(in + 34, &cw2, 2);
    CHECK(compare(case_es_after_fldcw, in, sizeof in, {{300, 4}, {304, 2}, {308, 4}, {312, 2}}));
}

// Reserved control-word bits: FLDCW, FLDENV and FXRSTOR keep only the defined ones.
FPU_CASE(cw_bits, "fldcw 32(%ebx)\n fnstcw 256(%ebx)\n fldcw 34(%ebx)\n fnstcw 258(%ebx)\n fnstenv 288(%ebx)\n"
                  " movw 36(%ebx), %ax\n movw %ax, 288(%ebx)\n fldenv 288(%ebx)\n fnstcw 260(%ebx)\n"
                  " fxsave 512(%ebx)\n movw 38(%ebx), %ax\n movw %ax, 512(%ebx)\n fxrstor 512(%ebx)\n"
                  " fnstcw 262(%ebx)\n fninit")
TEST_CASE("reserved control-word bits read back as the host shows them") {
    uint8_t in[40] = {};
    uint16_t cws[4] = {0xffff, 0x0000, 0xe37f, 0x1040};
    std::memcpy(in + 32, cws, 8);
    CHECK(compare(case_cw_bits, in, sizeof in,
                  {{300, 4}, {304, 2}, {308, 4}, {312, 2}, {512 + 6, 2}, {512 + 8, 8}, {512 + 16, 8}, {512 + 28, 4},
                   {512 + 288, 128}}));
}

// A deferred exception: the division only flags it; the next waiting instruction reports it.
FPU_CASE(deferred, "fldcw 32(%ebx)\n fldz\n fld1\n fdiv %st(1), %st\n fnstsw 256(%ebx)\n fnstcw 258(%ebx)\n"
                   " fstpt 272(%ebx)")
TEST_CASE("an unmasked x87 exception raises SIGFPE at the next waiting instruction") {
    struct Want {
        uint16_t cw;
        int code;
    };
    for (Want w : {Want{0x037b, FPE_FLTDIV}, Want{0x037a, FPE_FLTDIV}, Want{0x037e, 0}}) {
        Rig rig;
        uint16_t cw = w.cw;
        std::memcpy(rig.data() + 32, &cw, 2);
        GuestRun r = rig.run(case_deferred.begin, case_deferred.end);
        if (!w.code) {
            CHECK(!r.faulted);
            continue;
        }
        REQUIRE(r.faulted);
        CHECK(r.fault.signo == SIGFPE);
        CHECK(r.fault.si_code == w.code);
        // The FNSTSW and FNSTCW in between are no-wait and ran; the FSTP reported it.
        uint16_t sw;
        std::memcpy(&sw, rig.data() + 256, 2);
        CHECK((sw & 0x8084) == 0x8084);
        CHECK(r.fault.eip == kCode + uint32_t(case_deferred.end - case_deferred.begin) - 6);
        CHECK(r.fault.addr == r.fault.eip);
    }
}

FPU_CASE(invalid_first, "fldcw 32(%ebx)\n fldz\n fld1\n fdiv %st(1), %st\n fsqrt\n fchs\n fsqrt\n fwait")
TEST_CASE("the SIGFPE code names the invalid operation before division by zero") {
    Rig rig;
    uint16_t cw = 0x0372;
    std::memcpy(rig.data() + 32, &cw, 2);
    GuestRun r = rig.run(case_invalid_first.begin, case_invalid_first.end);
    REQUIRE(r.faulted);
    CHECK(r.fault.signo == SIGFPE);
    CHECK(r.fault.si_code == FPE_FLTDIV);   // reported by the FSQRT right after the division
}

// Every register form of the D8..DF escapes that Zydis decodes gets a handler (including the
// aliases FSTP1/FSTP8/FSTP9, FXCH4/FXCH7, FCOM2/FCOMP3/FCOMP5 and FFREEP).
TEST_CASE("every x87 register-operand encoding is implemented") {
    using namespace gate386;
    int missing = 0;
    for (unsigned op = 0xd8; op <= 0xdf; op++)
        for (unsigned modrm = 0xc0; modrm <= 0xff; modrm++) {
            Rig rig;
            uint8_t* code = rig.mem.host(kCode);
            code[0] = uint8_t(op);
            code[1] = uint8_t(modrm);
            code[2] = 0xeb;
            code[3] = 0xfe;
            DecodeFailure f;
            DecodedBlock* b = decode_block(rig.mem, kCode, f);
            REQUIRE(b != nullptr);
            Handler h = unthreaded(b->insns[0].fn);
            if (h == insn_unimplemented) {
                ++missing;
                FAIL_CHECK("no handler for " << hex(code, 2));
            }
            free_block(b);
        }
    CHECK(missing == 0);
}
