// The debugger core: a UI-free API over one emulated Process, driven by the debug window, the
// --debug-script interpreter and the gdb remote stub alike (ARCHITECTURE.md: no UI code below
// frontend/).
//
// Execution in debug mode never touches the plain run loop (core/run_loop.cpp): the debugger has
// its own small loop that runs either a whole block of the shared block cache (when nothing can
// stop inside it) or a one-instruction block derived from it, kept in a separate step cache. A
// step over `int $0x80` or `sysenter` runs the kernel side (gate_int80 / gate_sysenter), then the
// vvar refresh and signal delivery, exactly as run_process does after an event. Watchpoints are
// checked by single-stepping (only in debug mode), comparing the watched bytes after every
// instruction and after every system call.
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/options.h"
#include "core/debugger_unwind.h"
#include "core/symbols.h"
#include "cpu/cpu_state.h"

namespace gate386 {

struct Process;
struct DecodedBlock;

enum class StopReason : uint8_t {
    None,         // still running: a poll() slice ended
    Loaded,       // at the program's first instruction
    Step,         // stepi / next / finish / run-to completed
    Breakpoint,
    Watchpoint,
    Signal,       // a fault was raised by the instruction (and delivered to the guest)
    Paused,       // request_pause()
    Exited,
};

struct StopInfo {
    StopReason reason = StopReason::None;
    uint32_t eip = 0;
    int id = 0;                       // breakpoint or watchpoint number
    int signo = 0;                    // Signal
    int exit_code = 0, exit_signal = 0;   // Exited
    uint32_t watch_addr = 0, watch_len = 0;
    uint64_t old_value = 0, new_value = 0;   // Watchpoint: the first 8 watched bytes, little-endian
};

struct Breakpoint {
    int id = 0;
    std::string location;        // as given: "__kernel_vsyscall", "main+4", "0x8049000"
    uint32_t address = 0;
    bool resolved = false;       // false: a symbol not loaded yet (pending, resolved on load)
    bool symbolic = false;       // re-resolved whenever the symbol tables change
    std::string condition;       // "" or an expression (debugger_expr.h)
    bool enabled = true;
    bool temporary = false;      // deleted when hit (run-to)
    uint64_t hits = 0;
};

struct Watchpoint {
    int id = 0;
    uint32_t address = 0, len = 0;
    std::vector<uint8_t> value;  // last seen bytes
    bool readable = false;
    uint64_t hits = 0;
};

struct RegisterSnapshot {
    uint32_t gpr[8] = {};        // eax ecx edx ebx esp ebp esi edi
    uint32_t eip = 0;
    uint32_t eflags = 0;
    uint16_t sel[6] = {};        // es cs ss ds fs gs
    uint32_t fs_base = 0, gs_base = 0;
    X87State x87;
    SseState sse;
    uint64_t icount = 0;         // instructions retired
};

// Register names the debugger understands: eax..edi, eip, eflags, the segment selectors,
// fs_base/gs_base, gdb's $pc/$sp/$fp aliases and the 16- and 8-bit parts (ax, al, ah, ...).
bool register_value(const RegisterSnapshot& r, const std::string& name, uint32_t& value);
// "[ CF PF ZF IF ]" as gdb prints EFLAGS.
std::string eflags_string(uint32_t eflags);
extern const char* const kGprNames[8];
extern const char* const kSegNames[6];

struct DisasmLine {
    uint32_t address = 0;
    uint8_t len = 0;             // 0: unreadable or not an instruction
    uint8_t bytes[15] = {};
    std::string text;            // Zydis-formatted, AT&T or Intel
    std::string label;           // the symbol starting here, or ""
    std::string location;        // "name+0x3" (or "")
    std::string comment;         // a branch target's symbol, "SYSENTER_RETURN", ...
    bool is_eip = false;
    bool breakpoint = false;
};

struct StackEntry {
    uint32_t address = 0;
    uint32_t value = 0;
    bool readable = false;
    bool return_address = false; // the word follows a call instruction in executable memory
    std::string annotation;      // "return to main+0x1c", "__kernel_vsyscall", "<- esp", ...
};

struct Frame {
    uint32_t pc = 0, sp = 0;
    std::string function;        // gdb style: "write" or "" when unknown
    std::string how;             // "vDSO CFI", "entry", "frame pointer", "stack scan"
};

// One crossing of a kernel gate, as the gate pane shows it.
struct GateCall {
    bool valid = false;
    bool sysenter = false;       // false: int $0x80
    uint32_t insn_eip = 0;       // the gate instruction
    bool via_vdso = false;
    uint32_t nr = 0;
    std::string name;            // "write"
    uint32_t args[6] = {};
    std::string arg6_source;     // "ebp" or "[ebp]=0x..." (sysenter: the kernel's load)
    std::string decoded;         // write(1, "hi\n", 3)
    // After the kernel side ran:
    bool returned = false;
    bool exited = false;         // the call ended the process
    bool regs_replaced = false;  // execve / sigreturn: no result is written back
    int32_t result = 0;
    uint32_t return_eip = 0;
    uint32_t edx_after = 0, ecx_after = 0, esp_after = 0;
    std::string exit_path;       // "SYSEXIT to SYSENTER_RETURN 0xffffe410" / "IRET to 0x..."
    bool have_cost = false;      // a cost model is built in
    uint64_t cost_mcycles = 0;   // gate + kernel, milli-cycles
    uint64_t gate_mcycles = 0, kernel_mcycles = 0;
    std::string cost_note;       // "<sysenter 641 cycles, 0.32 µs @ 2000 MHz>"
    uint64_t icount = 0;         // instructions retired when it returned
};

struct GateView {
    uint32_t eip = 0;
    bool in_vdso = false;
    std::string where;           // "__kernel_vsyscall+0x5"
    std::string variant;         // "sysenter (2.6.12 layout)" / "int $0x80"
    uint32_t vdso_base = 0, at_sysinfo = 0, at_sysinfo_ehdr = 0, sysenter_return = 0;
    std::string cpu_model;
    std::string step_note;       // what the instruction at EIP does to the call
    GateCall pending;            // the call about to be made (valid when one is on its way)
    GateCall last;               // the last gate crossed
};

// How a process is set up before exec (the frontend applies --cpu through it).
using ProcessSetup = std::function<bool(Process&)>;

class Debugger {
public:
    Debugger();
    ~Debugger();
    Debugger(const Debugger&) = delete;
    Debugger& operator=(const Debugger&) = delete;

