// DAA DAS AAA AAS AAM AAD (cpu/bcd.cpp) against the host CPU, which runs them in 32-bit
// compatibility mode (they do not exist in 64-bit mode): every AL value × several AH values ×
// CF/AF inputs with the other flags clear or set; all six arithmetic flags compared, the
// SDM-undefined ones included. AAM 0 must be a divide error.
#include <doctest.h>

#include <csignal>

#include "test_cpu_oracle.h"

using namespace gate386;
using namespace gate386::cputest;

namespace {

const uint32_t kAh[] = {0x00, 0x01, 0x09, 0x0a, 0x7f, 0x80, 0x99, 0xfe, 0xff};

// Flag inputs: every CF × AF combination, the rest (PF ZF SF OF) all clear or all set.
std::vector<uint32_t> flag_inputs() {
    std::vector<uint32_t> v;
    for (uint32_t rest : {0u, kFlagPF | kFlagZF | kFlagSF | kFlagOF})
        for (uint32_t cf : {0u, kFlagCF})
            for (uint32_t af : {0u, kFlagAF}) v.push_back(rest | cf | af);
    return v;
}

void sweep(const Bytes& insn) {
    Insn rec = decode_ok(insn);
    for (uint32_t ah : kAh)
        for (uint32_t al = 0; al < 256; al++)
            for (uint32_t f : flag_inputs()) {
                RegState in;
                in.r[kEax] = 0xabcd0000u | (ah << 8) | al;
                in.r[kEcx] = 0x11111111u; in.r[kEdx] = 0x22222222u; in.r[kEbx] = 0x33333333u;
                in.eflags = f;
                expect_same(insn, rec, in);
            }
}

}  // namespace

TEST_CASE("DAA DAS AAA AAS against the host") {
    for (uint8_t op : {0x27, 0x2f, 0x37, 0x3f}) {
        CAPTURE(int(op));
        sweep({op});
    }
}

TEST_CASE("AAM and AAD with any base against the host") {
    for (unsigned base : {10u, 1u, 2u, 7u, 16u, 0x80u, 0xffu}) {
        CAPTURE(base);
        sweep({0xd4, uint8_t(base)});
        sweep({0xd5, uint8_t(base)});
    }
    sweep({0xd5, 0x00});   // AAD 0: AL unchanged, AH cleared
}

TEST_CASE("AAM 0 is a divide error") {
    Bytes insn = {0xd4, 0x00};
    Insn rec = decode_ok(insn);
    RegState in;
    in.r[kEax] = 0x1234;
    in.eflags = kFlagCF;
    CpuFault fault;
    CHECK_FALSE(oracle().emu.run(rec, in, nullptr, &fault));
    CHECK(fault.signo == SIGFPE);
    CHECK(fault.si_code == FPE_INTDIV);
    CHECK(fault.addr == kGuestCode);
    CHECK(in.r[kEax] == 0x1234);
    CHECK((in.eflags & kArithFlags) == kFlagCF);
}
