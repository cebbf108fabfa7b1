// Unwinding out of linux-gate.so.1 with a small DWARF CFI interpreter of our own: find the FDE
// through .eh_frame_hdr's binary-search table (located by PT_GNU_EH_FRAME), run the CIE and FDE
// programs up to the pc, and recover the caller's registers from a synthetic stack.
#include <doctest.h>
#include <elf.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "vdso/vdso_file.h"
#include "vdso/vdso_image.h"

using namespace gate386;

namespace {

std::string hex(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

enum { EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI, EIP, EFLAGS, kNumRegs };
using Regs = std::array<uint32_t, kNumRegs>;

struct Memory {
    std::map<uint32_t, uint32_t> words;
    uint32_t read(uint32_t a) const {
        auto it = words.find(a);
        if (it == words.end()) FAIL("unwinder read unmapped stack word " << std::hex << a);
        return it->second;
    }
    void write(uint32_t a, uint32_t v) { words[a] = v; }
};

// --- the CFI interpreter -------------------------------------------------------------------------
struct Rule {
    enum Kind { Same, Offset, Expression } kind = Same;
    int64_t offset = 0;
    std::vector<uint8_t> expr;
};

struct Row {
    bool cfa_is_expr = false;
    int cfa_reg = ESP;
    int64_t cfa_offset = 0;
    std::vector<uint8_t> cfa_expr;
    std::map<int, Rule> rules;
};

struct Cie {
    int64_t data_align = 0;
    uint64_t code_align = 0;
    int ra_reg = -1;
    bool signal = false;
    uint8_t fde_encoding = 0;
    std::vector<uint8_t> initial;
};

struct Fde {
    uint32_t pc_begin = 0, pc_end = 0;
    Cie cie;
    std::vector<uint8_t> program;
};

class Reader {
public:
    Reader(const std::vector<uint8_t>& b, uint32_t pos) : m_b(b), m_pos(pos) {}
    uint8_t u8() { REQUIRE(m_pos < m_b.size()); return m_b[m_pos++]; }
    uint32_t u32() {
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i);
        return v;
    }
    uint16_t u16() { uint16_t lo = u8(); return static_cast<uint16_t>(lo | (u8() << 8)); }
    uint64_t uleb() {
        uint64_t v = 0;
        for (int shift = 0;; shift += 7) {
            uint8_t b = u8();
            v |= static_cast<uint64_t>(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
    }
    int64_t sleb() {
        int64_t v = 0;
        int shift = 0;
        uint8_t b;
        do {
            b = u8();
            v |= static_cast<int64_t>(b & 0x7f) << shift;
            shift += 7;
        } while (b & 0x80);
        if (shift < 64 && (b & 0x40)) v |= -(static_cast<int64_t>(1) << shift);
        return v;
    }
    std::vector<uint8_t> bytes(size_t n) {
        REQUIRE(m_pos + n <= m_b.size());
        std::vector<uint8_t> v(m_b.begin() + m_pos, m_b.begin() + m_pos + n);
        m_pos += static_cast<uint32_t>(n);
        return v;
    }
    uint32_t pos() const { return m_pos; }
    bool done(uint32_t end) const { return m_pos >= end; }

private:
    const std::vector<uint8_t>& m_b;
    uint32_t m_pos;
};

class EhFrame {
public:
    explicit EhFrame(const std::vector<uint8_t>& page) : m_page(page) {
        Elf32_Ehdr eh;
        std::memcpy(&eh, page.data(), sizeof eh);
        for (int i = 0; i < eh.e_phnum; ++i) {
            Elf32_Phdr ph;
            std::memcpy(&ph, page.data() + eh.e_phoff + i * eh.e_phentsize, sizeof ph);
            if (ph.p_type == PT_GNU_EH_FRAME) m_hdr = ph.p_offset;
        }
        REQUIRE(m_hdr != 0);
        Reader r(m_page, m_hdr);
        REQUIRE(r.u8() == 1);     // version
        REQUIRE(r.u8() == 0x1b);  // eh_frame_ptr: pcrel sdata4
        REQUIRE(r.u8() == 0x03);  // fde_count: udata4
        REQUIRE(r.u8() == 0x3b);  // table: datarel sdata4
        r.u32();
        m_count = r.u32();
        for (uint32_t i = 0; i < m_count; ++i) {
            uint32_t pc = r.u32() + kVdsoBase + m_hdr;
            uint32_t fde = r.u32() + m_hdr;  // page offset
            m_table.push_back({pc, fde});
        }
    }

    uint32_t count() const { return m_count; }
    const std::vector<std::pair<uint32_t, uint32_t>>& table() const { return m_table; }

    // Binary search of the sorted table, as libgcc's unwind-dw2-fde does with .eh_frame_hdr.
    std::optional<Fde> find(uint32_t pc) const {
        size_t lo = 0, hi = m_table.size();
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (pc < m_table[mid].first) hi = mid;
            else lo = mid + 1;
        }
        if (lo == 0) return std::nullopt;
        Fde fde = parse_fde(m_table[lo - 1].second);
        CHECK(fde.pc_begin == m_table[lo - 1].first);
        if (pc >= fde.pc_end) return std::nullopt;
        return fde;
    }

    Fde parse_fde(uint32_t off) const {
        Reader r(m_page, off);
        uint32_t length = r.u32();
        REQUIRE(length != 0);
        uint32_t end = off + 4 + length;
        uint32_t cie_field = r.pos();
        uint32_t cie_ptr = r.u32();
        REQUIRE(cie_ptr != 0);  // an FDE, not a CIE
        Fde fde;
        fde.cie = parse_cie(cie_field - cie_ptr);
        REQUIRE(fde.cie.fde_encoding == 0x1b);
        uint32_t field = r.pos() + kVdsoBase;
        fde.pc_begin = r.u32() + field;
        fde.pc_end = fde.pc_begin + r.u32();
        uint64_t aug = r.uleb();
        r.bytes(aug);
        fde.program = r.bytes(end - r.pos());
        return fde;
    }

    Cie parse_cie(uint32_t off) const {
        Reader r(m_page, off);
        uint32_t length = r.u32();
        uint32_t end = off + 4 + length;
        REQUIRE(r.u32() == 0);  // CIE id
        Cie cie;
        REQUIRE(r.u8() == 1);   // version
        std::string aug;
        for (uint8_t c; (c = r.u8()) != 0;) aug.push_back(static_cast<char>(c));
        cie.code_align = r.uleb();
        cie.data_align = r.sleb();
        cie.ra_reg = r.u8();
        REQUIRE(!aug.empty());
        REQUIRE(aug[0] == 'z');
        uint64_t aug_len = r.uleb();
        uint32_t aug_end = r.pos() + static_cast<uint32_t>(aug_len);
        for (char c : aug.substr(1)) {
            if (c == 'R') cie.fde_encoding = r.u8();
            else if (c == 'S') cie.signal = true;
            else FAIL("unexpected augmentation " << c);
        }
        REQUIRE(r.pos() == aug_end);
        cie.initial = r.bytes(end - r.pos());
        return cie;
    }

    // The row in effect at `pc`: the CIE's initial instructions, then the FDE's up to the first
    // advance past pc (DWARF 4 §6.4.2).
    static Row row_at(const Fde& fde, uint32_t pc) {
        Row row, initial;
        std::vector<Row> remembered;
        uint32_t loc = fde.pc_begin;
        auto offset_rule = [&](uint64_t factored) {
            return Rule{Rule::Offset, static_cast<int64_t>(factored) * fde.cie.data_align, {}};
        };
        // Returns false once the location would move past pc.
        auto run = [&](const std::vector<uint8_t>& prog) {
            Reader r(prog, 0);
            auto advance = [&](uint64_t delta) {
                uint64_t next = loc + delta * fde.cie.code_align;
                if (next > pc) return false;
                loc = static_cast<uint32_t>(next);
                return true;
            };
            while (!r.done(static_cast<uint32_t>(prog.size()))) {
                uint8_t op = r.u8();
                uint8_t high = op & 0xc0, low = op & 0x3f;
                if (high == 0x40) {  // DW_CFA_advance_loc
                    if (!advance(low)) return false;
                    continue;
                }
                if (high == 0x80) {  // DW_CFA_offset
                    row.rules[low] = offset_rule(r.uleb());
                    continue;
                }
                if (high == 0xc0) {  // DW_CFA_restore
                    row.rules[low] = initial.rules.count(low) ? initial.rules[low] : Rule{};
                    continue;
                }
                switch (op) {
                    case 0x00: break;  // DW_CFA_nop
                    case 0x02:
                        if (!advance(r.u8())) return false;
                        break;
                    case 0x03:
                        if (!advance(r.u16())) return false;
                        break;
                    case 0x04:
                        if (!advance(r.u32())) return false;
                        break;
                    case 0x05: {  // DW_CFA_offset_extended
                        int reg = static_cast<int>(r.uleb());
                        row.rules[reg] = offset_rule(r.uleb());
                        break;
                    }
                    case 0x07:  // DW_CFA_undefined (only ever "not saved" for these tests)
                    case 0x08:  // DW_CFA_same_value
                        row.rules[static_cast<int>(r.uleb())] = Rule{};
                        break;
                    case 0x0a: remembered.push_back(row); break;
                    case 0x0b:
                        REQUIRE(!remembered.empty());
                        row = remembered.back();
                        remembered.pop_back();
                        break;
                    case 0x0c:  // DW_CFA_def_cfa
                        row.cfa_is_expr = false;
                        row.cfa_reg = static_cast<int>(r.uleb());
                        row.cfa_offset = static_cast<int64_t>(r.uleb());
                        break;
                    case 0x0d:  // DW_CFA_def_cfa_register
                        row.cfa_is_expr = false;
                        row.cfa_reg = static_cast<int>(r.uleb());
                        break;
                    case 0x0e:  // DW_CFA_def_cfa_offset
                        REQUIRE(!row.cfa_is_expr);
                        row.cfa_offset = static_cast<int64_t>(r.uleb());
                        break;
                    case 0x0f: {  // DW_CFA_def_cfa_expression
                        uint64_t n = r.uleb();
                        row.cfa_is_expr = true;
                        row.cfa_expr = r.bytes(n);
                        break;
                    }
                    case 0x10: {  // DW_CFA_expression
                        int reg = static_cast<int>(r.uleb());
                        uint64_t n = r.uleb();
                        row.rules[reg] = Rule{Rule::Expression, 0, r.bytes(n)};
                        break;
                    }
                    default: FAIL("unsupported CFA op 0x" << std::hex << int(op)); return false;
                }
            }
            return true;
        };
        run(fde.cie.initial);
        initial = row;
        run(fde.program);
        return row;
    }

private:
    const std::vector<uint8_t>& m_page;
    uint32_t m_hdr = 0;
    uint32_t m_count = 0;
    std::vector<std::pair<uint32_t, uint32_t>> m_table;
};

uint32_t eval(const std::vector<uint8_t>& expr, const Regs& regs, const Memory& mem) {
    std::vector<uint32_t> stack;
    Reader r(expr, 0);
    while (!r.done(static_cast<uint32_t>(expr.size()))) {
        uint8_t op = r.u8();
        if (op >= 0x70 && op <= 0x8f) {
            int reg = op - 0x70;
            REQUIRE(reg < kNumRegs);
            stack.push_back(regs[reg] + static_cast<uint32_t>(r.sleb()));
        } else if (op == 0x06) {
            REQUIRE(!stack.empty());
            uint32_t a = stack.back();
            stack.back() = mem.read(a);
        } else {
            FAIL("unsupported DW_OP 0x" << std::hex << int(op));
        }
    }
    REQUIRE(stack.size() == 1);
    return stack.back();
}

struct Unwound {
    Regs regs;
    bool signal_frame;
};

// One step: the caller's registers, given the current ones. `lookup_pc` is the pc used to find
// the FDE (the pc itself for the innermost frame or a frame interrupted by a signal).
Unwound unwind(const EhFrame& eh, const Regs& regs, const Memory& mem, uint32_t lookup_pc) {
    auto fde = eh.find(lookup_pc);
    if (!fde) FAIL("no FDE covers pc " << std::hex << lookup_pc);
    Row row = EhFrame::row_at(*fde, lookup_pc);
    uint32_t cfa = row.cfa_is_expr ? eval(row.cfa_expr, regs, mem)
                                   : regs[row.cfa_reg] + static_cast<uint32_t>(row.cfa_offset);
    Regs out = regs;
    for (int reg = 0; reg < kNumRegs; ++reg) {
        auto it = row.rules.find(reg);
        if (it == row.rules.end() || it->second.kind == Rule::Same) continue;
        uint32_t where = it->second.kind == Rule::Offset ? cfa + static_cast<uint32_t>(it->second.offset)
                                                         : eval(it->second.expr, regs, mem);
        out[reg] = mem.read(where);
    }
    REQUIRE(row.rules.count(fde->cie.ra_reg));  // the return address must be recoverable
    out[ESP] = cfa;
    return {out, fde->cie.signal};
}

// --- a tiny simulator for the bytes of __kernel_vsyscall ----------------------------------------
struct Machine {
    Regs regs{};
    Memory mem;
};

// Executes one instruction of __kernel_vsyscall; the kernel's side of sysenter is a sysexit to
// `sysenter_return` with ecx = user esp, edx = SYSENTER_RETURN, ebp = 0 (2.6-era entry.S).
// Returns false after the final ret.
bool step(Machine& m, const VdsoImage& img) {
    auto byte = [&](uint32_t a) { return img.bytes.at(a - kVdsoBase); };
    uint32_t& esp = m.regs[ESP];
    uint32_t& eip = m.regs[EIP];
    auto push = [&](uint32_t v) { esp -= 4; m.mem.write(esp, v); };
    auto pop = [&]() { uint32_t v = m.mem.read(esp); esp += 4; return v; };
    uint8_t op = byte(eip);
    switch (op) {
        case 0x51: push(m.regs[ECX]); eip += 1; return true;
        case 0x52: push(m.regs[EDX]); eip += 1; return true;
        case 0x55: push(m.regs[EBP]); eip += 1; return true;
        case 0x59: m.regs[ECX] = pop(); eip += 1; return true;
        case 0x5a: m.regs[EDX] = pop(); eip += 1; return true;
        case 0x5d: m.regs[EBP] = pop(); eip += 1; return true;
        case 0x90: eip += 1; return true;
        case 0x89: REQUIRE(byte(eip + 1) == 0xe5); m.regs[EBP] = esp; eip += 2; return true;
        case 0xeb: eip = eip + 2 + static_cast<uint32_t>(static_cast<int8_t>(byte(eip + 1))); return true;
        case 0xcd: REQUIRE(byte(eip + 1) == 0x80); m.regs[EAX] = 0; eip += 2; return true;
        case 0x0f:
            REQUIRE(byte(eip + 1) == 0x34);
            m.regs[ECX] = esp;
            m.regs[EDX] = img.sysenter_return;
            m.regs[EBP] = 0;
            m.regs[EAX] = 0;
            eip = img.sysenter_return;
            return true;
        case 0xc3: eip = pop(); return false;
        default: FAIL("unexpected opcode " << std::hex << int(op) << " at " << eip); return false;
    }
}

constexpr uint32_t kCallerStack = 0xbf800100;
constexpr uint32_t kReturnAddress = 0x08049abc;
constexpr uint32_t kCallerEcx = 0x1111c1c1, kCallerEdx = 0x2222d2d2, kCallerEbp = 0x3333b3b3;
constexpr uint32_t kCallerEbx = 0x4444b4b4, kCallerEsi = 0x5555e5e5, kCallerEdi = 0x6666d6d6;

Machine caller_state(const VdsoImage& img) {
    Machine m;
    m.regs = {0xaa, kCallerEcx, kCallerEdx, kCallerEbx, kCallerStack, kCallerEbp, kCallerEsi, kCallerEdi, img.entry, 0x202};
    m.mem.write(kCallerStack, kReturnAddress);  // the call pushed it
    m.mem.write(kCallerStack + 4, 0xdead0001);  // whatever the caller had above
    return m;
}

void check_unwinds_to_caller(const EhFrame& eh, const Machine& m) {
    uint32_t pc = m.regs[EIP];
    std::string pc_hex = hex(pc);
    CAPTURE(pc_hex);
    Unwound u = unwind(eh, m.regs, m.mem, pc);
    CHECK_FALSE(u.signal_frame);
    CHECK(u.regs[EIP] == kReturnAddress);
    CHECK(u.regs[ESP] == kCallerStack + 4);  // the caller's esp after the call returns
    CHECK(u.regs[EBP] == kCallerEbp);
    CHECK(u.regs[ECX] == kCallerEcx);
    CHECK(u.regs[EDX] == kCallerEdx);
    CHECK(u.regs[EBX] == kCallerEbx);
    CHECK(u.regs[ESI] == kCallerEsi);
    CHECK(u.regs[EDI] == kCallerEdi);
}

// Runs __kernel_vsyscall from its entry, unwinding at every instruction on the way; then the
// instructions only a restarted call reaches (and the never-executed nops) from the state the
// kernel's restart leaves (registers as at the sysenter, eip = restart_jmp).
std::set<uint32_t> unwind_every_instruction(const VdsoImage& img) {
    EhFrame eh(img.bytes);
    std::set<uint32_t> visited;
    Machine m = caller_state(img);
    std::optional<Machine> at_gate;
    for (int guard = 0; guard < 64; ++guard) {
        check_unwinds_to_caller(eh, m);
        visited.insert(m.regs[EIP]);
        uint8_t op = img.bytes[m.regs[EIP] - kVdsoBase];
        if (op == 0x0f || (op == 0xcd && !at_gate)) at_gate = m;
        if (!step(m, img)) break;
    }
    CHECK(m.regs[EIP] == kReturnAddress);
    CHECK(m.regs[ESP] == kCallerStack + 4);
    CHECK(m.regs[EBP] == kCallerEbp);
    CHECK(m.regs[ECX] == kCallerEcx);
    CHECK(m.regs[EDX] == kCallerEdx);

    REQUIRE(at_gate);
    // Restart: the kernel rewinds eip to restart_jmp with the gate-time registers.
    Machine r = *at_gate;
    r.regs[EIP] = img.restart_jmp;
    for (int guard = 0; guard < 64; ++guard) {
        check_unwinds_to_caller(eh, r);
        visited.insert(r.regs[EIP]);
        if (r.regs[EIP] == at_gate->regs[EIP] && guard > 0) break;  // back at the gate
        if (!step(r, img)) break;
    }
    // Bytes nobody executes (the nop padding of 2.6.12): unwinding from them must still work.
    const VdsoSymbol* vs = find_symbol(img, "__kernel_vsyscall");
    for (uint32_t a = vs->address; a < vs->address + vs->size; ++a) {
        if (visited.count(a) || img.bytes[a - kVdsoBase] != 0x90) continue;
        Machine n = *at_gate;
        n.regs[EIP] = a;
        check_unwinds_to_caller(eh, n);
        visited.insert(a);
    }
    return visited;
}

std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
}

}  // namespace

