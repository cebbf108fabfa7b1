// Text renderings of the debugger's state in gdb's formats, for --debug-script, the window's
// console and its status line.
//
// Values: `print` shows `EXPR = VALUE` with VALUE in hex (`$eip = 0xffffe400`, `$eax = 0x14`),
// or in decimal with print/d (print/u: unsigned); $eflags adds gdb's flag list. `x` and
// `info registers` use gdb's own layouts.
#pragma once
#include <string>

#include "core/debugger.h"

namespace gate386 {

// "0xffffe401 in __kernel_vsyscall ()" (gdb's frame line without source).
std::string location_line(Debugger& d, uint32_t pc);
// "=> 0xffffe401 <__kernel_vsyscall+1>:\tpush %edx" (gdb's x/i of the current instruction).
std::string current_insn_line(Debugger& d, bool att = true);
// What gdb prints when execution stops, ending with the two lines above.
std::string describe_stop(Debugger& d, const StopInfo& s);
// print[/x|/d|/u] EXPR
bool format_print(Debugger& d, const std::string& expr, char fmt, std::string& out, std::string& err);
// x/NFU ADDR with F in x d u c s i, U in b h w g
bool format_examine(Debugger& d, const std::string& spec, const std::string& addr_expr, std::string& out,
                    std::string& err);
// info registers [NAME...]
bool format_registers(Debugger& d, const std::string& names, std::string& out, std::string& err);
std::string format_backtrace(Debugger& d);
std::string format_gate(const GateView& g);
std::string format_breakpoints(Debugger& d);
std::string format_auxv(Debugger& d);
std::string signal_description(int signo);   // "SIGSEGV, Segmentation fault"
std::string hex32(uint32_t v);

}  // namespace gate386
