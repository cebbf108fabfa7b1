// MUL IMUL DIV IDIV (cpu/muldiv.cpp) against the host CPU: one-operand forms (8/16/32, register
// incl. AH and memory), two- and three-operand IMUL; all six arithmetic flags compared (the host's
// values for the SDM-undefined ones). Divisions the host would trap on are run on the emulator only
// and must raise SIGFPE/FPE_INTDIV with nothing written.
#include <doctest.h>

#include <csignal>

#include "test_cpu_oracle.h"

using namespace gate386;
using namespace gate386::cputest;

namespace {

const uint32_t kValues[] = {0,          1,          2,          3,          7,          10,
                            0x7f,       0x80,       0x81,       0xff,       0x100,      0x7fff,
                            0x8000,     0x8001,     0xffff,     0x10000,    0x7fffffff, 0x80000000,
                            0x80000001, 0xfffffffe, 0xffffffff, 0x12345678, 0xdeadbeef, 0x0000ff80};

Bytes prefix(unsigned bits) { return bits == 16 ? Bytes{0x66} : Bytes{}; }

// F6/F7 /ext with r/m = register `rm` or [ebx+8]: ext 4 MUL, 5 IMUL, 6 DIV, 7 IDIV.
Bytes enc_group3(unsigned ext, unsigned bits, int rm) {
    Bytes b = prefix(bits);
    b.push_back(bits == 8 ? 0xf6 : 0xf7);
    if (rm >= 0) b.push_back(modrm_rr(ext, unsigned(rm)));
    else { b.push_back(modrm_ebx_d8(ext)); b.push_back(8); }
    return b;
}

uint32_t mask_of(unsigned bits) { return bits == 32 ? ~0u : (1u << bits) - 1; }

RegState base_state(uint32_t flags) {
    RegState s;
    s.r[kEax] = 0xa5a5a5a5u; s.r[kEcx] = 0x5a5a5a5au; s.r[kEdx] = 0x3c3c3c3cu;
    s.r[kEbx] = kData + 0x100; s.r[kEsi] = 0x11111111u; s.r[kEdi] = 0x22222222u;
    s.r[kEbp] = 0x33333333u;
    s.eflags = flags;
    return s;
}
void put(uint32_t& reg, unsigned bits, uint32_t v) { reg = (reg & ~mask_of(bits)) | (v & mask_of(bits)); }

std::vector<uint8_t> data_with(uint32_t value) {
    std::vector<uint8_t> d(kDataSize, 0xcc);
    std::memcpy(&d[0x108], &value, 4);
    return d;
}

// Whether DIV/IDIV of the accumulator by `d` raises #DE (SDM Vol.2A DIV/IDIV), computed
// independently of cpu/muldiv.cpp with 128-bit arithmetic.
bool divide_faults(bool is_signed, unsigned bits, uint32_t hi, uint32_t lo, uint32_t d) {
    uint32_t m = mask_of(bits);
    d &= m;
    if (d == 0) return true;
    __int128 n;
    if (bits == 8) n = is_signed ? __int128(int16_t(uint16_t(lo))) : __int128(uint16_t(lo));
    else if (bits == 16) {
        uint32_t v = ((hi & 0xffff) << 16) | (lo & 0xffff);
        n = is_signed ? __int128(int32_t(v)) : __int128(v);
    } else {
        uint64_t v = (uint64_t(hi) << 32) | lo;
        n = is_signed ? __int128(int64_t(v)) : __int128(v);
    }
    __int128 dv = is_signed ? __int128(int32_t(d << (32 - bits)) >> (32 - bits)) : __int128(d);
    __int128 q = n / dv;
    if (is_signed) return q < -(__int128(1) << (bits - 1)) || q >= (__int128(1) << (bits - 1));
    return q >= (__int128(1) << bits);
}

}  // namespace

TEST_CASE("MUL/IMUL one operand, register and memory, against the host") {
    for (unsigned ext : {4u, 5u})
        for (unsigned bits : {8u, 16u, 32u}) {
            CAPTURE(ext);
            CAPTURE(bits);
            // source: ecx/cx/cl, ah (8-bit: AL*AH), and [ebx+8]
            for (int rm : {int(kEcx), 4, -1}) {
                if (rm == 4 && bits != 8) continue;
                Bytes insn = enc_group3(ext, bits, rm);
                Insn rec = decode_ok(insn);
                for (uint32_t a : kValues)
                    for (uint32_t b : kValues)
                        for (uint32_t f : {0u, kArithFlags, kFlagCF | kFlagOF}) {
                            RegState in = base_state(f);
                            put(in.r[kEax], bits, a);
                            std::vector<uint8_t> d = data_with(b);
                            if (rm == kEcx) put(in.r[kEcx], bits, b);
                            if (rm == 4) in.r[kEax] = (in.r[kEax] & ~0xff00u) | ((b & 0xff) << 8);
                            expect_same(insn, rec, in, d.data());
                        }
            }
        }
}