TEST_CASE("vdso unwind: __kernel_vsyscall (sysenter, 2.6.12) from every instruction") {
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter, VdsoLayout::Kernel2612);
    std::set<uint32_t> visited = unwind_every_instruction(img);
    const std::set<uint32_t> all{0xffffe400, 0xffffe401, 0xffffe402, 0xffffe403, 0xffffe405, 0xffffe407,
                                 0xffffe408, 0xffffe409, 0xffffe40a, 0xffffe40b, 0xffffe40c, 0xffffe40d,
                                 0xffffe40e, 0xffffe410, 0xffffe411, 0xffffe412, 0xffffe413};
    CHECK(visited == all);
}

TEST_CASE("vdso unwind: __kernel_vsyscall (sysenter, modern) from every instruction") {
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter, VdsoLayout::Modern);
    std::set<uint32_t> visited = unwind_every_instruction(img);
    const std::set<uint32_t> all{0xffffe400, 0xffffe401, 0xffffe402, 0xffffe403, 0xffffe405,
                                 0xffffe407, 0xffffe409, 0xffffe40a, 0xffffe40b, 0xffffe40c};
    CHECK(visited == all);
}

TEST_CASE("vdso unwind: __kernel_vsyscall (int $0x80)") {
    VdsoImage img = build_vdso_image(VdsoVariant::Int80);
    std::set<uint32_t> visited = unwind_every_instruction(img);
    CHECK(visited == std::set<uint32_t>{0xffffe400, 0xffffe402});
}

