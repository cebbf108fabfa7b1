// Shared machinery of the x87 handlers (x87_*.cpp): stack bookkeeping, exception merging, the
// pending-exception check, and the primitives that execute one instruction on the host x87.
//
// How an operation runs: the guest's operands are placed on the host x87 stack (they are host
// `long double`s, the same 80-bit format), the host's control word is replaced by the guest's, the
// very instruction the guest executes runs, the host status word is read with FNSTSW and the host
// state is cleaned with FNCLEX before the host's control word comes back. So rounding, precision
// control, NaN propagation, denormal handling, condition codes and even the exponent-wrapped results
// of unmasked overflow/underflow (SDM Vol.1 8.5.4/8.5.5) are this host's. FNSTSW and FNCLEX are
// no-wait instructions, so an unmasked exception raised by the host instruction never traps on the
// host (SDM Vol.1 8.6: #MF is taken by the next *waiting* instruction, and FNCLEX removes it first).
//
// Instructions whose host form changes the stack depth (loads, popping stores, FPATAN, FPTAN, ...)
// would leave the host stack unbalanced when an unmasked pre-computation exception suppresses them,
// so those run with IE, DE and ZE masked and the suppression is decided here instead (`commit`).
#pragma once
#include <csignal>
#include <cstring>

#include "cpu/exceptions.h"
#include "cpu/insn_desc.h"

