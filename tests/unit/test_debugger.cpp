// The debugger core (core/debugger.h): breakpoints, stepping through __kernel_vsyscall and its
// gate, next/finish, watchpoints, symbols, disassembly and state snapshots, on small i386
// programs compiled here (gcc -m32).
#include <doctest.h>
#include <elf.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "core/debugger.h"
#include "core/debugger_expr.h"
#include "core/process.h"
#include "core/symbols.h"

using namespace gate386;

namespace {

const char* kProgram = R"(
#include <unistd.h>
volatile int counter;
__attribute__((noinline)) int add(int a, int b) { counter += a; return a + b; }
__attribute__((noinline)) int twice(int x) { return add(x, x); }
int main(void) {
    int s = 0;
    for (int i = 0; i < 3; i++) s += twice(i);
    write(1, "hi\n", 3);
    return s == 6 ? 7 : 1;
}
)";

// Builds the test program once per run (static and dynamic); "" when no i386 compiler works.
std::string build(bool dynamic) {
    static std::string dir;
    if (dir.empty()) {
        char tmpl[] = "/tmp/gate386-dbgtest-XXXXXX";
        if (!mkdtemp(tmpl)) return {};
        dir = tmpl;
        std::ofstream(dir + "/prog.c") << kProgram;
    }
    std::string out = dir + (dynamic ? "/prog_dyn" : "/prog_static");
    if (access(out.c_str(), X_OK) == 0) return out;
    std::string cmd = "gcc -m32 -O1 -fno-pie -no-pie " + std::string(dynamic ? "" : "-static ") + "-o " + out + " " +
                      dir + "/prog.c 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) return {};
    return out;
}

struct Session {
    Debugger dbg;
    bool ok = false;
    explicit Session(bool dynamic, const char* gate = "auto") {
        std::string prog = build(dynamic);
        REQUIRE_MESSAGE(!prog.empty(), "gcc -m32 could not build the test program");
        Options o;
        o.gate = gate;
        std::string err;
        ok = dbg.load(o, prog, {prog}, {"PATH=/usr/bin:/bin"}, err);
        REQUIRE_MESSAGE(ok, err);
    }
    uint32_t reg(const char* n) {
        uint32_t v = 0;
        REQUIRE(register_value(dbg.registers(), n, v));
        return v;
    }
    uint32_t addr(const char* sym) {
        uint32_t a = 0;
        REQUIRE_MESSAGE(dbg.symbols().lookup(sym, a), sym);
        return a;
    }
    uint32_t word(uint32_t a) {
        uint32_t v = 0;
        REQUIRE(dbg.read_memory(a, 4, reinterpret_cast<uint8_t*>(&v)) == 4);
        return v;
    }
};

}  // namespace

TEST_CASE("debugger: expressions") {
    RegisterSnapshot r;
    r.gpr[kEax] = 20;
    r.gpr[kEcx] = 0;
    r.eip = 0xffffe400;
    uint8_t mem[8] = {0x78, 0x56, 0x34, 0x12, 0xff, 0, 0, 0};
    ExprContext ctx;
    ctx.reg = [&](const std::string& n, uint32_t& v) { return register_value(r, n, v); };
    ctx.read = [&](uint32_t a, void* out, uint32_t len) {
        if (a < 0x1000 || a + len > 0x1008) return false;
        std::memcpy(out, mem + (a - 0x1000), len);
        return true;
    };
    ctx.symbol = [](const std::string& n, uint32_t& v) {
        if (n != "buf") return false;
        v = 0x1000;
        return true;
    };
    auto eval = [&](const char* e) {
        int64_t v = -999;
        std::string err;
        CHECK_MESSAGE(evaluate_expression(e, ctx, v, err), e, ": ", err);
        return v;
    };
    CHECK(eval("$eax == 20") == 1);
    CHECK(eval("$ecx != 0") == 0);
    CHECK(eval("$eax == 20 && $ecx == 0") == 1);
    CHECK(eval("*(uint32*)0x1000 == 0x12345678") == 1);
    CHECK(eval("*(uint32_t *)buf") == 0x12345678);
    CHECK(eval("*(uint8*)(buf + 4)") == 0xff);
    CHECK(eval("*(int8*)(buf + 4)") == -1);
    CHECK(eval("*(uint16*)buf") == 0x5678);
    CHECK(eval("$eip - 0xffffe000") == 0x400);
    CHECK(eval("(1 + 2) * 3 << 1") == 18);
    CHECK(eval("$al") == 20);
    int64_t v;
    std::string err;
    CHECK_FALSE(evaluate_expression("*(uint32*)0x5000", ctx, v, err));
    CHECK(err.find("cannot access memory at address 0x5000") != std::string::npos);
    CHECK_FALSE(evaluate_expression("$nosuch == 1", ctx, v, err));
    CHECK_FALSE(evaluate_expression("1 +", ctx, v, err));
    CHECK_FALSE(evaluate_expression("nosym", ctx, v, err));
}