    // Loads PROGRAM into a fresh process, stopped at its first instruction.
    bool load(const Options& opts, const std::string& program, const std::vector<std::string>& argv,
              const std::vector<std::string>& envp, std::string& err, ProcessSetup setup = {});
    // Re-executes the program with the same arguments; breakpoints and watchpoints stay.
    bool restart(std::string& err);
    bool loaded() const { return m_proc != nullptr; }
    bool exited() const;
    Process* process() { return m_proc.get(); }
    const Process* process() const { return m_proc.get(); }
    const std::string& program() const { return m_program; }
    int host_pid() const { return m_host_pid; }

    // --- breakpoints and watchpoints ---
    // location: a symbol ("write", "__kernel_vsyscall+0x3"), an address ("0xffffe400", "*0x...")
    // or an expression. A symbol not loaded yet makes a pending breakpoint. Returns the number.
    int add_breakpoint(const std::string& location, const std::string& condition, std::string& err,
                       bool temporary = false);
    bool remove_breakpoint(int id);
    // F9 in the window: removes the breakpoints at addr, or adds one.
    void toggle_breakpoint(uint32_t addr);
    bool has_breakpoint(uint32_t addr) const;
    const std::vector<Breakpoint>& breakpoints() const { return m_bps; }
    int add_watchpoint(uint32_t addr, uint32_t len, std::string& err);
    bool remove_watchpoint(int id);
    const std::vector<Watchpoint>& watchpoints() const { return m_watches; }

    // --- execution, synchronous (scripts, tests) ---
    StopInfo stepi(uint64_t n = 1);
    StopInfo next();             // nexti: steps over a call
    StopInfo finish();           // runs until the current function returns
    StopInfo cont();
    StopInfo run_to(uint32_t addr);

    // --- execution in slices (the window, the gdb stub) ---
    enum class Mode : uint8_t { Step, Next, Finish, Continue, RunTo };
    void start(Mode mode, uint64_t arg = 1);
    // Runs up to about `budget` instructions; returns the stop, or reason None while running.
    StopInfo poll(uint64_t budget);
    bool running() const { return m_run.active; }
    void request_pause() { m_pause.store(true, std::memory_order_relaxed); }
    const StopInfo& last_stop() const { return m_last_stop; }
    uint64_t stop_generation() const { return m_generation; }   // bumps at every stop

