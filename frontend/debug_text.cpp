#include "frontend/debug_text.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <elf.h>

#include "core/process.h"
#include "syscalls/guest_signals.h"

namespace gate386 {

std::string hex32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
}

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// "0xffffe400 <__kernel_vsyscall+3>" as gdb labels addresses.
std::string labelled(Debugger& d, uint32_t a, bool plus_zero = false) {
    std::string s = d.symbols().describe_gdb(a);
    if (s.empty()) return hex32(a);
    if (plus_zero && s.find('+') == std::string::npos) s += "+0";
    return hex32(a) + " <" + s + ">";
}

std::string function_of(Debugger& d, uint32_t pc) {
    SymbolRef r = d.symbols().find(pc);
    return r.sym ? r.sym->name : "??";
}

}  // namespace

std::string signal_description(int signo) {
    const char* n = signal_name(signo);
    const char* desc = strsignal(signo);
    return std::string(n ? n : "SIG?") + ", " + (desc ? desc : "Unknown signal");
}

std::string location_line(Debugger& d, uint32_t pc) { return hex32(pc) + " in " + function_of(d, pc) + " ()"; }

std::string current_insn_line(Debugger& d, bool att) {
    Process* p = d.process();
    if (!p) return {};
    uint32_t pc = p->cpu.m_eip;
    std::vector<DisasmLine> l = d.disassemble(pc, 1, att);
    if (l.empty()) return {};
    return "=> " + labelled(d, pc) + ":\t" + l[0].text;
}

std::string describe_stop(Debugger& d, const StopInfo& s) {
    std::string out;
    switch (s.reason) {
    case StopReason::Exited:
        if (s.exit_signal) return "\nProgram terminated with signal " + signal_description(s.exit_signal) + ".\n";
        if (s.exit_code == 0) return "[Inferior 1 (process " + std::to_string(d.host_pid()) + ") exited normally]\n";
        {
            char buf[96];
            std::snprintf(buf, sizeof buf, "[Inferior 1 (process %d) exited with code %02o]\n", d.host_pid(), s.exit_code);
            return buf;
        }
    case StopReason::Breakpoint:
        out = "\nBreakpoint " + std::to_string(s.id) + ", ";
        break;
    case StopReason::Watchpoint: {
        out = "\nWatchpoint " + std::to_string(s.id) + ": *" + hex32(s.watch_addr) + "\n\n";
        auto val = [&](uint64_t v) {
            if (s.watch_len == 1) return std::to_string(static_cast<int8_t>(v));
            if (s.watch_len == 2) return std::to_string(static_cast<int16_t>(v));
            if (s.watch_len == 4) return std::to_string(static_cast<int32_t>(v));
            char b[24];
            std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
            return std::string(b);
        };
        out += "Old value = " + val(s.old_value) + "\nNew value = " + val(s.new_value) + "\n";
        break;
    }
    case StopReason::Signal:
        out = "\nProgram received signal " + signal_description(s.signo) + ".\n";
        break;
    case StopReason::Paused:
        out = "\nProgram stopped (paused).\n";
        break;
    case StopReason::Loaded:
    case StopReason::Step:
    case StopReason::None:
        break;
    }
    out += location_line(d, s.eip) + "\n";
    out += current_insn_line(d) + "\n";
    return out;
}

bool format_print(Debugger& d, const std::string& expr_in, char fmt, std::string& out, std::string& err) {
    std::string expr = trim(expr_in);
    if (expr.empty()) { err = "print needs an expression"; return false; }
    int64_t v = 0;
    if (!d.evaluate(expr, v, err)) return false;
    uint32_t u = static_cast<uint32_t>(v);
    bool wide = v > 0xffffffffll || v < -0x80000000ll;
    char buf[64];
    if (fmt == 'd') std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(wide ? v : static_cast<int32_t>(u)));
    else if (fmt == 'u') std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(wide ? uint64_t(v) : u));
    else if (wide) std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
    else std::snprintf(buf, sizeof buf, "0x%x", u);
    out = expr + " = " + buf;
    if (expr == "$eflags" || expr == "$ps") {
        out += ' ';
        out += eflags_string(u);
    }
    out += '\n';
    return true;
}

