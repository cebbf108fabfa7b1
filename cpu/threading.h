// Threaded dispatch (ARCHITECTURE.md, hot path 1): inside a block, a record that is not the last
// one does not return to the run loop; its handler ends by jumping straight to the next record's
// handler. The loop's call, return and loop test per instruction go away, and each handler's own
// indirect jump learns its usual successor, which predicts far better than the loop's single
// indirect call site.
//
// A family registers the threaded form of a handler with register_threaded_handlers<...>(); the
// decoder swaps it in for every record but a block's last (that one returns to the loop). A chain
// stops at the first record without a threaded form, and the run loop goes on after the record
// Cpu::m_cur names, so any mix of threaded and plain records runs in order.
#pragma once
#include <cstddef>
#include "cpu/insn.h"

namespace gate386 {

// H, then the next record of the block as a sibling call: GCC turns the call in tail position
// into an indirect jump (-foptimize-sibling-calls, on at -O2). Where it does not (-O0), the chain
// nests at most one frame per record of the block, which is bounded by the block length.
template <Handler H> void threaded(Cpu& c, const Insn& i) {
    H(c, i);
    const Insn* n = &i + 1;
    c.m_cur = n;
    n->fn(c, *n);
}

void register_threaded(Handler plain, Handler threaded_form);
template <Handler... Hs> void register_threaded_handlers() { (register_threaded(Hs, threaded<Hs>), ...); }

// Gives every record but the last its threaded form, where one exists.
void thread_records(Insn* records, size_t count);

// The plain handler of a record, threaded or not: what runs one record on its own (single step).
Handler unthreaded(Handler fn);

}  // namespace gate386
