// A tiny i386 machine-code emitter for the vDSO page: just the instructions the gate stubs and
// the time functions use, encoded by hand (SDM Vol.2 chapter 2 "Instruction Format"), with
// labels, rel8/rel32 fix-ups, and call-frame information kept in step with push/pop.
//
// Method names spell the operand form, as the CPU handlers do: mov_r_m = "mov reg, [mem]".
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "vdso/dwarf_cfi.h"

namespace gate386::x86 {

enum Reg : uint8_t { eax = 0, ecx = 1, edx = 2, ebx = 3, esp = 4, ebp = 5, esi = 6, edi = 7 };

// Memory operand [base + index*scale + disp]; no base and no index = absolute [disp32].
struct Mem {
    std::optional<Reg> base;
    std::optional<Reg> index;
    uint8_t scale = 1;
    int32_t disp = 0;
};
inline Mem abs32(uint32_t address) { return Mem{std::nullopt, std::nullopt, 1, static_cast<int32_t>(address)}; }
inline Mem ptr(Reg base, int32_t disp = 0) { return Mem{base, std::nullopt, 1, disp}; }

// Group-1 ALU operations; the value is the /digit and the opcode row (SDM Table A-2).
enum class Alu : uint8_t { Add = 0, Or = 1, Adc = 2, Sbb = 3, And = 4, Sub = 5, Xor = 6, Cmp = 7 };

// Condition codes (the low nibble of Jcc).
enum class Cond : uint8_t { O = 0, NO = 1, B = 2, AE = 3, E = 4, NE = 5, BE = 6, A = 7,
                            S = 8, NS = 9, P = 10, NP = 11, L = 12, GE = 13, LE = 14, G = 15 };

enum class Jump : uint8_t { Short, Near };  // rel8 or rel32

// Whether a push records a "register saved at CFA-n" rule. Auto does so for the registers the
// i386 SysV ABI makes callee-saved (ebx, esi, edi, ebp).
enum class CfiSave : uint8_t { Auto, Yes, No };

struct Label {
    int id = -1;
};

class Emitter {
public:
    explicit Emitter(uint32_t origin) : m_origin(origin) {}

    uint32_t here() const { return m_origin + static_cast<uint32_t>(m_code.size()); }
    uint32_t origin() const { return m_origin; }

    Label new_label();
    void bind(Label label);
    uint32_t address_of(Label label) const;

    // Pads with `fill` up to an address that is a multiple of `alignment`, or up to `address`.
    void align(uint32_t alignment, uint8_t fill = 0x90);
    void pad_to(uint32_t address, uint8_t fill = 0x90);
    void raw(std::initializer_list<uint8_t> bytes);

    // --- instructions ---------------------------------------------------------------------------
    void push_r(Reg r, CfiSave save = CfiSave::Auto);  // 50+r
    void pop_r(Reg r);                                 // 58+r
    void mov_r_r(Reg dst, Reg src);                    // 89 /r
    void mov_r_m(Reg dst, const Mem& src);             // 8B /r
    void mov_m_r(const Mem& dst, Reg src);             // 89 /r
    void mov_r_imm(Reg dst, uint32_t imm);             // B8+r id
    void mov_m_imm(const Mem& dst, uint32_t imm);      // C7 /0 id
    void lea_r_m(Reg dst, const Mem& src);             // 8D /r
    void alu_r_r(Alu op, Reg dst, Reg src);            // 01/09/../39 /r  (r/m, reg form)
    void alu_r_m(Alu op, Reg dst, const Mem& src);     // 03/0B/../3B /r
    void alu_r_imm(Alu op, Reg dst, int32_t imm);      // 83 /op ib or 81 /op id
    void alu_m_imm(Alu op, const Mem& dst, int32_t imm);
    void test_r_r(Reg a, Reg b);                       // 85 /r
    void test_r_imm(Reg r, uint32_t imm);              // F7 /0 id
    void shl_r_imm(Reg r, uint8_t count);              // C1 /4 ib
    void shrd_r_r_cl(Reg dst, Reg src);                // 0F AD /r
    void mul_m(const Mem& src);                        // F7 /4: edx:eax = eax * m32
    void div_r(Reg divisor);                           // F7 /6: eax = edx:eax / r, edx = rem
    void div_m(const Mem& divisor);                    // F7 /6
    void jcc(Cond cond, Label target, Jump width = Jump::Short);
    void jmp(Label target, Jump width = Jump::Short);
    void int_imm(uint8_t vector);                      // CD ib
    void ret();                                        // C3
    void rdtsc();                                      // 0F 31
    void pause();                                      // F3 90
    void sysenter();                                   // 0F 34
    void nop();                                        // 90

    // --- call-frame information -----------------------------------------------------------------
    // Opens an FDE covering [fde_start, end_function's here()). Between begin and end, every push
    // and pop updates the CFA offset (and saved-register rules) right after the instruction.
    void begin_function(dwarf::CieKind cie = dwarf::CieKind::Normal,
                        std::optional<uint32_t> fde_start = std::nullopt);
    dwarf::CfiProgram& cfi();  // the open FDE's program, for hand-written rules
    dwarf::Fde end_function();
    uint32_t cfa_offset() const { return m_cfa_offset; }

    // Resolves fix-ups; throws std::logic_error on unbound labels or out-of-range rel8.
    std::vector<uint8_t> finish();

private:
    void byte(uint8_t b) { m_code.push_back(b); }
    void imm32(uint32_t v);
    void modrm_reg(uint8_t reg_field, Reg rm);
    void modrm_mem(uint8_t reg_field, const Mem& m);
    void after_stack_change();

    struct Fixup {
        size_t at;        // offset of the displacement in m_code
        int label;
        uint8_t width;    // 1 or 4
    };

    uint32_t m_origin;
    std::vector<uint8_t> m_code;
    std::vector<int64_t> m_labels;  // code offset, -1 while unbound
    std::vector<Fixup> m_fixups;

    std::optional<dwarf::CfiProgram> m_cfi;
    uint32_t m_fde_start = 0;
    dwarf::CieKind m_cie = dwarf::CieKind::Normal;
    uint32_t m_cfa_offset = 4;
    uint32_t m_saved_mask = 0;  // registers with a "saved at CFA-n" rule
};

}  // namespace gate386::x86