TEST_CASE("vdso unwind: inside the pushes the return address is not at esp; the CFI finds it") {
    // Guard against a vacuous test: unwinding with the CIE's entry rule alone (CFA = esp + 4)
    // from inside the pushes must not find the caller.
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    Machine m = caller_state(img);
    for (int i = 0; i < 3; ++i) step(m, img);  // after push ecx, edx, ebp
    CHECK(m.mem.read(m.regs[ESP] + 0) != kReturnAddress);
    EhFrame eh(img.bytes);
    Unwound u = unwind(eh, m.regs, m.mem, m.regs[EIP]);
    CHECK(u.regs[EIP] == kReturnAddress);
}

namespace {

// i386 struct sigcontext field offsets (uapi asm/sigcontext.h, struct sigcontext_32).
enum : uint32_t {
    kScGs = 0, kScFs = 4, kScEs = 8, kScDs = 12, kScEdi = 16, kScEsi = 20, kScEbp = 24, kScEsp = 28,
    kScEbx = 32, kScEdx = 36, kScEcx = 40, kScEax = 44, kScTrapno = 48, kScErr = 52, kScEip = 56,
    kScCs = 60, kScEflags = 64, kScEspAtSignal = 68, kScSs = 72, kScSize = 88,
};

Regs interrupted() { return {0x0a0a0a0a, 0x0c0c0c0c, 0x0d0d0d0d, 0x0b0b0b0b, 0xbf7ff000, 0xbf7ff0e0, 0x05050505, 0x0d1d1d1d, 0x0804a123, 0x246}; }

void write_sigcontext(Memory& mem, uint32_t sc, const Regs& r) {
    for (uint32_t o = 0; o < kScSize; o += 4) mem.write(sc + o, 0);
    mem.write(sc + kScEdi, r[EDI]);
    mem.write(sc + kScEsi, r[ESI]);
    mem.write(sc + kScEbp, r[EBP]);
    mem.write(sc + kScEsp, r[ESP]);
    mem.write(sc + kScEbx, r[EBX]);
    mem.write(sc + kScEdx, r[EDX]);
    mem.write(sc + kScEcx, r[ECX]);
    mem.write(sc + kScEax, r[EAX]);
    mem.write(sc + kScEip, r[EIP]);
    mem.write(sc + kScEflags, r[EFLAGS]);
    mem.write(sc + kScCs, 0x73);
    mem.write(sc + kScSs, 0x7b);
    mem.write(sc + kScDs, 0x7b);
    mem.write(sc + kScEs, 0x7b);
}

void check_signal_unwind(const EhFrame& eh, const Regs& regs, const Memory& mem, uint32_t lookup_pc) {
    std::string pc_hex = hex(lookup_pc);
    CAPTURE(pc_hex);
    Unwound u = unwind(eh, regs, mem, lookup_pc);
    CHECK(u.signal_frame);
    Regs want = interrupted();
    for (int r = 0; r < kNumRegs; ++r) {
        CAPTURE(r);
        CHECK(u.regs[r] == want[r]);
    }
}

}  // namespace

