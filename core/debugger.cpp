// The debugger's execution control: loading, breakpoints, watchpoints and the debug-mode loop.
// State views (registers, memory, disassembly, stack) are in debugger_state.cpp, the gate pane's
// data in debugger_gate.cpp.
#include "core/debugger.h"

#include <cctype>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

#include "core/debugger_expr.h"
#include "core/exec.h"
#include "core/host_signals.h"
#include "core/process.h"
#include "core/vdso_mapping.h"
#include "core/block_lookup.h"
#include "cpu/threading.h"
#include "cpu/decoder.h"
#include "cpu/exceptions.h"
#include "cpu/insn.h"
#include "syscalls/gate_costs.h"
#include "syscalls/gates.h"
#include "syscalls/guest_signals.h"
#include "syscalls/strace.h"

namespace gate386 {

namespace {

// The strace printer's lines go to the debugger that is running (one per host process).
Debugger* g_log_owner = nullptr;
bool g_echo_strace = false;

bool strace_line(void*, const std::string& line) {
    if (g_log_owner) g_log_owner->add_log_line(line);
    return g_echo_strace;
}

constexpr size_t kLogLines = 4000;

}  // namespace

Debugger::Debugger() = default;

Debugger::~Debugger() {
    drop_step_blocks();
    if (g_log_owner == this) {
        g_log_owner = nullptr;
        strace_set_line_sink(nullptr, nullptr);
    }
}

bool Debugger::exited() const { return !m_proc || m_proc->exited; }

void Debugger::add_log_line(const std::string& line) {
    std::string l = line;
    while (!l.empty() && l.back() == '\n') l.pop_back();
    m_syscall_log.push_back(std::move(l));
    m_syscall_log_total++;
    while (m_syscall_log.size() > kLogLines) m_syscall_log.pop_front();
}

// --- loading ---------------------------------------------------------------------------------

bool Debugger::load(const Options& opts, const std::string& program, const std::vector<std::string>& argv,
                    const std::vector<std::string>& envp, std::string& err, ProcessSetup setup) {
    m_opts = opts;
    m_user_strace = opts.strace;
    // The syscall log is the strace printer's output, captured (and echoed only with --strace).
    m_opts.strace = true;
    m_program = program;
    m_argv = argv;
    m_envp = envp;
    m_setup = std::move(setup);
    return create_process(err);
}

bool Debugger::restart(std::string& err) {
    if (m_program.empty()) { err = "no program loaded"; return false; }
    return create_process(err);
}

bool Debugger::create_process(std::string& err) {
    drop_step_blocks();
    m_kinds.clear();
    m_proc.reset();
    m_symbols.clear();
    m_run = RunState{};
    m_last_gate = GateCall{};
    m_syscall_log.clear();
    m_syscall_log_total = 0;
    auto proc = std::make_unique<Process>(m_opts);
    if (m_setup && !m_setup(*proc)) { err = "cannot set up the CPU model"; return false; }
    if (!exec_program(*proc, m_program, m_argv, m_envp, err)) return false;
    m_proc = std::move(proc);
    m_host_pid = getpid();
    install_host_signal_handlers(*m_proc);
    g_log_owner = this;
    g_echo_strace = m_user_strace;
    strace_set_line_sink(strace_line, nullptr);
    after_load();
    return true;
}

void Debugger::after_load() {
    Process& p = *m_proc;
    m_auxv.assign(p.auxv_len, 0);
    if (p.auxv_len) read_memory(p.auxv_addr, p.auxv_len, m_auxv.data());
    m_symbols.clear();
    refresh_symbols();
    for (Watchpoint& w : m_watches) {
        w.value.assign(w.len, 0);
        w.readable = read_memory(w.address, w.len, w.value.data()) == w.len;
    }
    m_prev_regs = registers();
    StopInfo s;
    s.reason = StopReason::Loaded;
    s.eip = p.cpu.m_eip;
    m_last_stop = s;
    m_generation++;
}

SymbolTable& Debugger::symbols() {
    if (m_proc) refresh_symbols();
    return m_symbols;
}

void Debugger::refresh_symbols() {
    if (!m_symbols.refresh(*m_proc)) return;
    resolve_breakpoints();
    rebuild_unwinder();
}

void Debugger::rebuild_unwinder() {
    m_unwinder.clear();
    for (const SymbolModule& m : m_symbols.modules()) {
        if (m.path == "[vdso]") {
            // linux-gate.so.1 exists only in memory; it is linked at its address (bias 0).
            std::vector<uint8_t> img(m.end - m.start);
            if (read_memory(m.start, static_cast<uint32_t>(img.size()), img.data()) == img.size())
                m_unwinder.add_memory_image(img, 0, m.start, m.end);
        } else {
            m_unwinder.add_file(m.path, m.bias, m.start, m.end);
        }
    }
}

// --- breakpoints -----------------------------------------------------------------------------

bool Debugger::resolve(const std::string& text, uint32_t& addr, std::string& err) {
    std::string t = text;
    while (!t.empty() && t.front() == ' ') t.erase(t.begin());
    while (!t.empty() && t.back() == ' ') t.pop_back();
    if (!t.empty() && t[0] == '*') t.erase(t.begin());   // gdb's "break *ADDR"
    int64_t v = 0;
    if (!evaluate(t, v, err)) return false;
    addr = static_cast<uint32_t>(v);
    return true;
}

bool Debugger::evaluate(const std::string& expr, int64_t& value, std::string& err) {
    if (!m_proc) { err = "no process"; return false; }
    RegisterSnapshot regs = registers();
    ExprContext ctx;
    ctx.reg = [&](const std::string& n, uint32_t& v) { return register_value(regs, n, v); };
    ctx.read = [&](uint32_t a, void* out, uint32_t len) {
        return read_memory(a, len, static_cast<uint8_t*>(out)) == len;
    };
    ctx.symbol = [&](const std::string& n, uint32_t& v) { return m_symbols.lookup(n, v); };
    refresh_symbols();
    return evaluate_expression(expr, ctx, value, err);
}

void Debugger::resolve_breakpoints() {
    for (Breakpoint& b : m_bps) {
        if (!b.symbolic) continue;
        uint32_t a;
        std::string e;
        int64_t v;
        ExprContext ctx;
        ctx.symbol = [&](const std::string& n, uint32_t& out) { return m_symbols.lookup(n, out); };
        if (evaluate_expression(b.location, ctx, v, e)) {
            a = static_cast<uint32_t>(v);
            b.address = a;
            b.resolved = true;
        }
    }
    m_bp_addrs.clear();
    for (const Breakpoint& b : m_bps)
        if (b.enabled && b.resolved) m_bp_addrs[b.address]++;
}

int Debugger::add_breakpoint(const std::string& location, const std::string& condition, std::string& err,
                             bool temporary) {
    Breakpoint b;
    b.location = location;
    b.condition = condition;
    b.temporary = temporary;
    std::string loc = location;
    if (!loc.empty() && loc[0] == '*') loc.erase(loc.begin());
    // A location without registers or memory is re-resolved whenever libraries come and go.
    bool has_name = false;
    for (char c : loc) has_name |= std::isalpha(static_cast<unsigned char>(c)) || c == '_';
    bool numeric = loc.rfind("0x", 0) == 0 || loc.rfind("0X", 0) == 0;
    b.symbolic = has_name && !numeric && loc.find('$') == std::string::npos && loc.find('*') == std::string::npos;
    if (b.symbolic) b.location = loc;
    uint32_t addr = 0;
    if (m_proc) refresh_symbols();
    if (resolve(loc, addr, err)) {
        b.address = addr;
        b.resolved = true;
    } else if (!b.symbolic) {
        return 0;
    }
    err.clear();
    if (!condition.empty() && m_proc) {
        // Check the syntax now (values may legitimately be unreadable until it is hit).
        int64_t v;
        std::string e;
        if (!evaluate(condition, v, e) && e.find("cannot access") == std::string::npos &&
            e.find("no symbol") == std::string::npos) {
            err = e;
            return 0;
        }
    }
    b.id = m_next_id++;
    m_bps.push_back(b);
    resolve_breakpoints();
    return b.id;
}

bool Debugger::remove_breakpoint(int id) {
    for (size_t k = 0; k < m_bps.size(); k++) {
        if (m_bps[k].id != id) continue;
        m_bps.erase(m_bps.begin() + static_cast<long>(k));
        resolve_breakpoints();
        return true;
    }
    return false;
}

void Debugger::toggle_breakpoint(uint32_t addr) {
    bool removed = false;
    for (size_t k = m_bps.size(); k-- > 0;) {
        if (m_bps[k].resolved && m_bps[k].address == addr) {
            m_bps.erase(m_bps.begin() + static_cast<long>(k));
            removed = true;
        }
    }
    if (removed) { resolve_breakpoints(); return; }
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", addr);
    std::string err;
    add_breakpoint(buf, "", err);
}

bool Debugger::has_breakpoint(uint32_t addr) const { return m_bp_addrs.count(addr) != 0; }

int Debugger::add_watchpoint(uint32_t addr, uint32_t len, std::string& err) {
    if (len == 0 || len > 64) { err = "a watchpoint covers 1 to 64 bytes"; return 0; }
    Watchpoint w;
    w.id = m_next_id++;
    w.address = addr;
    w.len = len;
    w.value.assign(len, 0);
    w.readable = m_proc && read_memory(addr, len, w.value.data()) == len;
    m_watches.push_back(w);
    return w.id;
}

bool Debugger::remove_watchpoint(int id) {
    for (size_t k = 0; k < m_watches.size(); k++) {
        if (m_watches[k].id != id) continue;
        m_watches.erase(m_watches.begin() + static_cast<long>(k));
        return true;
    }
    return false;
}

bool Debugger::range_has_stop(uint32_t from, uint32_t to) const {
    auto it = m_bp_addrs.lower_bound(from);
    if (it != m_bp_addrs.end() && it->first < to) return true;
    if ((m_run.mode == Mode::RunTo || m_run.mode == Mode::Next) && m_run.target >= from && m_run.target < to)
        return true;
    return false;
}

bool Debugger::check_breakpoint(uint32_t eip, StopInfo& s) {
    if (!m_bp_addrs.count(eip)) return false;
    for (size_t k = 0; k < m_bps.size(); k++) {
        Breakpoint& b = m_bps[k];
        if (!b.enabled || !b.resolved || b.address != eip) continue;
        if (!b.condition.empty()) {
            int64_t v = 0;
            std::string e;
            // An unreadable operand or a bad expression stops, as gdb does, so it can be fixed.
            if (evaluate(b.condition, v, e) && v == 0) continue;
        }
        b.hits++;
        s.reason = StopReason::Breakpoint;
        s.id = b.id;
        s.eip = eip;
        if (b.temporary) {
            s.reason = StopReason::Step;
            m_bps.erase(m_bps.begin() + static_cast<long>(k));
            resolve_breakpoints();
        }
        return true;
    }
    return false;
}

bool Debugger::check_watchpoints(StopInfo& s) {
    for (Watchpoint& w : m_watches) {
        uint8_t now[64];
        bool readable = read_memory(w.address, w.len, now) == w.len;
        if (readable == w.readable && (!readable || std::memcmp(now, w.value.data(), w.len) == 0)) continue;
        uint64_t oldv = 0, newv = 0;
        std::memcpy(&oldv, w.value.data(), std::min<uint32_t>(w.len, 8));
        std::memcpy(&newv, now, std::min<uint32_t>(w.len, 8));
        std::memcpy(w.value.data(), now, w.len);
        w.readable = readable;
        w.hits++;
        s.reason = StopReason::Watchpoint;
        s.id = w.id;
        s.watch_addr = w.address;
        s.watch_len = w.len;
        s.old_value = oldv;
        s.new_value = newv;
        return true;
    }
    return false;
}

// --- running ---------------------------------------------------------------------------------

void Debugger::start(Mode mode, uint64_t arg) {
    m_run = RunState{};
    if (!m_proc || m_proc->exited) {
        m_run.active = false;
        return;
    }
    m_pause.store(false, std::memory_order_relaxed);
    m_prev_regs = registers();
    m_run.active = true;
    m_run.mode = mode;
    Cpu& c = m_proc->cpu;
    switch (mode) {
    case Mode::Step: m_run.remaining = arg ? arg : 1; break;
    case Mode::Next: {
        uint8_t len = 0;
        if (classify(c.m_eip, &len) == InsnKind::Call) {
            // Over the call: until the instruction after it, with the stack back where it is.
            m_run.target = c.m_eip + len;
            m_run.target_esp = c.m_regs[kEsp];
            m_run.check_esp = true;
        } else {
            m_run.mode = Mode::Step;
            m_run.remaining = 1;
        }
        break;
    }
    case Mode::RunTo: m_run.target = static_cast<uint32_t>(arg); break;
    case Mode::Finish: m_run.depth = 0; break;
    case Mode::Continue: break;
    }
}

StopInfo Debugger::finish_run(StopInfo s) {
    m_run.active = false;
    if (m_proc) {
        s.eip = m_proc->cpu.m_eip;
        if (m_proc->exited) {
            s.reason = StopReason::Exited;
            s.exit_code = m_proc->exit_code;
            s.exit_signal = m_proc->exit_signal;
        }
        refresh_symbols();
    }
    m_last_stop = s;
    m_generation++;
    return s;
}

StopInfo Debugger::poll(uint64_t budget) {
    if (!m_run.active) return m_last_stop;
    Process& p = *m_proc;
    Cpu& c = p.cpu;
    uint64_t done = 0;
    while (done < budget) {
        StopInfo s;
        if (p.exited) return finish_run(s);
        if (m_pause.exchange(false, std::memory_order_relaxed)) {
            s.reason = StopReason::Paused;
            return finish_run(s);
        }
        uint32_t eip = c.m_eip;
        if (!m_run.first) {
            if (check_breakpoint(eip, s)) return finish_run(s);
            if (m_run.mode == Mode::RunTo && eip == m_run.target) { s.reason = StopReason::Step; return finish_run(s); }
            if (m_run.mode == Mode::Next && eip == m_run.target && c.m_regs[kEsp] >= m_run.target_esp) {
                s.reason = StopReason::Step;
                return finish_run(s);
            }
        }
        // One instruction at a time when something may stop inside the block (execute decides
        // that once the block is decoded); the whole block of the shared cache otherwise.
        bool single = m_run.mode == Mode::Step || !m_watches.empty();
        execute(single);
        m_run.first = false;
        done += m_exec.insns ? m_exec.insns : 1;
        if (m_exec.gate && getpid() != m_host_pid) {
            // The guest forked and this is the child: it runs on, undebugged, to its end.
            std::fflush(stdout);
            _exit(run_process(p));
        }
        InsnKind last_kind = m_exec.last_kind;
        if (m_exec.gate) refresh_symbols();
        if (p.exited) return finish_run(s);
        if (m_exec.faulted) {
            s.reason = StopReason::Signal;
            s.signo = m_exec.fault.signo;
            return finish_run(s);
        }
        if (!m_watches.empty() && check_watchpoints(s)) return finish_run(s);
        switch (m_run.mode) {
        case Mode::Step:
            if (--m_run.remaining == 0) { s.reason = StopReason::Step; return finish_run(s); }
            break;
        case Mode::Finish:
            if (last_kind == InsnKind::Call) {
                m_run.depth++;
            } else if (last_kind == InsnKind::Ret) {
                if (m_run.depth == 0) { s.reason = StopReason::Step; return finish_run(s); }
                m_run.depth--;
            }
            break;
        default: break;
        }
    }
    return StopInfo{};
}

StopInfo Debugger::run_sync(Mode mode, uint64_t arg) {
    start(mode, arg);
    if (!m_run.active) {
        StopInfo s;
        s.reason = StopReason::Exited;
        if (m_proc) { s.exit_code = m_proc->exit_code; s.exit_signal = m_proc->exit_signal; }
        return s;
    }
    for (;;) {
        StopInfo s = poll(1u << 20);
        if (s.reason != StopReason::None) return s;
    }
}

StopInfo Debugger::stepi(uint64_t n) { return run_sync(Mode::Step, n); }
StopInfo Debugger::next() { return run_sync(Mode::Next, 0); }
StopInfo Debugger::finish() { return run_sync(Mode::Finish, 0); }
StopInfo Debugger::cont() { return run_sync(Mode::Continue, 0); }
StopInfo Debugger::run_to(uint32_t addr) { return run_sync(Mode::RunTo, addr); }

// --- the debug-mode loop body ----------------------------------------------------------------

void Debugger::flush_dirty_code() { gate386::flush_dirty_code(*m_proc); }

void Debugger::drop_step_blocks() {
    for (auto& [eip, b] : m_step_blocks) free_block(b);
    m_step_blocks.clear();
    m_kinds.clear();
}

DecodedBlock* Debugger::cached_block(uint32_t eip) {
    flush_dirty_code();
    return block_at(*m_proc, eip);
}

// A block of exactly one guest instruction. It comes from the shared cache's block (whose
// insertion write-protects its pages, so self-modifying code is caught as in a plain run): every
// record of that block becomes a one-instruction block at once — the record, then a fall-through
// record unless it sets EIP itself — so stepping through straight-line code decodes it once.
// Kept until the shared cache's epoch moves.
DecodedBlock* Debugger::step_block(uint32_t eip) {
    Process& p = *m_proc;
    flush_dirty_code();
    if (m_step_epoch != p.cache.epoch()) {
        drop_step_blocks();
        m_step_epoch = p.cache.epoch();
    }
    auto it = m_step_blocks.find(eip);
    if (it != m_step_blocks.end()) return it->second;
    DecodedBlock* full = cached_block(eip);
    if (m_step_epoch != p.cache.epoch()) {   // decoding may have flushed other pages
        drop_step_blocks();
        m_step_epoch = p.cache.epoch();
    }
    bool ends_itself = full->count == full->guest_insns;   // no trailing fall-through record
    for (uint32_t k = 0; k < full->guest_insns; k++) {
        const Insn& rec = full->insns[k];
        if (m_step_blocks.count(rec.eip)) continue;
        bool last_sets_eip = ends_itself && k + 1 == full->guest_insns;
        uint32_t count = last_sets_eip ? 1 : 2;
        auto* b = static_cast<DecodedBlock*>(std::calloc(1, sizeof(DecodedBlock) + (count - 1) * sizeof(Insn)));
        b->entry = rec.eip;
        b->end = rec.eip + rec.len;
        b->count = count;
        b->guest_insns = 1;
        b->epoch = full->epoch;
        b->cost_sink = full->cost_sink;
        b->user_cost = full->user_cost / full->guest_insns;   // the block's price, shared evenly
        b->insns[0] = rec;
        b->insns[0].fn = unthreaded(rec.fn);   // one record: no chain into the next
        if (count == 2) {
            Insn cont{};
            cont.fn = insn_continue_at;
            cont.eip = b->end;
            cont.imm = b->end;
            cont.base = cont.index = kZeroReg;
            b->insns[1] = cont;
        }
        m_step_blocks.emplace(rec.eip, b);
    }
    return m_step_blocks.at(eip);
}

// One block, then the kernel side of the event it raised — the body of run_process (run_loop.cpp)
// for one iteration, with its own landing pad for faults.
void Debugger::execute(bool single) {
    Process& p = *m_proc;
    Cpu& c = p.cpu;
    m_exec = ExecState{};
    if (sigsetjmp(c.m_fault_jmp, 0)) {
        retire_to_faulting_record(c);
        m_exec.faulted = true;
        m_exec.fault = c.m_fault;
        deliver_fault(p, c.m_fault);
        return;
    }
    uint32_t eip = c.m_eip;
    DecodedBlock* b = cached_block(eip);
    if (single || range_has_stop(eip + 1, b->end)) b = step_block(eip);
    // finish counts calls and returns: a block ends with its only call or return.
    if (m_run.mode == Mode::Finish) m_exec.last_kind = classify(b->insns[b->guest_insns - 1].eip);
    c.m_block = b;
    c.m_chain_hops = 0;   // one block at a time: a block's exit must not enter the next (threading.h)
    c.m_icount += b->guest_insns;
    *b->cost_sink += b->user_cost;
    p.stats.blocks_executed++;
    m_exec.insns = b->guest_insns;
    const Insn* i = b->insns;
    const Insn* end = i + b->count;
    do {   // a threaded record runs on through its successors (cpu/threading.h)
        c.m_cur = i;
        i->fn(c, *i);
        i = c.m_cur + 1;
    } while (i != end);
    CpuEvent ev = c.m_event;
    c.m_event = CpuEvent::None;
    c.m_cur = nullptr;
    c.m_block = nullptr;
    if (ev == CpuEvent::Int80 || ev == CpuEvent::Sysenter) {
        m_exec.gate = true;
        before_gate(ev == CpuEvent::Sysenter);
        if (ev == CpuEvent::Int80) gate_int80(p);
        else gate_sysenter(p);
        after_gate();
    }
    if (ev == CpuEvent::None) return;
    if (p.exited) return;
    refresh_vvar_if_due(p);
    deliver_pending_signals(p);
    if (m_exec.gate) after_signals();
}

}  // namespace gate386
