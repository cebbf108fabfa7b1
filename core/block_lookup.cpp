// Block lookup and fault bookkeeping shared by the run loop and the debugger (block_lookup.h).
#include "core/block_lookup.h"

#include "core/process.h"
#include "cpu/decoder.h"
#include "cpu/exceptions.h"

namespace gate386 {

void flush_dirty_code(Process& p) {
    GuestMemory& m = p.mem;
    if (!(m.m_dirty_count | m.m_dirty_overflow)) return;
    if (m.m_dirty_overflow) {
        p.cache.invalidate_all();
        m.m_dirty_overflow = false;
    } else {
        for (uint32_t k = 0; k < m.m_dirty_count; k++) p.cache.invalidate_page(m.m_dirty_pages[k]);
    }
    m.m_dirty_count = 0;
}

DecodedBlock* block_at(Process& p, uint32_t eip) {
    DecodedBlock* b = p.cache.find(eip);
    if (b) return b;
    DecodeFailure fail;
    b = decode_block(p.mem, eip, fail, &p.costs.decode);
    if (!b) {
        p.cpu.m_cur = nullptr;
        p.cpu.m_eip = eip;
        raise_fault(p.cpu, fail.signo, fail.si_code, fail.addr);
    }
    p.cache.insert(b);
    return b;
}

void retire_to_faulting_record(Cpu& c) {
    DecodedBlock* b = c.m_block;
    if (b && c.m_cur && c.m_cur >= b->insns && c.m_cur < b->insns + b->count)
        c.m_icount -= static_cast<uint64_t>(b->insns + b->guest_insns - c.m_cur);
    if (c.m_cur) c.m_eip = c.m_cur->eip;
    c.m_event = CpuEvent::None;
    c.m_block = nullptr;
}

}  // namespace gate386