TEST_CASE("debugger: symbols of an ELF file and of the vDSO") {
    std::string prog = build(false);
    REQUIRE(!prog.empty());
    ElfSymbolFile f;
    std::string err;
    REQUIRE(read_elf_symbols_file(prog, f, err));
    CHECK_FALSE(f.is_dyn);
    bool have_main = false, have_add = false;
    for (const Symbol& s : f.symbols) {
        have_main |= s.name == "main" && s.type == STT_FUNC;
        have_add |= s.name == "add" && s.size > 0;
    }
    CHECK(have_main);
    CHECK(have_add);
    CHECK_FALSE(read_elf_symbols_file("/nonexistent", f, err));

    Session s(false);
    SymbolTable& t = s.dbg.symbols();
    uint32_t a = 0;
    REQUIRE(t.lookup("__kernel_vsyscall", a));
    CHECK(a == 0xffffe400);
    CHECK(t.describe(0xffffe403) == "__kernel_vsyscall+0x3");
    CHECK(t.describe_gdb(0xffffe403) == "__kernel_vsyscall+3");
    CHECK(t.describe(0xffffe420) == "__kernel_sigreturn");
    uint32_t add = s.addr("add");
    CHECK(t.describe(add + 1) == "add+0x1");
    CHECK(t.describe(0x1000) == "");
}

TEST_CASE("debugger: break at __kernel_vsyscall, step through sysenter and back (dynamic)") {
    Session s(true);
    Debugger& d = s.dbg;
    CHECK(d.last_stop().reason == StopReason::Loaded);
    std::string err;
    int bp = d.add_breakpoint("__kernel_vsyscall", "", err);
    REQUIRE_MESSAGE(bp > 0, err);
    StopInfo st = d.cont();
    REQUIRE(st.reason == StopReason::Breakpoint);
    CHECK(st.id == bp);
    CHECK(s.reg("eip") == 0xffffe400);
    uint32_t ret = s.word(s.reg("esp"));   // the caller's return address
    uint32_t esp0 = s.reg("esp");

    GateView g = d.gate_view();
    CHECK(g.in_vdso);
    CHECK(g.at_sysinfo == 0xffffe400);
    CHECK(g.at_sysinfo_ehdr == 0xffffe000);
    CHECK(g.variant.find("sysenter") == 0);
    CHECK(g.pending.valid);
    CHECK(g.pending.nr == s.reg("eax"));

    for (uint32_t want : {0xffffe401u, 0xffffe402u, 0xffffe403u, 0xffffe405u}) {
        st = d.stepi();
        CHECK(st.reason == StopReason::Step);
        CHECK(s.reg("eip") == want);
    }
    g = d.gate_view();
    CHECK(g.pending.valid);
    CHECK(g.pending.sysenter);
    CHECK(g.pending.arg6_source.find("[ebp]") == 0);
    uint32_t nr = s.reg("eax");
    st = d.stepi();   // sysenter: the kernel side runs, SYSEXIT lands on SYSENTER_RETURN
    CHECK(s.reg("eip") == 0xffffe410);
    CHECK(s.reg("edx") == 0xffffe410);
    CHECK(s.reg("ecx") == esp0 - 12);
    CHECK(s.reg("ebp") == 0);
    const GateCall& last = d.last_gate();
    CHECK(last.valid);
    CHECK(last.returned);
    CHECK(last.sysenter);
    CHECK(last.via_vdso);
    CHECK(last.nr == nr);
    CHECK(last.insn_eip == 0xffffe405);
    CHECK(last.exit_path.find("SYSEXIT to SYSENTER_RETURN 0xffffe410") == 0);
    CHECK(last.have_cost);
    CHECK(last.cost_mcycles == last.gate_mcycles + last.kernel_mcycles);
    CHECK(last.gate_mcycles > 0);
    CHECK(last.cost_note.find("<sysenter ") == 0);
    CHECK(static_cast<uint32_t>(last.result) == s.reg("eax"));
    for (uint32_t want : {0xffffe411u, 0xffffe412u, 0xffffe413u}) {
        d.stepi();
        CHECK(s.reg("eip") == want);
    }
    d.stepi();
    CHECK(s.reg("eip") == ret);
    CHECK(s.reg("esp") == esp0 + 4);
    CHECK_FALSE(d.gate_view().in_vdso);
    CHECK_FALSE(d.syscall_log().empty());
}