TEST_CASE("vdso unwind: __kernel_sigreturn signal frame") {
    for (VdsoVariant v : {VdsoVariant::Sysenter, VdsoVariant::Int80}) {
        VdsoImage img = build_vdso_image(v);
        EhFrame eh(img.bytes);
        // struct sigframe { u32 pretcode; int sig; struct sigcontext sc; ... } at F; the handler's
        // ret popped pretcode, so esp = F + 4 on entry to __kernel_sigreturn.
        const uint32_t frame = 0xbf700000;
        Memory mem;
        mem.write(frame, 0xffffe420);
        mem.write(frame + 4, 10);  // sig
        write_sigcontext(mem, frame + 8, interrupted());
        Regs regs{0x1, 0x2, 0x3, 0x4, frame + 4, 0x6, 0x7, 0x8, 0xffffe420, 0};
        check_signal_unwind(eh, regs, mem, 0xffffe41f);  // a caller-frame unwinder looks up pc - 1
        check_signal_unwind(eh, regs, mem, 0xffffe420);
        regs[ESP] = frame + 8;  // after pop %eax
        regs[EIP] = 0xffffe421;
        check_signal_unwind(eh, regs, mem, 0xffffe421);
        check_signal_unwind(eh, regs, mem, 0xffffe426);  // at the int $0x80
    }
}

