// BT BTS BTR BTC BSF BSR (cpu/bitops.cpp) against the host CPU: register and immediate bit
// offsets, register and memory bases (the memory form with a register offset addresses bits far
// above and below the effective address), LOCK forms; all six arithmetic flags compared.
#include <doctest.h>

#include <csignal>

#include "test_cpu_oracle.h"

using namespace gate386;
using namespace gate386::cputest;

namespace {

const uint32_t kValues[] = {0,          1,          0x7f,       0x80,       0xff,       0x7fff,
                            0x8000,     0xffff,     0x10000,    0x7fffffff, 0x80000000, 0xffffffff,
                            0x12345678, 0xdeadbeef, 0x00f00000, 0x00010000};
// Bit offsets for register offsets: wrap-around, sign and word-boundary cases.
const uint32_t kOffsets[] = {0,    1,    7,    8,    15,   16,   17,   31,   32,         33,
                             63,   64,   100,  255,  256,  0xffffffff, 0xffffffe0, 0xffffffdf,
                             0xfffffff0, 0x80000000, 0x7fffffff, 0x0000ffff, 0x00008000, 0x12345};

Bytes prefix(unsigned bits) { return bits == 16 ? Bytes{0x66} : Bytes{}; }
// Appends bytes one by one (GCC 12 misreports vector::insert of an initializer list as overread).
Bytes cat(Bytes b, std::initializer_list<uint8_t> tail) {
    for (uint8_t x : tail) b.push_back(x);
    return b;
}
uint32_t mask_of(unsigned bits) { return bits == 32 ? ~0u : (1u << bits) - 1; }

// op: 0 BT, 1 BTS, 2 BTR, 3 BTC.
uint8_t bt_rr_opcode(unsigned op) { return uint8_t(0xa3 + 8 * op); }   // 0F A3/AB/B3/BB
unsigned bt_imm_ext(unsigned op) { return 4 + op; }                    // 0F BA /4../7

RegState base_state(uint32_t flags) {
    RegState s;
    s.r[kEax] = 0xa5a5a5a5u; s.r[kEcx] = 0x5a5a5a5au; s.r[kEdx] = 0x3c3c3c3cu;
    s.r[kEbx] = kData + 0x1800; s.r[kEsi] = 0x11111111u; s.r[kEdi] = 0x22222222u;
    s.r[kEbp] = 0x33333333u;
    s.eflags = flags;
    return s;
}
void put(uint32_t& reg, unsigned bits, uint32_t v) { reg = (reg & ~mask_of(bits)) | (v & mask_of(bits)); }

std::vector<uint8_t> pattern() {
    std::vector<uint8_t> d(kDataSize);
    uint32_t x = 0x9e3779b9u;
    for (auto& b : d) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        b = uint8_t(x);
    }
    return d;
}

const char* const kOpNames[4] = {"bt", "bts", "btr", "btc"};

}  // namespace

TEST_CASE("BT/BTS/BTR/BTC register base against the host") {
    for (unsigned op = 0; op < 4; op++)
        for (unsigned bits : {16u, 32u}) {
            CAPTURE(kOpNames[op]);
            CAPTURE(bits);
            Bytes p = prefix(bits);
            Bytes rr = cat(p, {0x0f, bt_rr_opcode(op), modrm_rr(kEcx, kEdx)});   // bt edx, ecx
            Insn rec = decode_ok(rr);
            for (uint32_t v : kValues)
                for (uint32_t off : kOffsets)
                    for (uint32_t f : kFlagInputs) {
                        RegState in = base_state(f);
                        put(in.r[kEdx], bits, v);
                        in.r[kEcx] = off;
                        expect_same(rr, rec, in);
                    }
            for (unsigned imm : {0u, 1u, 7u, 15u, 16u, 17u, 31u, 32u, 33u, 63u, 64u, 127u, 128u, 200u, 255u}) {
                Bytes ri = cat(p, {0x0f, 0xba, modrm_rr(bt_imm_ext(op), kEdx), uint8_t(imm)});
                Insn reci = decode_ok(ri);
                for (uint32_t v : kValues)
                    for (uint32_t f : kFlagInputs) {
                        RegState in = base_state(f);
                        put(in.r[kEdx], bits, v);
                        expect_same(ri, reci, in);
                    }
            }
        }
}