TEST_CASE("debugger: the int $0x80 page: the gate returns by IRET to the ret after it") {
    Session s(false, "int80");
    Debugger& d = s.dbg;
    std::string err;
    REQUIRE(d.add_breakpoint("__kernel_vsyscall", "", err) > 0);
    REQUIRE(d.cont().reason == StopReason::Breakpoint);
    GateView g = d.gate_view();
    CHECK(g.variant.find("int $0x80") == 0);
    CHECK(g.pending.valid);
    CHECK_FALSE(g.pending.sysenter);
    CHECK(g.pending.via_vdso);
    uint32_t ecx = s.reg("ecx"), edx = s.reg("edx"), ebp = s.reg("ebp");
    d.stepi();
    CHECK(s.reg("eip") == 0xffffe402);
    const GateCall& last = d.last_gate();
    CHECK(last.valid);
    CHECK_FALSE(last.sysenter);
    CHECK(last.insn_eip == 0xffffe400);
    CHECK(last.exit_path.find("IRET to 0xffffe402") == 0);
    CHECK(last.have_cost);
    CHECK(last.cost_mcycles > 0);
    CHECK(last.cost_note.find("<int80 ") == 0);
    // Every register but EAX comes back as it went in.
    CHECK(s.reg("ecx") == ecx);
    CHECK(s.reg("edx") == edx);
    CHECK(s.reg("ebp") == ebp);
}

TEST_CASE("debugger: stepi 4 with one stepi call, and finish out of the vDSO") {
    Session s(true);
    Debugger& d = s.dbg;
    std::string err;
    REQUIRE(d.add_breakpoint("__kernel_vsyscall", "", err) > 0);
    REQUIRE(d.cont().reason == StopReason::Breakpoint);
    uint32_t ret = s.word(s.reg("esp"));
    CHECK(d.stepi(4).reason == StopReason::Step);
    CHECK(s.reg("eip") == 0xffffe405);
    CHECK(d.finish().reason == StopReason::Step);
    CHECK(s.reg("eip") == ret);
}

