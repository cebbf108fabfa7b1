// Shifts and rotates (cpu/shift.cpp) against the host CPU: every form (by 1, by imm8, by CL;
// register incl. AH, memory), widths 8/16/32, over interesting values × counts × input flags; all
// six arithmetic flags are compared, the SDM-undefined ones included (cpu/shift.cpp header).
#include <doctest.h>

#include "test_cpu_oracle.h"

using namespace gate386;
using namespace gate386::cputest;

namespace {

const uint32_t kValues[] = {0,          1,          2,          0x7f,       0x80,       0x81,
                            0xff,       0x100,      0x7fff,     0x8000,     0x8001,     0xffff,
                            0x10000,    0x40000000, 0x7fffffff, 0x80000000, 0x80000001, 0xc0000000,
                            0xffffffff, 0x12345678, 0xdeadbeef, 0x55aa55aa};
const unsigned kCounts[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 255};

const char* const kOpNames[8] = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal(/6)", "sar"};

// Operand-size prefix for 16-bit forms; the 8-bit forms use the even opcode.
Bytes prefix(unsigned bits) { return bits == 16 ? Bytes{0x66} : Bytes{}; }
uint8_t wide(unsigned bits, uint8_t op8) { return bits == 8 ? op8 : uint8_t(op8 + 1); }

// shl/... r/m, CL (D2/D3), r/m, imm8 (C0/C1), r/m, 1 (D0/D1) with r/m = register `rm` or [ebx+8].
Bytes enc_cl(unsigned ext, unsigned bits, int rm) {
    Bytes b = prefix(bits);
    b.push_back(wide(bits, 0xd2));
    if (rm >= 0) b.push_back(modrm_rr(ext, unsigned(rm)));
    else { b.push_back(modrm_ebx_d8(ext)); b.push_back(8); }
    return b;
}
Bytes enc_imm(unsigned ext, unsigned bits, int rm, unsigned count) {
    Bytes b = prefix(bits);
    b.push_back(wide(bits, 0xc0));
    if (rm >= 0) b.push_back(modrm_rr(ext, unsigned(rm)));
    else { b.push_back(modrm_ebx_d8(ext)); b.push_back(8); }
    b.push_back(uint8_t(count));
    return b;
}
Bytes enc_one(unsigned ext, unsigned bits, int rm) {
    Bytes b = prefix(bits);
    b.push_back(wide(bits, 0xd0));
    if (rm >= 0) b.push_back(modrm_rr(ext, unsigned(rm)));
    else { b.push_back(modrm_ebx_d8(ext)); b.push_back(8); }
    return b;
}

// Input for a register-operand case: the value in the register `rm` (AH = rm 4 for 8-bit), noise
// elsewhere so that writes to neighbouring bytes show.
RegState reg_input(unsigned bits, int rm, uint32_t value, unsigned count, uint32_t flags) {
    RegState s;
    s.r[kEax] = 0xa5a5a5a5u; s.r[kEdx] = 0x5a5a5a5au; s.r[kEbx] = 0x0f0f0f0fu;
    s.r[kEsi] = 0x11111111u; s.r[kEdi] = 0x22222222u; s.r[kEbp] = 0x33333333u;
    s.r[kEcx] = 0xabcd0000u | (count & 0xff);
    if (bits == 8 && rm >= 4) {
        uint32_t& r = s.r[rm - 4];
        r = (r & ~0xff00u) | ((value & 0xff) << 8);
    } else if (rm != kEcx) {
        uint32_t mask = bits == 32 ? ~0u : (1u << bits) - 1;
        s.r[rm] = (s.r[rm] & ~mask) | (value & mask);
    }
    s.eflags = flags;
    return s;
}
RegState mem_input(unsigned count, uint32_t flags) {
    RegState s;
    s.r[kEbx] = kData + 0x100;
    s.r[kEcx] = count & 0xff;
    s.eflags = flags;
    return s;
}
std::vector<uint8_t> data_with(uint32_t value) {
    std::vector<uint8_t> d(kDataSize, 0xcc);
    std::memcpy(&d[0x108], &value, 4);
    return d;
}

}  // namespace

TEST_CASE("shift/rotate by CL, register operand, against the host") {
    for (unsigned ext = 0; ext < 8; ext++)
        for (unsigned bits : {8u, 16u, 32u})
            for (int rm : {0, 3, 4}) {   // eax/ax/al, ebx/bx/bl, esp/sp/ah
                if (bits != 8 && rm == 4) continue;
                Bytes insn = enc_cl(ext, bits, rm);
                Insn rec = decode_ok(insn);
                CAPTURE(kOpNames[ext]);
                CAPTURE(bits);
                for (uint32_t v : kValues)
                    for (unsigned n : kCounts)
                        for (uint32_t f : kFlagInputs) expect_same(insn, rec, reg_input(bits, rm, v, n, f));
            }
}

TEST_CASE("shift/rotate 8-bit by CL: every value x every count 0..40") {
    for (unsigned ext = 0; ext < 8; ext++) {
        Bytes insn = enc_cl(ext, 8, 0);
        Insn rec = decode_ok(insn);
        CAPTURE(kOpNames[ext]);
        for (uint32_t v = 0; v < 256; v++)
            for (unsigned n = 0; n <= 40; n++)
                for (uint32_t f : {0u, kArithFlags}) expect_same(insn, rec, reg_input(8, 0, v, n, f));
    }
}