TEST_CASE("BT/BTS/BTR/BTC memory base: immediate offsets masked, register offsets signed") {
    std::vector<uint8_t> data = pattern();
    for (unsigned op = 0; op < 4; op++)
        for (unsigned bits : {16u, 32u})
            for (bool lock : {false, true}) {
                if (lock && op == 0) continue;   // BT is not lockable
                CAPTURE(kOpNames[op]);
                CAPTURE(bits);
                CAPTURE(lock);
                Bytes p = lock ? Bytes{0xf0} : Bytes{};
                if (bits == 16) p.push_back(0x66);
                Bytes mr = cat(p, {0x0f, bt_rr_opcode(op), modrm_ebx_d8(kEcx), 0x10});   // [ebx+16], ecx
                Insn rec = decode_ok(mr);
                // 16-bit offsets reach +-4 KiB, the data window around ebx; 32-bit ones the same.
                const int32_t offs[] = {0,    1,    15,   16,   17,    31,    32,    33,     -1,
                                        -2,   -15,  -16,  -17,  -31,   -32,   -33,   -128,   100,
                                        1000, -1000, 4095, -4096, 32767, -32768, 30000, -30000, 12345};
                for (int32_t off : offs)
                    for (uint32_t f : {0u, kArithFlags}) {
                        RegState in = base_state(f);
                        in.r[kEcx] = bits == 16 ? (0xdead0000u | (uint32_t(off) & 0xffff)) : uint32_t(off);
                        expect_same(mr, rec, in, data.data());
                    }
                for (unsigned imm : {0u, 1u, 15u, 16u, 31u, 32u, 33u, 47u, 200u, 255u}) {
                    Bytes mi = cat(p, {0x0f, 0xba, modrm_ebx_d8(bt_imm_ext(op)), 0xf0, uint8_t(imm)});
                    Insn reci = decode_ok(mi);
                    for (uint32_t f : kFlagInputs) expect_same(mi, reci, base_state(f), data.data());
                }
            }
}

TEST_CASE("BSF/BSR against the host: zero source leaves the destination") {
    for (bool reverse : {false, true})
        for (unsigned bits : {16u, 32u})
            for (bool mem : {false, true}) {
                CAPTURE(reverse);
                CAPTURE(bits);
                CAPTURE(mem);
                Bytes insn = cat(prefix(bits), {0x0f, uint8_t(reverse ? 0xbd : 0xbc)});
                if (mem) insn = cat(insn, {modrm_ebx_d8(kEdx), 0x08});
                else insn.push_back(modrm_rr(kEdx, kEcx));   // bsf edx, ecx
                Insn rec = decode_ok(insn);
                std::vector<uint32_t> vals(std::begin(kValues), std::end(kValues));
                for (unsigned k = 0; k < 32; k++) vals.push_back(1u << k);
                for (unsigned k = 0; k < 32; k++) vals.push_back(0xffffffffu << k);
                for (uint32_t v : vals)
                    for (uint32_t f : kFlagInputs) {
                        RegState in = base_state(f);
                        put(in.r[kEcx], bits, v);
                        std::vector<uint8_t> d(kDataSize, 0);
                        std::memcpy(&d[0x1808], &v, 4);
                        expect_same(insn, rec, in, d.data());
                    }
            }
}

TEST_CASE("LOCK on a bit-test register destination is #UD") {
    Bytes insn = {0xf0, 0x0f, 0xab, modrm_rr(kEcx, kEdx)};   // lock bts edx, ecx
    Insn rec = oracle().emu.decode(insn);
    REQUIRE(bool(rec.fn));
    RegState in = base_state(0);
    std::vector<uint8_t> d(kDataSize, 0);
    CpuFault fault;
    CHECK_FALSE(oracle().emu.run(rec, in, d.data(), &fault));
    CHECK(fault.signo == SIGILL);
}