TEST_CASE("debugger: breakpoints on symbols, conditions, next, finish, exit and restart (static)") {
    Session s(false);
    Debugger& d = s.dbg;
    std::string err;
    uint32_t add = s.addr("add"), twice = s.addr("twice"), main_ = s.addr("main");
    int bmain = d.add_breakpoint("main", "", err);
    REQUIRE(bmain > 0);
    StopInfo st = d.cont();
    CHECK(st.reason == StopReason::Breakpoint);
    CHECK(st.eip == main_);
    CHECK(d.remove_breakpoint(bmain));

    // A conditional breakpoint: the first call of add with a = 2 (cdecl: [esp+4]).
    int badd = d.add_breakpoint("add", "*(uint32*)($esp + 4) == 2", err);
    REQUIRE_MESSAGE(badd > 0, err);
    st = d.cont();
    CHECK(st.reason == StopReason::Breakpoint);
    CHECK(s.reg("eip") == add);
    CHECK(s.word(s.reg("esp") + 4) == 2);
    CHECK(d.breakpoints()[0].hits == 1);
    // finish: back in twice, right after the call.
    uint32_t ret = s.word(s.reg("esp"));
    st = d.finish();
    CHECK(st.reason == StopReason::Step);
    CHECK(s.reg("eip") == ret);
    SymbolRef r = d.symbols().find(s.reg("eip"));
    REQUIRE(r.sym);
    CHECK(r.sym->name == "twice");
    CHECK(d.remove_breakpoint(badd));
    CHECK_FALSE(d.remove_breakpoint(badd));

    // Inside add (its second instruction): the .eh_frame CFI walks add → twice → main.
    REQUIRE(d.restart(err));
    uint32_t second = d.disassemble(add, 2, true)[1].address;
    char loc[32];
    std::snprintf(loc, sizeof loc, "*0x%x", second);
    REQUIRE(d.add_breakpoint(loc, "", err) > 0);
    st = d.cont();
    REQUIRE(st.reason == StopReason::Breakpoint);
    std::vector<Frame> bt = d.backtrace();
    REQUIRE(bt.size() >= 3);
    CHECK(bt[0].function == "add");
    CHECK(bt[1].function == "twice");
    CHECK(bt[1].how == "CFI");
    CHECK(bt[2].function == "main");
    d.remove_breakpoint(d.breakpoints().back().id);

    // next steps over a call: run to twice, step until the call, next over it.
    REQUIRE(d.restart(err));
    CHECK(d.last_stop().reason == StopReason::Loaded);
    CHECK(d.last_stop().eip == d.registers().eip);
    REQUIRE(d.add_breakpoint("twice", "", err) > 0);
    REQUIRE(d.cont().reason == StopReason::Breakpoint);
    CHECK(s.reg("eip") == twice);
    int guard = 0;
    uint8_t len = 0;
    while (d.classify(s.reg("eip"), &len) != Debugger::InsnKind::Call && guard++ < 20) d.stepi();
    REQUIRE(d.classify(s.reg("eip"), &len) == Debugger::InsnKind::Call);
    uint32_t after = s.reg("eip") + len;
    uint32_t esp = s.reg("esp");
    st = d.next();
    CHECK(st.reason == StopReason::Step);
    CHECK(s.reg("eip") == after);
    CHECK(s.reg("esp") == esp);

    // Run to the end: the exit status is reported.
    d.remove_breakpoint(d.breakpoints()[0].id);
    st = d.cont();
    CHECK(st.reason == StopReason::Exited);
    CHECK(st.exit_code == 7);
    CHECK(d.exited());
    REQUIRE(d.restart(err));
    CHECK_FALSE(d.exited());
    CHECK(d.cont().reason == StopReason::Exited);
}

TEST_CASE("debugger: run to an address, watchpoints on memory writes") {
    Session s(false);
    Debugger& d = s.dbg;
    uint32_t add = s.addr("add");
    StopInfo st = d.run_to(add);
    CHECK(st.reason == StopReason::Step);
    CHECK(s.reg("eip") == add);
    uint32_t counter = s.addr("counter");
    std::string err;
    int w = d.add_watchpoint(counter, 4, err);
    REQUIRE(w > 0);
    st = d.cont();
    CHECK(st.reason == StopReason::Watchpoint);
    CHECK(st.id == w);
    CHECK(st.watch_addr == counter);
    CHECK(st.old_value == 0);
    CHECK(st.new_value == 1);
    // Stopped after the storing instruction, still in add.
    SymbolRef r = d.symbols().find(s.reg("eip"));
    REQUIRE(r.sym);
    CHECK(r.sym->name == "add");
    st = d.cont();
    CHECK(st.reason == StopReason::Watchpoint);
    CHECK(st.old_value == 1);
    CHECK(st.new_value == 3);
    CHECK(d.remove_watchpoint(w));
    CHECK(d.cont().reason == StopReason::Exited);
}