TEST_CASE("vdso unwind: __kernel_rt_sigreturn signal frame") {
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    EhFrame eh(img.bytes);
    // struct rt_sigframe { u32 pretcode; int sig; u32 pinfo, puc; siginfo_t info (128 bytes);
    //   struct ucontext { u32 uc_flags, uc_link; stack_t uc_stack (12); sigcontext uc_mcontext; ... } }
    const uint32_t frame = 0xbf700000;
    const uint32_t sc = frame + 4 + 4 + 4 + 4 + 128 + 4 + 4 + 12;
    CHECK(sc - frame == 164);  // the kernel's IA32_RT_SIGFRAME_sigcontext
    Memory mem;
    write_sigcontext(mem, sc, interrupted());
    Regs regs{0x1, 0x2, 0x3, 0x4, frame + 4, 0x6, 0x7, 0x8, 0xffffe440, 0};
    check_signal_unwind(eh, regs, mem, 0xffffe43f);
    check_signal_unwind(eh, regs, mem, 0xffffe440);
    check_signal_unwind(eh, regs, mem, 0xffffe445);
}

TEST_CASE("vdso unwind: .eh_frame_hdr table and FDE coverage of every symbol") {
    for (VdsoVariant v : {VdsoVariant::Sysenter, VdsoVariant::Int80}) {
        VdsoImage img = build_vdso_image(v);
        EhFrame eh(img.bytes);
        CHECK(eh.count() == img.symbols.size());
        for (size_t i = 1; i < eh.table().size(); ++i) CHECK(eh.table()[i - 1].first < eh.table()[i].first);
        for (const VdsoSymbol& s : img.symbols) {
            CAPTURE(s.name);
            for (uint32_t a = s.address; a < s.address + s.size; ++a) {
                auto fde = eh.find(a);
                REQUIRE(fde);
                CHECK(fde->pc_begin <= s.address);
                CHECK(fde->pc_end >= s.address + s.size);
                CHECK(fde->cie.signal == (s.name.find("sigreturn") != std::string::npos));
            }
        }
        CHECK_FALSE(eh.find(0xffffe3ff).has_value());
        CHECK_FALSE(eh.find(0xffffe415).has_value());
    }
}

