// String instructions: MOVS STOS LODS CMPS SCAS in byte, word and doubleword widths, plain and with
// the REP / REPE / REPNE prefixes (SDM Vol.2B MOVS/STOS/LODS/CMPS/SCAS, REP/REPE/REPZ/REPNE/REPNZ).
//
// Operands are implicit: the source is seg:ESI (DS unless overridden; only %fs/%gs carry a base on
// Linux), the destination ES:EDI (ES is always flat), the count ECX. A 0x67 prefix switches to
// SI/DI/CX (SDM Vol.2B REP: "the count register is CX if the address-size attribute is 16").
// EFLAGS.DF picks the direction.
//
// The REP forms are what static glibc's memcpy/memset compile to when SSE is not reported, so with a
// 32-bit address size they run in bulk: one chunk at a time, where a chunk is the iterations whose
// accesses stay within the 4-KiB pages holding the first iteration's operands. The first iteration
// of a chunk goes through the ordinary guest load/store (so a fault is raised at exactly that
// iteration, with its address), the rest cannot fault because they touch the same pages, and
// ECX/ESI/EDI are written back after every chunk. A fault therefore always leaves the registers at
// the iteration that faulted, as the SDM requires for a restartable REP instruction.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>

#include "cpu/families.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {

// Page granularity of guest protections: the 4-KByte pages of SDM Vol.3A 4.3 (32-bit paging).
constexpr uint32_t kPage = 4096;

// Which repeat prefix the record runs with.
enum class Rep : uint8_t { None, Rep, RepE, RepNE };

// Index and count registers in the address size A (uint32_t, or uint16_t under 0x67): a 16-bit
// update leaves the upper half of ESI/EDI/ECX alone.
template <typename A> inline uint32_t rd(const Cpu& c, Gpr r) { return A(c.m_regs[r]); }
template <typename A> inline void advance(Cpu& c, Gpr r, uint32_t delta) {
    set_reg<A>(c, uint8_t(r * 4), A(c.m_regs[r] + delta));
}

// Per-iteration step: +size with DF clear, -size with DF set.
template <typename T> inline uint32_t step(const Cpu& c) {
    return (c.m_eflags_rest & kFlagDF) ? uint32_t(0) - uint32_t(sizeof(T)) : uint32_t(sizeof(T));
}

// A host fault that ends a REP instruction is a siglongjmp the compiler cannot see: this barrier
// keeps the registers written back for finished iterations in memory (not cached in host registers
// or merged with later stores) before the next access that may fault.
inline void commit() { asm volatile("" ::: "memory"); }

// One iteration of each instruction. `seg` is the source segment base; each returns whether the
// compared elements were equal (meaningful for CMPS and SCAS only). Memory is accessed before any
// register changes, so a fault leaves the iteration undone.
struct Movs {
    template <typename T, typename A> static bool once(Cpu& c, uint32_t seg, uint32_t d) {
        T v = load<T>(c, seg + rd<A>(c, kEsi));
        store<T>(c, rd<A>(c, kEdi), v);
        advance<A>(c, kEsi, d);
        advance<A>(c, kEdi, d);
        return false;
    }
};
struct Stos {
    template <typename T, typename A> static bool once(Cpu& c, uint32_t, uint32_t d) {
        store<T>(c, rd<A>(c, kEdi), get_reg<T>(c, 0));
        advance<A>(c, kEdi, d);
        return false;
    }
};
struct Lods {
    template <typename T, typename A> static bool once(Cpu& c, uint32_t seg, uint32_t d) {
        set_reg<T>(c, 0, load<T>(c, seg + rd<A>(c, kEsi)));
        advance<A>(c, kEsi, d);
        return false;
    }
};
// CMPS subtracts the ES:EDI element from the DS:ESI one, like CMP src, dst (SDM Vol.2A CMPS).
struct Cmps {
    template <typename T, typename A> static bool once(Cpu& c, uint32_t seg, uint32_t d) {
        T a = load<T>(c, seg + rd<A>(c, kEsi));
        T b = load<T>(c, rd<A>(c, kEdi));
        set_flags_sub<T>(c, a, b, T(a - b));
        advance<A>(c, kEsi, d);
        advance<A>(c, kEdi, d);
        return a == b;
    }
};
// SCAS subtracts the ES:EDI element from AL/AX/EAX (SDM Vol.2B SCAS).
struct Scas {
    template <typename T, typename A> static bool once(Cpu& c, uint32_t, uint32_t d) {
        T a = get_reg<T>(c, 0);
        T b = load<T>(c, rd<A>(c, kEdi));
        set_flags_sub<T>(c, a, b, T(a - b));
        advance<A>(c, kEdi, d);
        return a == b;
    }
};

