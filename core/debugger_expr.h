// The debugger's small expression language: conditions of breakpoints and the operands of
// print, x and break. C-like integers over 64 bits:
//   $eax $eip $al ...            registers (debugger.h register_value)
//   0x10 16 020 'A'               numbers (hex, decimal, octal, a character)
//   write  __kernel_vsyscall      symbols (their address)
//   *(uint32*)ADDR  *(int8*)ADDR  memory, little-endian (uint8/16/32/64, int8..int64, char,
//   *ADDR                         short, int, long, unsigned ..., with or without _t); 4 bytes
//   + - * / % & | ^ ~ ! << >> == != < <= > >= && || ( )
#pragma once
#include <cstdint>
#include <functional>
#include <string>

namespace gate386 {

struct ExprContext {
    std::function<bool(const std::string& name, uint32_t& value)> reg;
    std::function<bool(uint32_t addr, void* out, uint32_t len)> read;
    std::function<bool(const std::string& name, uint32_t& value)> symbol;
};

bool evaluate_expression(const std::string& text, const ExprContext& ctx, int64_t& out, std::string& err);

}  // namespace gate386
