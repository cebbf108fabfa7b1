// Threaded dispatch (ARCHITECTURE.md, hot path 1): inside a block, a record that is not the last
// one does not return to the run loop; its handler ends by jumping straight to the next record's
// handler. The loop's call, return and loop test per instruction go away, and each handler's own
// indirect jump learns its usual successor, which predicts far better than the loop's single
// indirect call site.
//
// A family registers the threaded forms of a handler with register_threaded_handlers<...>(); the
// decoder swaps one in for every record but a block's last (that one returns to the loop). A chain
// stops at the first record without a threaded form, and the run loop goes on after the record
// Cpu::m_cur names, so any mix of threaded and plain records runs in order.
//
// Cpu::m_cur must name the running record whenever that record can fault (its EIP is the fault's)
// and whenever control goes back to the loop. A handler that touches only registers can do neither:
// families register those as `pure`, and the record before a pure one jumps on without storing
// m_cur (the quiet form), which saves a store on most records of register-heavy code.
#pragma once
#include <cstddef>
#include <cstdint>
#include "cpu/insn.h"

namespace gate386 {

// H, then the record Step records on (1: the next; 2: past the second record of a fused pair,
// below) as a sibling call: GCC turns the call in tail position into an indirect jump
// (-foptimize-sibling-calls, on at -O2). Where it does not (-O0), the chain nests at most one frame
// per record of the block, which is bounded by the block length. Named: the form that stores
// Cpu::m_cur; the quiet one may only run in front of a pure record that is not the block's last.
template <Handler H, unsigned Step, bool Named> void run_then_jump(Cpu& c, const Insn& i) {
    H(c, i);
    const Insn* n = &i + Step;
    if constexpr (Named) c.m_cur = n;
    n->fn(c, *n);
}

// Block chaining: the last record of a block that ends in a jump, call or return hands over to the
// next block itself when the run loop would only have looked up the same successor: the block's
// successor cache (DecodedBlock::succ, filled by the loop) knows the new EIP, the cache epoch is
// unchanged, no code page was written and nothing wants attention (the loop's between-block test,
// core/run_loop.cpp). It counts the block's instructions as the loop does. Anything else returns
// to the loop, as does every m_chain_hops-th block, which bounds the host stack where the compiler
// does not turn the calls into jumps.
inline const Insn* chained_successor(Cpu& c) {
    if (c.m_chain_hops == 0) return nullptr;
    if (*c.m_dirty_count | __atomic_load_n(&c.m_attention, __ATOMIC_RELAXED)) return nullptr;
    DecodedBlock* b = c.m_block;
    if (b->epoch != *c.m_code_epoch) return nullptr;
    uint32_t eip = c.m_eip;
    DecodedBlock* n = b->succ_eip[0] == eip ? b->succ[0] : b->succ_eip[1] == eip ? b->succ[1] : nullptr;
    if (!n) return nullptr;
    c.m_chain_hops--;
    c.m_block = n;
    c.m_icount += n->guest_insns;
    c.m_cur = n->insns;
    return n->insns;
}
// H (a jump, call or return that never raises a CpuEvent), then the next block when chained.
template <Handler H> void exits_block(Cpu& c, const Insn& i) {
    H(c, i);
    if (const Insn* first = chained_successor(c)) first->fn(c, *first);
}
void register_block_exit(Handler plain, Handler exit_form);
template <Handler... Hs> void register_block_exits() { (register_block_exit(Hs, exits_block<Hs>), ...); }

struct ThreadedForms {
    Handler named;   // stores Cpu::m_cur before the jump
    Handler quiet;   // does not
};
template <Handler H> constexpr ThreadedForms kThreadedForms{run_then_jump<H, 1, true>, run_then_jump<H, 1, false>};

void register_threaded(Handler plain, ThreadedForms forms, bool pure);
template <Handler... Hs> void register_threaded_handlers() { (register_threaded(Hs, kThreadedForms<Hs>, false), ...); }
// Handlers that read and write only registers and the lazy flags: they never fault.
template <Handler... Hs> void register_pure_handlers() { (register_threaded(Hs, kThreadedForms<Hs>, true), ...); }

// Fixed-register twins: the threaded forms of one handler instantiated for every combination of
// its 32-bit register operands, so that operand offsets are constants instead of record fields
// (cpu/fixed_regs.h). The table holds 64 entries indexed by slot(r1) * 8 + slot(r2) (TwoRegs) or
// slot(r1) * 8 + base (RegAndBase, a base+displacement memory form), or 8 indexed by slot(r1).
enum class FixedShape : uint8_t { TwoRegs, OneReg, RegAndBase };
void register_fixed_register_forms(Handler plain, FixedShape shape, const ThreadedForms* table);

// Fused pairs: two adjacent records that hot loops repeat (a register copy then a shift or
// rotate of the copy), run by one handler, which saves a dispatch. The pair's first record gets
// the fused form, whose handler jumps over the second record. That record stays in place, so
// record indices keep matching instruction indices (the retired count and fault EIPs,
// core/block_lookup.cpp), and a single step runs the first record's own handler alone. A fused
// handler that can fault in its second instruction names the second record (Cpu::m_cur) before it.
template <Handler H> constexpr ThreadedForms kPairForms{run_then_jump<H, 2, true>, run_then_jump<H, 2, false>};
// Whether the two records fuse (their registers fit one of the pair's patterns) and with which
// forms (null: they do not); when they do, copies what the fused handler needs from the second
// record into fields the first record's own handler ignores.
using PairFit = const ThreadedForms* (*)(Insn& first, const Insn& second);
// `forms`: the `count` fused forms `fit` can return.
void register_fused_pair(Handler first, Handler second, PairFit fit, const ThreadedForms* forms, size_t count);

// Gives every record but the last its threaded form, where one exists, and the last its block-exit
// form, where one exists.
void thread_records(Insn* records, size_t count);

// The plain handler of a record, threaded or not: what runs one record on its own (single step).
Handler unthreaded(Handler fn);

}  // namespace gate386
