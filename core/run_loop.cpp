// The run loop: find or decode the block at EIP, execute its records, follow chained successors,
// and hand gate and fault events to the kernel side (ARCHITECTURE.md, hot path 1 and 6).
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

#include "core/block_lookup.h"
#include "core/host_signals.h"
#include "core/process.h"
#include "core/vdso_mapping.h"
#include "cpu/decoder.h"
#include "cpu/flags.h"
#include "cpu/threading.h"
#include "syscalls/gate_costs.h"
#include "syscalls/gates.h"
#include "syscalls/guest_signals.h"

namespace gate386 {

Process::Process(const Options& o) : opts(o), identity(default_cpu_identity()) {
    cpu.m_mem = mem.base();
    cpu.m_process = this;
    cpu.m_model = &identity;
    install_cpu_model(*this, default_cpu_model());
}

// Runs blocks until one raises an event (a gate or nothing else: faults leave by longjmp). Kept
// out of run_process so that the sigsetjmp frame does not pin the hot loop's state to the stack.
// With Accounting, each block also adds its modelled cost and counts itself: only a run whose
// model clock or statistics someone can see pays for that (ARCHITECTURE.md, hot path 7).
// Without Accounting, a block's exit may also enter the next block itself (threading.h,
// exits_block): up to kChainHops blocks per trip through this loop; m_cur and m_block then say
// where the chain stopped.
constexpr uint32_t kChainHops = 64;

template <bool Accounting> void run_blocks_loop(Process& p, Cpu& c) {
    DecodedBlock* prev = nullptr;
    BlockCache& cache = p.cache;
    c.m_code_epoch = cache.epoch_address();
    c.m_dirty_count = &p.mem.m_dirty_count;
    for (;;) {
        // One test per block for all between-block work: code pages written (an overflow of the
        // dirty list implies a full count) and Cpu::m_attention (a signal for the guest, TF).
        if (p.mem.m_dirty_count | __atomic_load_n(&c.m_attention, __ATOMIC_RELAXED)) {
            if (__atomic_load_n(&c.m_attention, __ATOMIC_RELAXED)) return;   // run_process acts on it
            flush_dirty_code(p);
            prev = nullptr;
        }
        uint32_t eip = c.m_eip;
        DecodedBlock* b;
        // Chaining: the previous block remembers its last two successors for this cache epoch.
        if (prev && prev->epoch == cache.epoch() && prev->succ_eip[0] == eip && prev->succ[0]) {
            b = prev->succ[0];
        } else if (prev && prev->epoch == cache.epoch() && prev->succ_eip[1] == eip && prev->succ[1]) {
            b = prev->succ[1];
        } else {
            b = block_at(p, eip);
            if (prev) {
                if (prev->epoch != cache.epoch()) {
                    prev->succ[0] = prev->succ[1] = nullptr;
                    prev->epoch = cache.epoch();
                }
                int slot = prev->succ[0] ? 1 : 0;
                prev->succ_eip[slot] = eip;
                prev->succ[slot] = b;
            }
        }
        c.m_block = b;
        c.m_icount += b->guest_insns;
        if constexpr (Accounting) {
            *b->cost_sink += b->user_cost;   // modelled user cycles, priced at decode time
            p.stats.blocks_executed++;
        }
        if constexpr (!Accounting) c.m_chain_hops = kChainHops;
        const Insn* i = b->insns;
        do {   // a threaded record runs on through its successors (cpu/threading.h)
            c.m_cur = i;
            i->fn(c, *i);
            i = c.m_cur + 1;
        } while (i != c.m_block->insns + c.m_block->count);
        if (c.m_event != CpuEvent::None) return;
        prev = c.m_block;
    }
}

template <bool Accounting> [[gnu::noinline]] void run_blocks(Process& p, Cpu& c) {
    run_blocks_loop<Accounting>(p, c);
    c.m_chain_hops = 0;   // only this loop chains: the debugger and single steps run block by block
}

// Who can see the modelled clock: --stats, --strace (its cost notes), --rdtsc=model, compare's
// recorder. A plain run cannot, so it runs without the accounting.
bool needs_accounting(const Process& p) {
    return p.opts.stats || p.opts.strace || p.identity.rdtsc_model || p.costs.recorder != nullptr;
}

void run_until_event(Process& p, Cpu& c) {
    if (needs_accounting(p)) run_blocks<true>(p, c);
    else run_blocks<false>(p, c);
}

// EFLAGS.TF: one instruction at a time, each followed by the single-step trap (SDM Vol.3A
// 17.3.1.4: after an instruction that began with TF set). A gate is not trapped itself: the
// kernel returns to user mode with TF still set and the next instruction traps.
void step_instruction(Process& p, Cpu& c) {
    if (p.mem.m_dirty_count | p.mem.m_dirty_overflow) flush_dirty_code(p);
    DecodedBlock* b = block_at(p, c.m_eip);
    const Insn& i = b->insns[0];
    uint64_t retired = c.m_icount;
    c.m_block = b;
    c.m_cur = &i;
    c.m_icount += b->guest_insns;   // as the block loop counts, so that a fault corrects it alike
    c.m_eip = i.eip + i.len;        // a branch overwrites it
    unthreaded(i.fn)(c, i);   // this record alone, not the chain after it
    c.m_icount = retired + 1;
    c.m_cur = nullptr;
    c.m_block = nullptr;
    if (c.m_event == CpuEvent::None) deliver_single_step(p);
}

int run_process(Process& p) {
    Cpu& c = p.cpu;
    install_host_signal_handlers(p);
    if (sigsetjmp(c.m_fault_jmp, 0)) {
        // A handler, the decoder or the host SIGSEGV handler raised a guest exception. Instructions
        // after the faulting one in its block did not retire.
        retire_to_faulting_record(c);
        deliver_fault(p, c.m_fault);
        if (p.exited) return finish_process(p);
    }
    for (;;) {
        if (__atomic_load_n(&c.m_attention, __ATOMIC_RELAXED) & kAttentionStep)
            __atomic_fetch_and(&c.m_attention, ~kAttentionStep, __ATOMIC_RELAXED);
        if (c.m_eflags_rest & kFlagTF) step_instruction(p, c);
        else run_until_event(p, c);
        CpuEvent ev = c.m_event;
        c.m_event = CpuEvent::None;
        c.m_cur = nullptr;
        c.m_block = nullptr;
        if (ev != CpuEvent::None && (__atomic_load_n(&c.m_attention, __ATOMIC_RELAXED) & kAttentionSignal)) {
            // A signal caught just before the gate: deliver it first, as if it had come before the
            // int $0x80 / sysenter instruction, which runs again after the handler. (A host call
            // entered after this point still has a short window before it blocks.)
            c.m_eip -= 2;
            c.m_icount--;
            ev = CpuEvent::None;
        }
        if (ev == CpuEvent::Int80) gate_int80(p);
        else if (ev == CpuEvent::Sysenter) gate_sysenter(p);
        if (p.exited) return finish_process(p);
        refresh_vvar_if_due(p);
        deliver_pending_signals(p);
        if (p.exited) return finish_process(p);
    }
}

}  // namespace gate386
