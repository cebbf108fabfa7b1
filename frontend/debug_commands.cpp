#include "frontend/debug_commands.h"

#include <cctype>
#include <cstdlib>

#include "core/debugger.h"
#include "core/process.h"
#include "frontend/debug_text.h"

namespace gate386 {

namespace {

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos) return {};
    size_t e = s.find_last_not_of(" \t\r\n");
    return s.substr(b, e - b + 1);
}

// Splits "word rest".
void split(const std::string& line, std::string& word, std::string& rest) {
    size_t e = line.find_first_of(" \t");
    word = line.substr(0, e);
    rest = e == std::string::npos ? std::string() : trim(line.substr(e));
}

}  // namespace

bool DebugCommands::execute(const std::string& raw, std::string& out) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') return true;
    std::string cmd, arg;
    split(line, cmd, arg);
    // x/8xb and print/x carry their format glued to the command.
    std::string fmt;
    size_t slash = cmd.find('/');
    if (slash != std::string::npos) {
        fmt = cmd.substr(slash);
        cmd = cmd.substr(0, slash);
    }
    std::string err;
    auto fail = [&](const std::string& e) {
        out += e + "\n";
        return false;
    };
    Debugger& d = m_dbg;
    if (cmd == "quit" || cmd == "q") {
        m_quit = true;
        return true;
    }
    if (cmd == "echo") {
        out += arg + "\n";
        return true;
    }
    if (!d.loaded()) return fail("The program is not being run.");

    auto run_and_report = [&](const StopInfo& s) {
        out += describe_stop(d, s);
        return true;
    };
    auto need_live = [&]() {
        if (!d.exited()) return true;
        out += "The program is not being run.\n";
        return false;
    };

    if (cmd == "break" || cmd == "b" || cmd == "br" || cmd == "tbreak") {
        std::string loc = arg, cond;
        size_t ifpos = arg.find(" if ");
        if (ifpos != std::string::npos) {
            loc = trim(arg.substr(0, ifpos));
            cond = trim(arg.substr(ifpos + 4));
        }
        if (loc.empty()) loc = hex32(d.process()->cpu.m_eip);
        int id = d.add_breakpoint(loc, cond, err, cmd == "tbreak");
        if (!id) return fail(err);
        const Breakpoint& b = d.breakpoints().back();
        if (!b.resolved) {
            out += "Breakpoint " + std::to_string(id) + " (" + loc + ") pending.\n";
        } else {
            std::string sym = d.symbols().describe_gdb(b.address);
            out += (cmd == "tbreak" ? "Temporary breakpoint " : "Breakpoint ") + std::to_string(id) + " at " +
                   hex32(b.address) + (sym.empty() ? "" : " <" + sym + ">") + "\n";
        }
        return true;
    }
    if (cmd == "watch") {
        std::string what, len_text;
        split(arg, what, len_text);
        uint32_t addr = 0;
        if (!d.resolve(what, addr, err)) return fail(err);
        uint32_t len = len_text.empty() ? 4 : static_cast<uint32_t>(std::strtoul(len_text.c_str(), nullptr, 0));
        int id = d.add_watchpoint(addr, len, err);
        if (!id) return fail(err);
        out += "Hardware watchpoint " + std::to_string(id) + ": *" + hex32(addr) + " (" + std::to_string(len) +
               " bytes)\n";
        return true;
    }
    if (cmd == "delete" || cmd == "d") {
        if (arg.empty()) {
            while (!d.breakpoints().empty()) d.remove_breakpoint(d.breakpoints().front().id);
            while (!d.watchpoints().empty()) d.remove_watchpoint(d.watchpoints().front().id);
            return true;
        }
        int id = std::atoi(arg.c_str());
        if (!d.remove_breakpoint(id) && !d.remove_watchpoint(id)) return fail("No breakpoint number " + arg + ".");
        return true;
    }
    if (cmd == "continue" || cmd == "c" || cmd == "cont") {
        if (!need_live()) return false;
        return run_and_report(d.cont());
    }
    if (cmd == "stepi" || cmd == "si") {
        if (!need_live()) return false;
        uint64_t n = arg.empty() ? 1 : std::strtoull(arg.c_str(), nullptr, 0);
        return run_and_report(d.stepi(n ? n : 1));
    }
    if (cmd == "next" || cmd == "n" || cmd == "nexti" || cmd == "ni") {
        if (!need_live()) return false;
        uint64_t n = arg.empty() ? 1 : std::strtoull(arg.c_str(), nullptr, 0);
        StopInfo s;
        for (uint64_t k = 0; k < (n ? n : 1); k++) {
            s = d.next();
            if (s.reason != StopReason::Step) break;
        }
        return run_and_report(s);
    }
    if (cmd == "finish") {
        if (!need_live()) return false;
        out += "Run till exit from #0  " + location_line(d, d.process()->cpu.m_eip) + "\n";
        return run_and_report(d.finish());
    }
    if (cmd == "until" || cmd == "advance" || cmd == "run-to") {
        if (!need_live()) return false;
        uint32_t addr = 0;
        if (!d.resolve(arg, addr, err)) return fail(err);
        return run_and_report(d.run_to(addr));
    }
    if (cmd == "restart" || cmd == "run" || cmd == "r") {
        if (!d.restart(err)) return fail(err);
        out += "Restarted " + d.program() + "\n";
        return run_and_report(d.last_stop());
    }
    if (cmd == "print" || cmd == "p" || cmd == "output") {
        char f = fmt.size() > 1 ? fmt[1] : 'x';
        std::string text;
        if (!format_print(d, arg, f, text, err)) return fail(err);
        out += text;
        return true;
    }
    if (cmd == "x") {
        std::string text;
        bool ok = format_examine(d, fmt, arg.empty() ? "$eip" : arg, text, err);
        out += text;
        if (!ok) return fail(err);
        return true;
    }
    if (cmd == "set") {
        // set $reg = expr  (also "set var $reg = expr")
        std::string a = arg;
        if (a.rfind("var ", 0) == 0) a = trim(a.substr(4));
        size_t eq = a.find('=');
        if (eq == std::string::npos || a[0] != '$') return fail("usage: set $REG = EXPR");
        std::string reg = trim(a.substr(1, eq - 1));
        int64_t v = 0;
        if (!d.evaluate(trim(a.substr(eq + 1)), v, err)) return fail(err);
        if (!d.set_register(reg, static_cast<uint32_t>(v))) return fail("Invalid register `" + reg + "'");
        return true;
    }
    if (cmd == "bt" || cmd == "backtrace" || cmd == "where") {
        out += format_backtrace(d);
        return true;
    }
    if (cmd == "disassemble" || cmd == "disas") {
        std::string a, n;
        split(arg, a, n);
        uint32_t addr = d.process()->cpu.m_eip;
        if (!a.empty() && !d.resolve(a, addr, err)) return fail(err);
        unsigned count = n.empty() ? 12 : static_cast<unsigned>(std::strtoul(n.c_str(), nullptr, 0));
        std::vector<DisasmLine> lines = a.empty() ? d.disassemble_around(addr, 4, 8, true) : d.disassemble(addr, count, true);
        for (const DisasmLine& l : lines) {
            std::string loc = l.location.empty() ? "" : " <" + d.symbols().describe_gdb(l.address) + ">";
            out += (l.is_eip ? "=> " : "   ") + hex32(l.address) + loc + ":\t" + l.text +
                   (l.comment.empty() ? "" : "\t; " + l.comment) + "\n";
        }
        return true;
    }
    if (cmd == "info" || cmd == "i") {
        std::string what, rest;
        split(arg, what, rest);
        if (what == "registers" || what == "reg" || what == "r" || what == "all-registers") {
            std::string text;
            if (!format_registers(d, rest, text, err)) return fail(err);
            out += text;
            return true;
        }
        if (what == "breakpoints" || what == "break" || what == "b" || what == "watchpoints") {
            out += format_breakpoints(d);
            return true;
        }
        if (what == "gate") {
            out += format_gate(d.gate_view());
            return true;
        }
        if (what == "auxv") {
            out += format_auxv(d);
            return true;
        }
        if (what == "maps" || what == "proc" || what == "mappings") {
            out += d.memory_map();
            return true;
        }
        if (what == "syscalls") {
            for (const std::string& l : d.syscall_log()) out += l + "\n";
            return true;
        }
        if (what == "symbol") {
            uint32_t addr = 0;
            if (!d.resolve(rest, addr, err)) return fail(err);
            SymbolRef r = d.symbols().find(addr);
            if (!r.sym) out += "No symbol matches " + rest + ".\n";
            else out += r.sym->name + (r.offset ? " + " + std::to_string(r.offset) : "") + " in " +
                        d.symbols().modules()[r.sym->module].path + "\n";
            return true;
        }
        return fail("Undefined info command: \"" + what + "\".");
    }
    if (cmd == "screenshot") {
        if (!m_surface) return fail("screenshot: no window");
        if (arg.empty()) return fail("usage: screenshot FILE.png");
        int w = 0, h = 0;
        if (!m_surface->screenshot(arg, w, h, err)) return fail(err);
        out += "Screenshot " + arg + " (" + std::to_string(w) + "x" + std::to_string(h) + ")\n";
        return true;
    }
    if (cmd == "key") {
        if (!m_surface) return fail("key: no window");
        if (!m_surface->press_key(arg, err)) return fail(err);
        // A key that ran the program reports where it stopped.
        if (!d.running()) out += location_line(d, d.process()->cpu.m_eip) + "\n";
        return true;
    }
    if (cmd == "frames") {
        if (m_surface) m_surface->render_frames(arg.empty() ? 1 : std::atoi(arg.c_str()));
        return true;
    }
    return fail("Undefined command: \"" + cmd + "\".");
}

}  // namespace gate386