TEST_CASE("debugger: disassembly, registers, memory, stack, map and auxv snapshots") {
    Session s(false);
    Debugger& d = s.dbg;
    std::vector<DisasmLine> lines = d.disassemble(0xffffe400, 16, true);
    REQUIRE(lines.size() == 16);
    CHECK(lines[0].label == "__kernel_vsyscall");
    CHECK(lines[0].text == "push %ecx");
    CHECK(lines[1].text == "push %edx");
    CHECK(lines[2].text == "push %ebp");
    CHECK(lines[3].text == "mov %esp, %ebp");
    CHECK(lines[3].location == "__kernel_vsyscall+0x3");
    CHECK(lines[4].text == "sysenter");
    CHECK(lines[4].address == 0xffffe405);
    bool found = false;
    for (const DisasmLine& l : lines) {
        if (l.address == 0xffffe410) {
            found = true;
            CHECK(l.comment == "SYSENTER_RETURN");
            CHECK(l.text == "pop %ebp");
        }
    }
    CHECK(found);
    std::vector<DisasmLine> intel = d.disassemble(0xffffe403, 1, false);
    CHECK(intel[0].text == "mov ebp, esp");

    // Around EIP: the lines before it are recovered from the enclosing symbol.
    std::string err;
    REQUIRE(d.add_breakpoint("__kernel_vsyscall+3", "", err) > 0);
    REQUIRE(d.cont().reason == StopReason::Breakpoint);
    CHECK(s.reg("eip") == 0xffffe403);
    std::vector<DisasmLine> around = d.disassemble_around(0xffffe403, 3, 2, true);
    REQUIRE(around.size() == 6);
    CHECK(around[0].address == 0xffffe400);
    CHECK(around[3].is_eip);
    CHECK(around[3].breakpoint);

    RegisterSnapshot r = d.registers();
    CHECK(r.eip == 0xffffe403);
    CHECK((r.eflags & 0x202) == 0x202);
    CHECK(eflags_string(0x246) == "[ PF ZF IF ]");
    CHECK(r.sel[1] == 0x73);
    CHECK(r.x87.cw == 0x37f);
    CHECK(r.sse.mxcsr == 0x1f80);
    CHECK(d.set_register("eflags", 0x2c7));
    CHECK(d.registers().eflags == 0x2c7);
    CHECK(d.set_register("eflags", r.eflags));

    // The three pushes, seen on the stack: [esp] = ebp, then edx, ecx, the return address.
    std::vector<StackEntry> st = d.stack(8);
    REQUIRE(st.size() == 8);
    CHECK(st[0].address == r.gpr[kEsp]);
    CHECK(st[0].annotation.find("esp") != std::string::npos);
    CHECK(st[3].return_address);
    CHECK(st[3].annotation.find("return to ") != std::string::npos);
    std::vector<Frame> bt = d.backtrace();
    REQUIRE(bt.size() >= 2);
    CHECK(bt[0].function == "__kernel_vsyscall");
    CHECK(bt[1].pc == st[3].value);
    CHECK(bt[1].how == "vDSO CFI");

    uint8_t buf[8];
    bool ok[8];
    CHECK(d.read_memory(0xffffe000, 4, buf) == 4);
    CHECK(std::memcmp(buf, "\x7f" "ELF", 4) == 0);
    CHECK(d.read_memory(0xfffffffc, 8, buf, ok) == 0);
    CHECK_FALSE(ok[0]);

    std::string maps = d.memory_map();
    CHECK(maps.find("ffffe000-fffff000 r-xp 00000000 00:00 0") != std::string::npos);
    CHECK(maps.find("[vdso]") != std::string::npos);
    bool sysinfo = false;
    for (auto [t, v] : d.auxv()) sysinfo |= t == AT_SYSINFO && v == 0xffffe400;
    CHECK(sysinfo);
    CHECK(std::string(Debugger::auxv_name(AT_SYSINFO_EHDR)) == "AT_SYSINFO_EHDR");
}

TEST_CASE("debugger: writing code (guest bytes placed in memory) is executed") {
    Session s(false);
    Debugger& d = s.dbg;
    std::string err;
    REQUIRE(d.add_breakpoint("add", "", err) > 0);
    REQUIRE(d.cont().reason == StopReason::Breakpoint);
    uint32_t eip = s.reg("eip");
    // Run the instruction once as decoded, then replace it: mov $0x2a,%eax; ret.
    const uint8_t code[] = {0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3};
    REQUIRE(d.write_memory(eip, code, sizeof code));
    std::vector<DisasmLine> l = d.disassemble(eip, 2, true);
    CHECK(l[0].text == "mov $0x2A, %eax");
    d.stepi();
    CHECK(s.reg("eax") == 42);
    CHECK(s.reg("eip") == eip + 5);
}