bool format_examine(Debugger& d, const std::string& spec, const std::string& addr_expr, std::string& out,
                    std::string& err) {
    // /NFU: count, format, unit, in any order after the count (gdb's rules).
    unsigned count = 1;
    char fmt = 'x', unit = 'w';
    size_t k = 0;
    if (!spec.empty() && spec[0] == '/') k = 1;
    if (k < spec.size() && std::isdigit(static_cast<unsigned char>(spec[k]))) {
        count = static_cast<unsigned>(std::strtoul(spec.c_str() + k, nullptr, 10));
        while (k < spec.size() && std::isdigit(static_cast<unsigned char>(spec[k]))) k++;
    }
    for (; k < spec.size(); k++) {
        char c = spec[k];
        if (std::strchr("bhwg", c)) unit = c;
        else if (std::strchr("xduotcsia", c)) fmt = c;
        else { err = std::string("invalid x format letter '") + c + "'"; return false; }
    }
    if (count == 0 || count > 4096) { err = "x: count out of range"; return false; }
    uint32_t addr = 0;
    if (!d.resolve(addr_expr, addr, err)) return false;
    out.clear();
    if (fmt == 'i') {
        uint32_t pc = d.process() ? d.process()->cpu.m_eip : 0;
        for (const DisasmLine& l : d.disassemble(addr, count, true))
            out += (l.address == pc ? "=> " : "   ") + labelled(d, l.address, true) + ":\t" + l.text + "\n";
        return true;
    }
    if (fmt == 's') {
        for (unsigned n = 0; n < count; n++) {
            std::string s;
            uint8_t ch;
            uint32_t a = addr;
            bool ok = true;
            while (s.size() < 200) {
                if (d.read_memory(a, 1, &ch) != 1) { ok = false; break; }
                a++;
                if (!ch) break;
                s += static_cast<char>(ch);
            }
            if (!ok && s.empty()) { err = "Cannot access memory at address " + hex32(addr); return false; }
            out += labelled(d, addr) + ":\t\"" + s + "\"\n";
            addr = a;
        }
        return true;
    }
    unsigned size = unit == 'b' ? 1 : unit == 'h' ? 2 : unit == 'w' ? 4 : 8;
    if (fmt == 'c') size = 1;
    unsigned per_line = size == 1 ? 8 : size == 2 ? 8 : size == 4 ? 4 : 2;
    for (unsigned n = 0; n < count; n++) {
        uint32_t a = addr + n * size;
        if (n % per_line == 0) {
            if (n) out += "\n";
            out += labelled(d, a) + ":";
        }
        uint64_t v = 0;
        if (d.read_memory(a, size, reinterpret_cast<uint8_t*>(&v)) != size) {
            out += "\n";
            err = "Cannot access memory at address " + hex32(a);
            return false;
        }
        char buf[40];
        unsigned long long uv = v;
        long long sv = size == 1 ? int8_t(v) : size == 2 ? int16_t(v) : size == 4 ? int32_t(v) : int64_t(v);
        switch (fmt) {
        case 'd': std::snprintf(buf, sizeof buf, "%lld", sv); break;
        case 'u': std::snprintf(buf, sizeof buf, "%llu", uv); break;
        case 'o': std::snprintf(buf, sizeof buf, "0%llo", uv); break;
        case 't': {
            std::string b;
            for (int bit = int(size * 8) - 1; bit >= 0; bit--) b += ((uv >> bit) & 1) ? '1' : '0';
            std::snprintf(buf, sizeof buf, "%s", b.c_str());
            break;
        }
        case 'c':
            if (uv >= 32 && uv < 127) std::snprintf(buf, sizeof buf, "%lld '%c'", sv, static_cast<char>(uv));
            else std::snprintf(buf, sizeof buf, "%lld '\\%03llo'", sv, uv);
            break;
        default: std::snprintf(buf, sizeof buf, "0x%0*llx", int(size * 2), uv); break;
        }
        out += "\t";
        out += buf;
    }
    out += "\n";
    return true;
}

bool format_registers(Debugger& d, const std::string& names, std::string& out, std::string& err) {
    RegisterSnapshot r = d.registers();
    std::vector<std::string> want;
    std::string n;
    for (char c : names + " ") {
        if (c == ' ' || c == ',') {
            if (!n.empty()) want.push_back(n[0] == '$' ? n.substr(1) : n);
            n.clear();
        } else {
            n += c;
        }
    }
    if (want.empty()) {
        for (const char* g : kGprNames) want.push_back(g);
        want.push_back("eip");
        want.push_back("eflags");
        want.push_back("cs");
        want.push_back("ss");
        want.push_back("ds");
        want.push_back("es");
        want.push_back("fs");
        want.push_back("gs");
        want.push_back("fs_base");
        want.push_back("gs_base");
    }
    out.clear();
    for (const std::string& name : want) {
        uint32_t v = 0;
        if (!register_value(r, name, v)) { err = "Invalid register `" + name + "'"; return false; }
        // gdb's natural column: code addresses with their symbol, stack pointers in hex,
        // EFLAGS as flags, everything else signed decimal.
        std::string natural;
        if (name == "eip" || name == "pc") natural = labelled(d, v);
        else if (name == "esp" || name == "ebp" || name == "sp" || name == "fp") natural = hex32(v);
        else if (name == "eflags") natural = eflags_string(v);
        else natural = std::to_string(static_cast<int32_t>(v));
        char buf[128];
        std::snprintf(buf, sizeof buf, "%-15s%-19s%s\n", name.c_str(), hex32(v).c_str(), natural.c_str());
        out += buf;
    }
    return true;
}