template <typename Op, typename T, typename A> void str_once(Cpu& c, const Insn& i) {
    Op::template once<T, A>(c, c.m_seg_base[i.seg], step<T>(c));
}

// The repeat loop exactly as SDM Vol.2B REP describes it: test the count, run one iteration,
// decrement the count, then (REPE/REPNE only) test ZF. Registers are in memory after every
// iteration, so a fault inside `once` is precise.
template <typename Op, typename T, typename A, Rep R> void str_rep(Cpu& c, const Insn& i) {
    uint32_t seg = c.m_seg_base[i.seg], d = step<T>(c);
    while (uint32_t n = rd<A>(c, kEcx)) {
        bool eq = Op::template once<T, A>(c, seg, d);
        set_reg<A>(c, uint8_t(kEcx * 4), A(n - 1));
        commit();
        if constexpr (R == Rep::RepE) { if (!eq) return; }
        if constexpr (R == Rep::RepNE) { if (eq) return; }
    }
}

// How many iterations of element size S starting at linear address a, moving up (or down), touch
// only the page that holds that first element; 0 when the first element straddles two pages.
template <uint32_t S> inline uint32_t fits_in_page(uint32_t a, bool down) {
    uint32_t off = a & (kPage - 1);
    if (off + S > kPage) return 0;
    return down ? off / S + 1 : (kPage - off) / S;
}

// Element-by-element copy in architectural order; used where memmove would differ (the
// destination overlaps source elements that are still to be read, SDM Vol.2B MOVS: each
// iteration reads after the previous one wrote).
template <typename T> inline void copy_in_order(uint8_t* dst, const uint8_t* src, uint32_t n,
                                                std::ptrdiff_t dir) {
    for (uint32_t k = 0; k < n; k++) {
        T v;
        std::memcpy(&v, src, sizeof(T));
        std::memcpy(dst, &v, sizeof(T));
        src += dir;
        dst += dir;
    }
}

// REP MOVS with a 32-bit address size, in page chunks (see the top of the file).
template <typename T> void rep_movs(Cpu& c, const Insn& i) {
    constexpr uint32_t S = sizeof(T);
    const bool down = c.m_eflags_rest & kFlagDF;
    const uint32_t seg = c.m_seg_base[i.seg];
    while (uint32_t n = c.m_regs[kEcx]) {
        uint32_t src = seg + c.m_regs[kEsi], dst = c.m_regs[kEdi];
        uint32_t m = std::min({n, fits_in_page<S>(src, down), fits_in_page<S>(dst, down)});
        // The first iteration through checked guest accesses: a fault happens here, precisely.
        store<T>(c, dst, load<T>(c, src));
        if (m > 1) {
            uint32_t rest = (m - 1) * S, span = m * S;
            if (!down) {
                // Forward, the iterations equal one memmove unless the destination starts inside
                // the source span above the source (then later reads see earlier writes: a
                // `rep movsb` with dst = src+1 smears one byte).
                if (uint32_t(dst - src) - 1 < span - 1)
                    copy_in_order<T>(c.m_mem + dst + S, c.m_mem + src + S, m - 1, std::ptrdiff_t(S));
                else
                    std::memmove(c.m_mem + dst + S, c.m_mem + src + S, rest);
            } else {
                // Backward, the mirror image: the hazard is a source above the destination.
                if (uint32_t(src - dst) - 1 < span - 1)
                    copy_in_order<T>(c.m_mem + dst - S, c.m_mem + src - S, m - 1, -std::ptrdiff_t(S));
                else
                    std::memmove(c.m_mem + dst - rest, c.m_mem + src - rest, rest);
            }
        }
        m = std::max(m, 1u);
        uint32_t bytes = m * S;
        c.m_regs[kEcx] = n - m;
        c.m_regs[kEsi] += down ? 0u - bytes : bytes;
        c.m_regs[kEdi] += down ? 0u - bytes : bytes;
        commit();
    }
}