namespace gate386::x87 {

using f80 = long double;
static_assert(sizeof(f80) == 16 && __LDBL_MANT_DIG__ == 64, "host long double must be x87 extended");

// The host's own control word: the x86-64 psABI initial value (psABI 3.4.1), restored after every
// host operation.
inline constexpr uint16_t kHostCw = 0x037f;
inline constexpr uint16_t kPreMask = kFswIE | kFswDE | kFswZE;   // pre-computation exceptions

// The "real indefinite" QNaN a masked invalid operation produces (SDM Vol.1 4.8.3.7).
inline F80 indefinite() { F80 v; v.mant = 0xC000000000000000ull; v.se = 0xFFFF; return v; }

// F80 storage read and written as a host long double in place: FLDT/FSTPT straight from/to the
// register file (a byte copy through a temporary would make the 10-byte FLDT wait on two narrower
// stores, which costs more than the operation). may_alias makes the access legal.
typedef long double f80_in_memory __attribute__((may_alias));
inline f80 to_f80(const F80& v) { return *reinterpret_cast<const f80_in_memory*>(&v); }
inline F80 from_f80(f80 v) {
    F80 r;
    *reinterpret_cast<f80_in_memory*>(&r) = v;
    return r;
}

inline unsigned phys(const X87State& x, unsigned i) { return (x.top + i) & 7; }
inline bool is_empty(const X87State& x, unsigned i) { return !((x.valid >> phys(x, i)) & 1); }
inline F80& reg(X87State& x, unsigned i) { return x.r[phys(x, i)]; }
inline f80 st(const X87State& x, unsigned i) { return to_f80(x.r[phys(x, i)]); }
inline void set_st(X87State& x, unsigned i, f80 v) {
    unsigned p = phys(x, i);
    *reinterpret_cast<f80_in_memory*>(&x.r[p]) = v;
    x.valid |= uint8_t(1u << p);
}
inline void set_st_raw(X87State& x, unsigned i, const F80& v) {
    unsigned p = phys(x, i);
    x.r[p] = v;
    x.valid |= uint8_t(1u << p);
}
inline void pop(X87State& x) {
    x.valid &= uint8_t(~(1u << x.top));
    x.top = (x.top + 1) & 7;
}

// A deferred unmasked exception is reported by the next waiting FPU instruction (SDM Vol.1 8.6):
// SIGFPE with the si_code the kernel derives from status & ~control (Linux fpu__exception_code).
[[noreturn]] void raise_pending(Cpu& c, const Insn& i);
inline void check_pending(Cpu& c, const Insn& i) {
    if (__builtin_expect(c.m_x87.sw & kFswES, 0)) raise_pending(c, i);
}

// Host state the primitives rely on (see "host primitives" below).
//
// Condition codes an instruction leaves alone (FPREM with an invalid operand, C0/C2/C3 after
// arithmetic, ...) keep their previous value on hardware. For the host instruction to do the same,
// the host's condition codes must equal the guest's when it runs. g_host_cc records what the host
// holds (every primitive reads it back with FNSTSW; FNCLEX and FLDCW keep it), g_host_exc the
// host's sticky exception flags. When the codes differ, or the host has a flag the guest has not
// (after FNCLEX, FNINIT, FLDENV, a stack fault emulated here, ...), both are loaded with FLDENV,
// outside the primitives where the host register stack is empty (x86-64 psABI 3.2.1).
// 0xffff: unknown.
// C1 is left out: every numeric instruction writes it, even on an invalid operation (observed on
// this host for arithmetic, FPREM, FPATAN, FSIN, FXTRACT, compares, stores and loads), so only C0,
// C2 and C3 can leak from the host.
constexpr uint16_t kHostCcKept = kFswC0 | kFswC2 | kFswC3;
extern uint16_t g_host_cc;
extern uint16_t g_host_exc;
void set_host_cc(uint16_t cc);
inline void sync_host(const X87State& x) {
    uint16_t want = x.sw & kHostCcKept;
    if (__builtin_expect((want != g_host_cc) | ((g_host_exc & ~x.sw) != 0), 0)) set_host_cc(want);
}
inline void host_sw_fast(uint16_t sw) {
    g_host_cc = sw & kHostCcKept;
    g_host_exc = sw & kFswExceptions;
}
inline void host_sw_slow(uint16_t sw) {
    g_host_cc = sw & kHostCcKept;
    g_host_exc = 0;
}

// Prologue of a waiting non-control instruction: the pending check, then the last-instruction
// pointers (SDM Vol.1 8.1.8/8.1.10). `imm2` holds the 11-bit opcode, computed at decode time.
inline void begin(Cpu& c, const Insn& i) {
    check_pending(c, i);
    sync_host(c.m_x87);
    c.m_x87.fip = i.eip;
    c.m_x87.fcs = c.m_seg_sel[1];
    c.m_x87.fop = uint16_t(i.imm2);
}
// The same for an instruction with a memory operand: records its offset and segment and returns
// the linear address.
inline uint32_t begin_mem(Cpu& c, const Insn& i) {
    begin(c, i);
    uint32_t ea = effective_address(c, i);
    c.m_x87.fdp = ea - c.m_seg_base[i.seg];
    // es cs ss ds fs gs: Linux's flat data segments share one selector; %fs/%gs carry TLS.
    c.m_x87.fds = c.m_seg_sel[i.seg == kSegFs ? 4 : i.seg == kSegGs ? 5 : 3];
    return ea;
}

// Sets ES and B when the status word holds an exception the control word does not mask, as
// hardware recomputes them (observed after FLDCW unmasks a flag; SDM Vol.2A FLDCW).
inline void update_es(X87State& x) {
    if (x.sw & ~x.cw & kFswExceptions) x.sw |= kFswES | kFswB;
    else x.sw &= uint16_t(~(kFswES | kFswB));
}

// Merges the host status word after an operation: exception flags (sticky), the condition codes
// in `cc`. Returns whether the destination is written: not when an unmasked pre-computation
// exception stops the instruction, nor when a store to memory overflows or underflows unmasked
// (SDM Vol.1 8.5.1.2, 8.5.4, 8.5.5).
inline bool merge(X87State& x, uint16_t hsw, uint16_t cc, bool to_memory = false) {
    uint16_t e = hsw & kFswExceptions;
    uint16_t unmasked = e & ~x.cw;
    bool commit = true;
    if (__builtin_expect(unmasked != 0, 0)) {
        if (unmasked & kPreMask) {
            e &= kPreMask;          // nothing was computed: no post-computation flags
            commit = false;
            cc = 0;
        } else if (to_memory && (unmasked & (kFswOE | kFswUE))) {
            commit = false;
        }
        x.sw |= kFswES | kFswB;
    }
    x.sw = uint16_t((x.sw & ~cc) | (hsw & cc) | e);
    return commit;
}

// The same for comparisons. This host sets the condition codes (or EFLAGS) even when a denormal
// or invalid operand raises an unmasked exception, but then does not pop (observed, and checked
// by test_x87_arith). Returns whether the pops happen.
inline bool merge_compare(X87State& x, uint16_t hsw, uint16_t cc) {
    uint16_t e = hsw & kFswExceptions;
    uint16_t unmasked = e & ~x.cw;
    if (__builtin_expect(unmasked != 0, 0)) x.sw |= kFswES | kFswB;
    x.sw = uint16_t((x.sw & ~cc) | (hsw & cc) | e);
    return !(unmasked & kPreMask);
}

// Stack underflow: an empty source register (SDM Vol.1 8.5.1.1). IE and SF set, C1 cleared.
// Returns true when IE is masked, i.e. the instruction goes on with the indefinite value.
inline bool underflow(X87State& x) {
    x.sw = uint16_t((x.sw & ~kFswC1) | kFswIE | kFswSF);
    if (x.cw & kFswIE) return true;
    x.sw |= kFswES | kFswB;
    return false;
}
// Stack overflow on a push into a non-empty register: IE, SF and C1 set. Masked: the indefinite
// value is pushed. Returns true when the push happened.
inline bool push_raw(X87State& x, const F80& v) {
    unsigned p = (x.top - 1) & 7;
    if (__builtin_expect((x.valid >> p) & 1, 0)) {
        x.sw |= kFswIE | kFswSF | kFswC1;
        if (!(x.cw & kFswIE)) { x.sw |= kFswES | kFswB; return false; }
        x.top = uint8_t(p);
        x.r[p] = indefinite();
        return true;
    }
    x.top = uint8_t(p);
    x.r[p] = v;
    x.valid |= uint8_t(1u << p);
    return true;
}
inline bool push(X87State& x, f80 v) {
    unsigned p = (x.top - 1) & 7;
    if (__builtin_expect((x.valid >> p) & 1, 0)) return push_raw(x, F80{});   // overflow path
    x.top = uint8_t(p);
    *reinterpret_cast<f80_in_memory*>(&x.r[p]) = v;
    x.valid |= uint8_t(1u << p);
    return true;
}
// True when a push would overflow with IE unmasked (the instruction must then do nothing at all).
inline bool push_blocked(const X87State& x) {
    return ((x.valid >> ((x.top - 1) & 7)) & 1) && !(x.cw & kFswIE);
}

// The control words a host operation runs under: exactly the guest's, or with the pre-computation
// exceptions masked for host instructions that push or pop.
inline uint16_t cw_exact(const X87State& x) { return x.cw; }
inline uint16_t cw_premasked(const X87State& x) { return x.cw | kPreMask; }

// ---- host primitives --------------------------------------------------------------------------
// Each runs one instruction under control word `cw` and returns the host status word in `sw`.
//
// Fast path, when `cw` is the host's own control word (the guest runs with the default 0x37f, or
// only masked exceptions and the same rounding/precision): no FLDCW and no FNCLEX, just the
// instruction and FNSTSW. The host's sticky exception flags then accumulate; that is harmless as
// long as they are a subset of the guest's (merging them again changes nothing, and with every
// exception masked the host never sets ES), which sync_host() guarantees before each instruction.
// Slow path, for any other control word: FNCLEX, the guest's control word, the instruction,
// FNSTSW, FNCLEX (so an unmasked exception never reaches a waiting host instruction), the host's
// control word.
#define GATE386_X87_RUN(body)                                                                       \
    "fnclex\n\tfldcw %[cw]\n\t" body "\n\tfnstsw %%ax\n\tfnclex\n\tfldcw %[hcw]"
#define GATE386_X87_FAST(body) body "\n\tfnstsw %%ax"
#define GATE386_X87_CW [cw] "m"(cw), [hcw] "m"(kHostCwVar)
#define GATE386_UNPAREN(...) __VA_ARGS__
// One instruction on either path. OUTS and INS are parenthesized operand lists; INS must not be
// empty (GATE386_X87_CW is appended).
#define GATE386_X87_EXEC(body, OUTS, INS, ...)                                                      \
    if (__builtin_expect(cw == kHostCw, 1)) {                                                       \
        asm volatile(GATE386_X87_FAST(body) : GATE386_UNPAREN OUTS                                  \
                     : GATE386_UNPAREN INS, GATE386_X87_CW __VA_OPT__(:) __VA_ARGS__);              \
        host_sw_fast(sw);                                                                           \
    } else {                                                                                        \
        asm volatile(GATE386_X87_RUN(body) : GATE386_UNPAREN OUTS                                   \
                     : GATE386_UNPAREN INS, GATE386_X87_CW __VA_OPT__(:) __VA_ARGS__);              \
        host_sw_slow(sw);                                                                           \
    }

inline const uint16_t kHostCwVar = kHostCw;

// ST(0) := op ST(0)  (FSQRT FCHS FABS FRNDINT FSIN FCOS F2XM1)
#define GATE386_X87_UNARY(name, insn)                                                               \
    static inline f80 name(f80 a, uint16_t cw, uint16_t& sw) {                                      \
        GATE386_X87_EXEC(insn, ("+t"(a), "=a"(sw)), ([dummy] "i"(0)))                               \
        return a;                                                                                   \
    }
// ST(0) := ST(0) op ST(1), ST(1) stays  (FADD FSUB ... FPREM FPREM1 FSCALE)
#define GATE386_X87_BINARY(name, insn)                                                              \
    static inline f80 name(f80 a, f80 b, uint16_t cw, uint16_t& sw) {                               \
        GATE386_X87_EXEC(insn, ("+t"(a), "=a"(sw)), ("u"(b)))                                       \
        return a;                                                                                   \
    }
// ST(1) := ST(1) op ST(0), pop  (FPATAN FYL2X FYL2XP1): run with kPreMask so the pop happens.
#define GATE386_X87_BINARY_POP(name, insn)                                                          \
    static inline f80 name(f80 st0, f80 st1, uint16_t cw, uint16_t& sw) {                           \
        f80 r;                                                                                      \
        GATE386_X87_EXEC(insn, ("=t"(r), "=a"(sw)), ("0"(st0), "u"(st1)), "st(1)")                  \
        return r;                                                                                   \
    }
// ST(0) := ST(0) op memory  (FADD m32 ... FIDIVR m16)
#define GATE386_X87_MEM(name, insn, T)                                                              \
    static inline f80 name(f80 a, T m, uint16_t cw, uint16_t& sw) {                                 \
        GATE386_X87_EXEC(insn " %[m]", ("+t"(a), "=a"(sw)), ([m] "m"(m)))                           \
        return a;                                                                                   \
    }
// Push from memory (FLD m32/m64, FILD, FBLD): run with kPreMask.
#define GATE386_X87_LOAD(name, insn, T)                                                             \
    static inline f80 name(const T& m, uint16_t cw, uint16_t& sw) {                                 \
        f80 r;                                                                                      \
        GATE386_X87_EXEC(insn " %[m]", ("=t"(r), "=a"(sw)), ([m] "m"(m)))                           \
        return r;                                                                                   \
    }
// Push a constant (FLD1 FLDPI ...): the rounding control applies to the inexact ones.
#define GATE386_X87_CONST(name, insn)                                                               \
    static inline f80 name(uint16_t cw, uint16_t& sw) {                                             \
        f80 r;                                                                                      \
        GATE386_X87_EXEC(insn, ("=t"(r), "=a"(sw)), ([dummy] "i"(0)))                               \
        return r;                                                                                   \
    }
// Store ST(0) to memory without popping (FST m32/m64, FIST m16/m32).
#define GATE386_X87_STORE(name, insn, T)                                                            \
    static inline void name(f80 a, T& m, uint16_t cw, uint16_t& sw) {                               \
        GATE386_X87_EXEC(insn " %[m]", ([m] "=m"(m), "=a"(sw)), ("t"(a)))                           \
    }
// Popping-only stores (FISTP m64, FISTTP, FBSTP) run on a copy of ST(0): with kPreMask.
#define GATE386_X87_STORE_POP(name, insn, T)                                                        \
    static inline void name(f80 a, T& m, uint16_t cw, uint16_t& sw) {                               \
        GATE386_X87_EXEC("fld %%st(0)\n\t" insn " %[m]", ([m] "=m"(m), "=a"(sw)), ("t"(a)))         \
    }
// Compare ST(0) with ST(1) or memory: the status word carries C0 C2 C3.
#define GATE386_X87_CMP(name, insn)                                                                 \
    static inline uint16_t name(f80 a, f80 b, uint16_t cw) {                                        \
        uint16_t sw;                                                                                \
        GATE386_X87_EXEC(insn, ("=a"(sw)), ("t"(a), "u"(b)))                                        \
        return sw;                                                                                  \
    }
#define GATE386_X87_CMP_MEM(name, insn, T)                                                          \
    static inline uint16_t name(f80 a, T m, uint16_t cw) {                                          \
        uint16_t sw;                                                                                \
        GATE386_X87_EXEC(insn " %[m]", ("=a"(sw)), ("t"(a), [m] "m"(m)))                            \
        return sw;                                                                                  \
    }

// Packed BCD operand of FBLD/FBSTP (SDM Vol.1 4.7).
struct Bcd80 {
    uint8_t b[10];
};

// FNINIT's effect on the state (x87_control.cpp).
void x87_reset_state(X87State& x);

// Decode-time helpers shared by the x87 selectors.
// The 11-bit FOP: low 3 bits of the D8..DF opcode byte, then the ModRM byte (SDM Vol.1 8.1.10).
uint16_t fop_of(const InsnDesc& d);
// ST index of an x87 register operand.
inline uint8_t st_index(const OperandDesc& o) { return o.reg; }
inline bool is_st(const OperandDesc& o) { return is_reg(o) && o.rclass == RegClass::X87; }
// The explicit ST(i) of a one-register instruction (FCOM, FUCOMP, FXCH, ...). Zydis lists it
// alone for some mnemonics and after an explicit ST(0) for others (FUCOMP: "st0, st1").
inline uint8_t st_operand(const InsnDesc& d, uint8_t dflt) {
    if (d.nops >= 2 && is_st(d.ops[1])) return st_index(d.ops[1]);
    if (d.nops >= 1 && is_st(d.ops[0])) return st_index(d.ops[0]);
    return dflt;
}
// Fills the common fields of an x87 record; returns false for shapes no x87 handler takes.
inline void fill_x87(const InsnDesc& d, Insn& rec) { rec.imm2 = fop_of(d); }

}  // namespace gate386::x87