    // --- state ---
    RegisterSnapshot registers() const;
    const RegisterSnapshot& previous_registers() const { return m_prev_regs; }   // at the last start()
    bool set_register(const std::string& name, uint32_t value);
    // Reads what is readable; `ok[k]` tells which bytes were (pages the guest may not read are not).
    size_t read_memory(uint32_t addr, uint32_t len, uint8_t* out, bool* ok = nullptr) const;
    // Writes like ptrace POKE: read-only code is written too, and its decoded blocks dropped.
    bool write_memory(uint32_t addr, const uint8_t* in, uint32_t len);
    std::vector<DisasmLine> disassemble(uint32_t addr, unsigned count, bool att);
    // Lines around `eip`: `before` instructions ahead of it when they can be recovered.
    std::vector<DisasmLine> disassemble_around(uint32_t eip, unsigned before, unsigned after, bool att);
    std::vector<StackEntry> stack(unsigned words);
    std::vector<Frame> backtrace(unsigned max_frames = 32);
    std::string memory_map() const;               // /proc/self/maps as the guest sees it
    std::vector<std::pair<uint32_t, uint32_t>> auxv() const;   // from the initial stack, as exec wrote it
    const std::vector<uint8_t>& auxv_bytes() const { return m_auxv; }
    static const char* auxv_name(uint32_t type);
    GateView gate_view();
    const GateCall& last_gate() const { return m_last_gate; }
    const std::deque<std::string>& syscall_log() const { return m_syscall_log; }
    uint64_t syscall_log_total() const { return m_syscall_log_total; }

    SymbolTable& symbols();
    // A location or expression to an address: symbol[+off], number, $reg, expression.
    bool resolve(const std::string& text, uint32_t& addr, std::string& err);
    bool evaluate(const std::string& expr, int64_t& value, std::string& err);

    // The instruction at addr is a call (its length in `len`), a return, or a gate.
    enum class InsnKind : uint8_t { Other, Call, Ret, Gate, Invalid };
    InsnKind classify(uint32_t addr, uint8_t* len = nullptr);

    // Called from the strace printer hook (syscall log lines).
    void add_log_line(const std::string& line);

private:
    struct RunState {
        bool active = false;
        Mode mode = Mode::Continue;
        uint64_t remaining = 0;          // Step: instructions left
        uint32_t target = 0, target_esp = 0;
        int depth = 0;                   // Finish: calls entered minus returns
        bool first = true;               // the first instruction does not re-hit its breakpoint
        bool check_esp = false;
    };
    struct ExecState {
        bool faulted = false;
        CpuFault fault;
        bool gate = false;
        uint64_t insns = 0;
        InsnKind last_kind = InsnKind::Other;   // of the block's last instruction (finish)
    };

    bool create_process(std::string& err);
    void after_load();
    void refresh_symbols();
    void rebuild_unwinder();
    void resolve_breakpoints();
    StopInfo finish_run(StopInfo s);
    StopInfo run_sync(Mode mode, uint64_t arg);
    bool check_breakpoint(uint32_t eip, StopInfo& s);
    bool check_watchpoints(StopInfo& s);
    bool range_has_stop(uint32_t from, uint32_t to) const;
    // Runs one block: a one-instruction step block or the whole block of the shared cache.
    void execute(bool single);
    DecodedBlock* cached_block(uint32_t eip);
    DecodedBlock* step_block(uint32_t eip);
    void flush_dirty_code();
    void drop_step_blocks();
    void before_gate(bool sysenter);
    void after_gate();
    void after_signals();
    void fill_pending(GateCall& g, bool sysenter, uint32_t gate_eip, bool at_gate);

    Options m_opts;
    std::string m_program;
    std::vector<std::string> m_argv, m_envp;
    ProcessSetup m_setup;
    std::unique_ptr<Process> m_proc;
    int m_host_pid = 0;
    std::vector<uint8_t> m_auxv;
    bool m_user_strace = false;

    SymbolTable m_symbols;
    CfiUnwinder m_unwinder;
    std::vector<Breakpoint> m_bps;
    std::map<uint32_t, int> m_bp_addrs;          // enabled, resolved addresses → count
    std::vector<Watchpoint> m_watches;
    int m_next_id = 1;

    RunState m_run;
    ExecState m_exec;
    StopInfo m_last_stop;
    uint64_t m_generation = 0;
    std::atomic<bool> m_pause{false};
    RegisterSnapshot m_prev_regs;

    std::unordered_map<uint32_t, DecodedBlock*> m_step_blocks;
    uint32_t m_step_epoch = 0;
    std::unordered_map<uint32_t, std::pair<InsnKind, uint8_t>> m_kinds;

    GateCall m_last_gate;
    GateCall m_gate_in_flight;
    uint64_t m_gate_clock0 = 0, m_gate_mc0 = 0, m_kernel_mc0 = 0;
    std::deque<std::string> m_syscall_log;
    uint64_t m_syscall_log_total = 0;
};

}  // namespace gate386