// REP STOS with a 32-bit address size, in page chunks.
template <typename T> void rep_stos(Cpu& c, const Insn&) {
    constexpr uint32_t S = sizeof(T);
    const bool down = c.m_eflags_rest & kFlagDF;
    const T v = get_reg<T>(c, 0);
    uint8_t b0 = uint8_t(v);
    bool uniform = true;   // every byte of the element equal: memset does it
    for (uint32_t k = 1; k < S; k++) uniform &= uint8_t(v >> (8 * k)) == b0;
    while (uint32_t n = c.m_regs[kEcx]) {
        uint32_t dst = c.m_regs[kEdi];
        uint32_t m = std::min(n, fits_in_page<S>(dst, down));
        store<T>(c, dst, v);   // the first iteration, checked
        if (m > 1) {
            uint32_t rest = (m - 1) * S;
            uint8_t* p = c.m_mem + (down ? dst - rest : dst + S);
            if (uniform) {
                std::memset(p, b0, rest);
            } else {
                for (uint32_t k = 0; k < m - 1; k++) std::memcpy(p + k * S, &v, S);
            }
        }
        m = std::max(m, 1u);
        uint32_t bytes = m * S;
        c.m_regs[kEcx] = n - m;
        c.m_regs[kEdi] += down ? 0u - bytes : bytes;
        commit();
    }
}

// REPE/REPNE CMPS and SCAS with a 32-bit address size and DF clear, in page chunks: the first
// iteration of a chunk is checked, the rest are compared on host pointers until the terminating
// element. Backward scans are rare (strrchr-like code) and take the plain loop.
template <bool IsCmps, typename T, Rep R> void rep_scan(Cpu& c, const Insn& i) {
    using Op = std::conditional_t<IsCmps, Cmps, Scas>;
    if (c.m_eflags_rest & kFlagDF) return str_rep<Op, T, uint32_t, R>(c, i);
    constexpr uint32_t S = sizeof(T);
    const uint32_t seg = c.m_seg_base[i.seg];
    const T acc = get_reg<T>(c, 0);
    while (uint32_t n = c.m_regs[kEcx]) {
        uint32_t src = seg + c.m_regs[kEsi], dst = c.m_regs[kEdi];
        uint32_t m = std::min(n, fits_in_page<S>(dst, false));
        if constexpr (IsCmps) m = std::min(m, fits_in_page<S>(src, false));
        // Iteration 0 through checked loads; it may already terminate.
        T a = IsCmps ? load<T>(c, src) : acc;
        T b = load<T>(c, dst);
        uint32_t done = 1;
        auto stops = [](T x, T y) { return R == Rep::RepE ? x != y : x == y; };
        if (!stops(a, b) && m > 1) {
            const uint8_t* hs = c.m_mem + src;
            const uint8_t* hd = c.m_mem + dst;
            for (; done < m; done++) {
                T y;
                std::memcpy(&y, hd + done * S, S);
                T x = acc;
                if constexpr (IsCmps) std::memcpy(&x, hs + done * S, S);
                a = x;
                b = y;
                if (stops(x, y)) { done++; break; }
            }
        }
        // `done` iterations ran; the flags are those of the last comparison.
        set_flags_sub<T>(c, a, b, T(a - b));
        c.m_regs[kEcx] = n - done;
        if constexpr (IsCmps) c.m_regs[kEsi] += done * S;
        c.m_regs[kEdi] += done * S;
        commit();
        if (stops(a, b)) return;
    }
}