std::string format_backtrace(Debugger& d) {
    std::string out;
    std::vector<Frame> frames = d.backtrace();
    for (size_t k = 0; k < frames.size(); k++) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "#%-2zu ", k);
        out += buf;
        out += hex32(frames[k].pc) + " in " + (frames[k].function.empty() ? "??" : frames[k].function) + " ()\n";
    }
    return out;
}

std::string format_gate(const GateView& g) {
    std::string out;
    out += "cpu model:        " + g.cpu_model + "\n";
    out += "vDSO:             " + std::string(g.vdso_base ? hex32(g.vdso_base) : "none") + ", " + g.variant + "\n";
    out += "AT_SYSINFO:       " + hex32(g.at_sysinfo) + " (__kernel_vsyscall)\n";
    out += "AT_SYSINFO_EHDR:  " + hex32(g.at_sysinfo_ehdr) + "\n";
    out += "SYSENTER_RETURN:  " + hex32(g.sysenter_return) + "\n";
    out += "eip:              " + hex32(g.eip) + (g.where.empty() ? "" : " <" + g.where + ">") +
           (g.in_vdso ? " (in the vDSO)" : " (not in the vDSO)") + "\n";
    if (!g.step_note.empty()) out += "instruction:      " + g.step_note + "\n";
    if (g.pending.valid) {
        const GateCall& c = g.pending;
        out += "about to call:    " + c.decoded + "  [eax = " + std::to_string(c.nr) + ", " +
               (c.sysenter ? "sysenter" : "int $0x80") + (c.via_vdso ? " via __kernel_vsyscall" : "") +
               ", arg6 from " + c.arg6_source + "]\n";
    }
    if (g.last.valid) {
        const GateCall& c = g.last;
        out += "last gate:        " + std::string(c.sysenter ? "sysenter" : "int $0x80") + " at " + hex32(c.insn_eip) +
               ": " + c.decoded;
        if (c.exited) out += " (did not return)\n";
        else if (c.regs_replaced) out += " (new register state)\n";
        else out += " = " + std::to_string(c.result) + (c.result < 0 && c.result > -4096 ? " (-errno)" : "") + "\n";
        out += "kernel exit:      " + c.exit_path + "\n";
        if (c.have_cost) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "modelled cost:    %.0f cycles (gate %.0f + kernel %.0f)  %s\n",
                          double(c.cost_mcycles) / 1000.0, double(c.gate_mcycles) / 1000.0,
                          double(c.kernel_mcycles) / 1000.0, c.cost_note.c_str());
            out += buf;
        } else {
            out += "modelled cost:    (no cost model in this build)\n";
        }
    }
    return out;
}

std::string format_breakpoints(Debugger& d) {
    std::string out;
    if (d.breakpoints().empty() && d.watchpoints().empty()) return "No breakpoints or watchpoints.\n";
    out = "Num     Type           Disp Enb Address    What\n";
    for (const Breakpoint& b : d.breakpoints()) {
        char buf[256];
        std::snprintf(buf, sizeof buf, "%-7d %-14s %-4s %-3s %-10s %s\n", b.id, "breakpoint", b.temporary ? "del" : "keep",
                      b.enabled ? "y" : "n", b.resolved ? hex32(b.address).c_str() : "<PENDING>", b.location.c_str());
        out += buf;
        if (!b.condition.empty()) out += "\tstop only if " + b.condition + "\n";
        if (b.hits) out += "\tbreakpoint already hit " + std::to_string(b.hits) + (b.hits == 1 ? " time\n" : " times\n");
    }
    for (const Watchpoint& w : d.watchpoints()) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "%-7d %-14s %-4s %-3s %-10s %u bytes\n", w.id, "hw watchpoint", "keep", "y",
                      hex32(w.address).c_str(), w.len);
        out += buf;
    }
    return out;
}

std::string format_auxv(Debugger& d) {
    std::string out;
    for (auto [t, v] : d.auxv()) {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%-4u %-20s %s\n", t, Debugger::auxv_name(t), hex32(v).c_str());
        out += buf;
    }
    return out;
}

}  // namespace gate386