TEST_CASE("vdso unwind: time functions keep CFA = esp + pushes at every instruction (objdump)") {
    if (run("command -v objdump").empty()) {
        MESSAGE("objdump not installed; skipping");
        return;
    }
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    char dir_template[] = "/tmp/gate386-vdso-unwind-XXXXXX";
    REQUIRE(mkdtemp(dir_template));
    std::string path = std::string(dir_template) + "/linux-gate.so";
    write_vdso_file(img, path);
    std::string dis = run("objdump -d --no-show-raw-insn " + path);
    std::remove(path.c_str());
    rmdir(dir_template);

    EhFrame eh(img.bytes);
    std::istringstream in(dis);
    std::string line, function;
    uint32_t expected = 4;
    int checked = 0, functions = 0;
    const std::map<std::string, int> dwarf_reg{{"%ebx", EBX}, {"%esi", ESI}, {"%edi", EDI}, {"%ebp", EBP},
                                               {"%ecx", ECX}, {"%edx", EDX}, {"%eax", EAX}};
    std::vector<int> pushed;  // callee-saved registers whose save rule must be in effect
    while (std::getline(in, line)) {
        unsigned addr = 0;
        char name[128];
        if (std::sscanf(line.c_str(), "%x <%127[^>]>:", &addr, name) == 2) {
            function = name;
            expected = 4;
            pushed.clear();
            if (function.rfind("__vdso_", 0) == 0) ++functions;
            continue;
        }
        if (function.rfind("__vdso_", 0) != 0) continue;
        char mnemonic[32] = {0}, operands[96] = {0};
        if (std::sscanf(line.c_str(), " %x:\t%31s %95s", &addr, mnemonic, operands) < 2) continue;
        std::string m = mnemonic, ops = operands;
        if (m == "nop" || m == "xchg") continue;  // alignment padding after the last ret
        CAPTURE(function);
        CAPTURE(line);
        auto fde = eh.find(addr);
        REQUIRE(fde);
        Row row = EhFrame::row_at(*fde, addr);
        CHECK_FALSE(row.cfa_is_expr);
        CHECK(row.cfa_reg == ESP);
        CHECK(row.cfa_offset == expected);
        for (size_t i = 0; i < pushed.size(); ++i) {
            REQUIRE(row.rules.count(pushed[i]));
            CHECK(row.rules[pushed[i]].kind == Rule::Offset);
            CHECK(row.rules[pushed[i]].offset == -static_cast<int64_t>(8 + 4 * i));
        }
        ++checked;
        if (m == "push") {
            expected += 4;
            pushed.push_back(dwarf_reg.at(ops));
        } else if (m == "pop") {
            REQUIRE(!pushed.empty());
            CHECK(pushed.back() == dwarf_reg.at(ops));
            pushed.pop_back();
            expected -= 4;
        } else if (m == "ret") {
            CHECK(expected == 4);
            CHECK(pushed.empty());
            expected = 4;  // code after a ret is only reached by jumps from CFA = esp + 4
        }
    }
    CHECK(functions == 6);
    CHECK(checked > 150);
}