// A segment override on the source comes from the instruction's prefix bytes: the string operands
// are implicit, so the decoder's visible-operand list does not carry them. Linux gives only %fs
// and %gs a base (ds es ss cs are flat); when several overrides appear the last one counts.
uint8_t source_segment(const InsnDesc& d) {
    uint8_t seg = kSegFlat;
    for (unsigned k = 0; k < d.len && k < sizeof d.bytes; k++) {
        switch (d.bytes[k]) {
        case 0x64: seg = kSegFs; break;
        case 0x65: seg = kSegGs; break;
        case 0x26: case 0x2e: case 0x36: case 0x3e: seg = kSegFlat; break;
        case 0xf0: case 0xf2: case 0xf3: case 0x66: case 0x67: break;
        default: return seg;   // the opcode: prefixes are over
        }
    }
    return seg;
}

template <typename Op, typename T, typename A, Rep R> Handler pick_rep() {
    if constexpr (std::is_same_v<A, uint16_t> || std::is_same_v<Op, Lods>) {
        return str_rep<Op, T, A, R>;
    } else if constexpr (std::is_same_v<Op, Movs>) {
        return rep_movs<T>;
    } else if constexpr (std::is_same_v<Op, Stos>) {
        return rep_stos<T>;
    } else {
        return rep_scan<std::is_same_v<Op, Cmps>, T, R>;
    }
}

template <typename Op, typename T, typename A> Handler pick(const InsnDesc& d) {
    constexpr bool compares = std::is_same_v<Op, Cmps> || std::is_same_v<Op, Scas>;
    if constexpr (compares) {
        if (d.repne) return pick_rep<Op, T, A, Rep::RepNE>();
        if (d.repe || d.rep) return pick_rep<Op, T, A, Rep::RepE>();
    } else {
        // F2 on MOVS/STOS/LODS repeats like F3 (the count is the only termination condition).
        if (d.rep || d.repe || d.repne) return pick_rep<Op, T, A, Rep::Rep>();
    }
    return str_once<Op, T, A>;
}

// Opcodes A4..AF in the one-byte map are the string forms; MOVSD and CMPSD also name SSE2
// instructions (F2 0F 10/11, F2 0F C2), which this selector does not take.
template <typename Op, typename T> bool select_string(const InsnDesc& d, Insn& rec) {
    if (d.opcode_map != 0 || d.opcode < 0xa4 || d.opcode > 0xaf) return false;
    if (d.lock) return false;   // LOCK with a string instruction is #UD (SDM Vol.2A LOCK)
    rec.seg = source_segment(d);
    if (d.addrsize == 16) rec.fn = pick<Op, T, uint16_t>(d);
    else if (d.addrsize == 32) rec.fn = pick<Op, T, uint32_t>(d);
    else return false;
    return true;
}

}  // namespace

void register_string() {
    register_selector(Mn::MOVSB, select_string<Movs, uint8_t>);
    register_selector(Mn::MOVSW, select_string<Movs, uint16_t>);
    register_selector(Mn::MOVSD, select_string<Movs, uint32_t>);
    register_selector(Mn::STOSB, select_string<Stos, uint8_t>);
    register_selector(Mn::STOSW, select_string<Stos, uint16_t>);
    register_selector(Mn::STOSD, select_string<Stos, uint32_t>);
    register_selector(Mn::LODSB, select_string<Lods, uint8_t>);
    register_selector(Mn::LODSW, select_string<Lods, uint16_t>);
    register_selector(Mn::LODSD, select_string<Lods, uint32_t>);
    register_selector(Mn::CMPSB, select_string<Cmps, uint8_t>);
    register_selector(Mn::CMPSW, select_string<Cmps, uint16_t>);
    register_selector(Mn::CMPSD, select_string<Cmps, uint32_t>);
    register_selector(Mn::SCASB, select_string<Scas, uint8_t>);
    register_selector(Mn::SCASW, select_string<Scas, uint16_t>);
    register_selector(Mn::SCASD, select_string<Scas, uint32_t>);
}

}  // namespace gate386