TEST_CASE("IMUL two and three operands against the host") {
    for (unsigned bits : {16u, 32u}) {
        CAPTURE(bits);
        Bytes p = prefix(bits);
        auto cat = [&](Bytes tail) { Bytes b = p; b.insert(b.end(), tail.begin(), tail.end()); return b; };
        // imul edx, ecx / imul edx, [ebx+8] / imul edx, ecx, imm8 / imm16|32 / imul edx, [ebx+8], imm
        std::vector<Bytes> forms = {
            cat({0x0f, 0xaf, modrm_rr(kEdx, kEcx)}),
            cat({0x0f, 0xaf, modrm_ebx_d8(kEdx), 8}),
            cat({0x6b, modrm_rr(kEdx, kEcx), 0x80}),
            cat({0x6b, modrm_rr(kEdx, kEcx), 0x7f}),
            cat({0x6b, modrm_ebx_d8(kEdx), 8, 0xfd}),
            bits == 16 ? cat({0x69, modrm_rr(kEdx, kEcx), 0x00, 0x80})
                       : cat({0x69, modrm_rr(kEdx, kEcx), 0x00, 0x00, 0x00, 0x80}),
            bits == 16 ? cat({0x69, modrm_ebx_d8(kEdx), 8, 0x34, 0x12})
                       : cat({0x69, modrm_ebx_d8(kEdx), 8, 0x78, 0x56, 0x34, 0x12}),
            cat({0x0f, 0xaf, modrm_rr(kEdx, kEdx)}),   // imul edx, edx
        };
        for (const Bytes& insn : forms) {
            Insn rec = decode_ok(insn);
            for (uint32_t a : kValues)
                for (uint32_t b : kValues)
                    for (uint32_t f : {0u, kArithFlags}) {
                        RegState in = base_state(f);
                        put(in.r[kEdx], bits, a);
                        put(in.r[kEcx], bits, b);
                        std::vector<uint8_t> d = data_with(b);
                        expect_same(insn, rec, in, d.data());
                    }
        }
    }
}

TEST_CASE("DIV/IDIV against the host; divide errors raise SIGFPE on the emulator only") {
    unsigned faults = 0;
    for (unsigned ext : {6u, 7u})
        for (unsigned bits : {8u, 16u, 32u})
            for (int rm : {int(kEcx), -1}) {
                CAPTURE(ext);
                CAPTURE(bits);
                Bytes insn = enc_group3(ext, bits, rm);
                Insn rec = decode_ok(insn);
                for (uint32_t hi : {0u, 1u, 0x7fu, 0x80u, 0xffffffffu, 0x7fffffffu, 0x80000000u, 0x3u})
                    for (uint32_t lo : kValues)
                        for (uint32_t dv : kValues)
                            for (uint32_t f : {0u, kArithFlags}) {
                                RegState in = base_state(f);
                                in.r[kEax] = lo;
                                in.r[kEdx] = hi;
                                if (bits == 8) in.r[kEax] = (lo & 0xffff00ffu) | ((hi & 0xff) << 8);
                                uint32_t a_hi = bits == 8 ? 0 : hi, a_lo = in.r[kEax];
                                if (rm == kEcx) put(in.r[kEcx], bits, dv);
                                std::vector<uint8_t> d = data_with(dv);
                                if (!divide_faults(ext == 7, bits, a_hi, a_lo, dv)) {
                                    expect_same(insn, rec, in, d.data());
                                    continue;
                                }
                                faults++;
                                RegState out = in;
                                CpuFault fault;
                                bool ok = oracle().emu.run(rec, out, d.data(), &fault);
                                INFO("insn [ " << hex_bytes(insn) << "] from " << state_text(in));
                                CHECK_FALSE(ok);
                                CHECK(fault.signo == SIGFPE);
                                CHECK(fault.si_code == FPE_INTDIV);
                                CHECK(fault.addr == kGuestCode);
                                for (unsigned k = 0; k < 8; k++) CHECK(out.r[k] == in.r[k]);
                                CHECK((out.eflags & kArithFlags) == (in.eflags & kArithFlags));
                            }
            }
    CHECK(faults > 1000);   // the tables do reach divide errors of every kind
}

TEST_CASE("IDIV INT_MIN / -1 and DIV by zero are divide errors") {
    struct Case { unsigned bits; uint32_t eax, edx, ecx; bool is_signed; };
    const Case cases[] = {
        {32, 0x00000000u, 0x80000000u, 0xffffffffu, true},   // INT64_MIN / -1: host would trap
        {32, 0x80000000u, 0xffffffffu, 0xffffffffu, true},   // -2^31 / -1 = 2^31: does not fit
        {16, 0x00000000u, 0x00008000u, 0x0000ffffu, true},   // INT32_MIN / -1
        {8, 0x00008000u, 0, 0x000000ffu, true},             // INT16_MIN / -1
        {32, 1, 0, 0, false},
        {16, 1, 0, 0, false},
        {8, 1, 0, 0, false},
        {32, 1, 0, 0, true},
    };
    for (const Case& k : cases) {
        Bytes insn = enc_group3(k.is_signed ? 7 : 6, k.bits, kEcx);
        Insn rec = decode_ok(insn);
        RegState in = base_state(0);
        in.r[kEax] = k.eax; in.r[kEdx] = k.edx; in.r[kEcx] = k.ecx;
        std::vector<uint8_t> d(kDataSize, 0);
        CpuFault fault;
        CHECK_FALSE(oracle().emu.run(rec, in, d.data(), &fault));
        CHECK(fault.signo == SIGFPE);
        CHECK(fault.si_code == FPE_INTDIV);
    }
}