TEST_CASE("shift/rotate by imm8 and by 1, register operand") {
    for (unsigned ext = 0; ext < 8; ext++)
        for (unsigned bits : {8u, 16u, 32u}) {
            CAPTURE(kOpNames[ext]);
            CAPTURE(bits);
            for (unsigned n : kCounts) {
                Bytes insn = enc_imm(ext, bits, 2, n);   // edx/dx/dl
                Insn rec = decode_ok(insn);
                for (uint32_t v : kValues)
                    for (uint32_t f : kFlagInputs) expect_same(insn, rec, reg_input(bits, 2, v, 0x55, f));
            }
            Bytes one = enc_one(ext, bits, 2);
            Insn rec1 = decode_ok(one);
            for (uint32_t v : kValues)
                for (uint32_t f : kFlagInputs) expect_same(one, rec1, reg_input(bits, 2, v, 0x55, f));
        }
}

TEST_CASE("shift/rotate memory operand: by CL, imm8 and 1") {
    for (unsigned ext = 0; ext < 8; ext++)
        for (unsigned bits : {8u, 16u, 32u}) {
            CAPTURE(kOpNames[ext]);
            CAPTURE(bits);
            Bytes cl = enc_cl(ext, bits, -1);
            Bytes one = enc_one(ext, bits, -1);
            Insn rcl = decode_ok(cl), rone = decode_ok(one);
            for (uint32_t v : kValues) {
                std::vector<uint8_t> d = data_with(v);
                for (uint32_t f : kFlagInputs) {
                    for (unsigned n : kCounts) expect_same(cl, rcl, mem_input(n, f), d.data());
                    expect_same(one, rone, mem_input(0, f), d.data());
                }
            }
            for (unsigned n : {0u, 1u, 5u, 8u, 17u, 31u, 32u}) {
                Bytes imm = enc_imm(ext, bits, -1, n);
                Insn rimm = decode_ok(imm);
                for (uint32_t v : kValues) {
                    std::vector<uint8_t> d = data_with(v);
                    for (uint32_t f : kFlagInputs) expect_same(imm, rimm, mem_input(0, f), d.data());
                }
            }
        }
}

namespace {
// shld r/m, r, imm8 (0F A4) / CL (0F A5); shrd 0F AC / 0F AD. Destination eax (or [ebx+8]),
// source edx.
Bytes enc_shd(bool right, bool by_cl, unsigned bits, bool mem, unsigned count) {
    Bytes b = prefix(bits);
    b.push_back(0x0f);
    b.push_back(uint8_t((right ? 0xac : 0xa4) + (by_cl ? 1 : 0)));
    if (mem) { b.push_back(modrm_ebx_d8(kEdx)); b.push_back(8); }
    else b.push_back(modrm_rr(kEdx, kEax));
    if (!by_cl) b.push_back(uint8_t(count));
    return b;
}
}  // namespace

TEST_CASE("SHLD/SHRD against the host, 16-bit counts above 16 included") {
    for (bool right : {false, true})
        for (unsigned bits : {16u, 32u}) {
            CAPTURE(right);
            CAPTURE(bits);
            Bytes insn = enc_shd(right, true, bits, false, 0);
            Insn rec = decode_ok(insn);
            for (uint32_t a : kValues)
                for (uint32_t s : {0u, 1u, 0x8000u, 0xffffu, 0x80000000u, 0xffffffffu, 0x12345678u, 0xabcdef01u})
                    for (unsigned n = 0; n < 40; n++)
                        for (uint32_t f : {0u, kArithFlags}) {
                            RegState in = reg_input(bits, kEax, a, n, f);
                            in.r[kEdx] = s;
                            expect_same(insn, rec, in);
                        }
            for (unsigned n : kCounts) {
                Bytes imm = enc_shd(right, false, bits, false, n);
                Insn rimm = decode_ok(imm);
                Bytes mimm = enc_shd(right, false, bits, true, n);
                Insn rmimm = decode_ok(mimm);
                Bytes mcl = enc_shd(right, true, bits, true, 0);
                Insn rmcl = decode_ok(mcl);
                for (uint32_t a : kValues)
                    for (uint32_t f : kFlagInputs) {
                        RegState in = reg_input(bits, kEax, a, n, f);
                        in.r[kEdx] = 0x9abcdef0u ^ a;
                        expect_same(imm, rimm, in);
                        RegState m = mem_input(n, f);
                        m.r[kEdx] = 0x9abcdef0u ^ a;
                        std::vector<uint8_t> d = data_with(a);
                        expect_same(mimm, rmimm, m, d.data());
                        expect_same(mcl, rmcl, m, d.data());
                    }
            }
        }
}

TEST_CASE("shift records: zero immediate counts and the SAL alias decode to handlers") {
    // D1 /6 is the undocumented SAL encoding; Zydis names it SHL.
    Bytes sal = {0xd1, modrm_rr(6, kEax)};
    Insn rec = decode_ok(sal);
    expect_same(sal, rec, reg_input(32, kEax, 0xc0000001u, 0, 0));
    // shl eax, 0 and shl eax, 32 change nothing, flags included.
    for (unsigned n : {0u, 32u, 64u, 96u}) {
        Bytes b = enc_imm(4, 32, kEax, n);
        Insn r = decode_ok(b);
        for (uint32_t f : kFlagInputs) expect_same(b, r, reg_input(32, kEax, 0x80000001u, 0, f));
    }
}
