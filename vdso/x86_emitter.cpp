#include "vdso/x86_emitter.h"

#include <stdexcept>
#include <string>

namespace gate386::x86 {

namespace {

bool fits_int8(int64_t v) { return v >= -128 && v <= 127; }

uint8_t dwarf_reg(Reg r) {
    // The i386 DWARF numbering happens to equal the hardware register number.
    return static_cast<uint8_t>(r);
}

bool callee_saved(Reg r) { return r == ebx || r == esi || r == edi || r == ebp; }

}  // namespace

Label Emitter::new_label() {
    m_labels.push_back(-1);
    return Label{static_cast<int>(m_labels.size() - 1)};
}

void Emitter::bind(Label label) {
    if (label.id < 0 || static_cast<size_t>(label.id) >= m_labels.size()) throw std::logic_error("bad label");
    if (m_labels[label.id] >= 0) throw std::logic_error("label bound twice");
    m_labels[label.id] = static_cast<int64_t>(m_code.size());
}

uint32_t Emitter::address_of(Label label) const {
    if (label.id < 0 || static_cast<size_t>(label.id) >= m_labels.size() || m_labels[label.id] < 0)
        throw std::logic_error("label not bound");
    return m_origin + static_cast<uint32_t>(m_labels[label.id]);
}

void Emitter::align(uint32_t alignment, uint8_t fill) {
    while (here() % alignment != 0) byte(fill);
}

void Emitter::pad_to(uint32_t address, uint8_t fill) {
    if (address < here()) throw std::logic_error("pad_to: already past " + std::to_string(address));
    while (here() < address) byte(fill);
}

void Emitter::raw(std::initializer_list<uint8_t> bytes) {
    for (uint8_t b : bytes) byte(b);
}

void Emitter::imm32(uint32_t v) {
    for (int i = 0; i < 4; ++i) byte((v >> (8 * i)) & 0xff);
}

void Emitter::modrm_reg(uint8_t reg_field, Reg rm) {
    byte(static_cast<uint8_t>(0xc0 | (reg_field << 3) | rm));
}

// ModR/M + SIB + displacement for a memory operand (SDM Vol.2A Tables 2-2 and 2-3).
void Emitter::modrm_mem(uint8_t reg_field, const Mem& m) {
    const uint8_t reg = static_cast<uint8_t>(reg_field << 3);
    if (!m.base && !m.index) {  // [disp32]: mod 00, r/m 101
        byte(reg | 0x05);
        imm32(static_cast<uint32_t>(m.disp));
        return;
    }
    uint8_t scale_bits = 0;
    if (m.index) {
        if (*m.index == esp) throw std::logic_error("esp cannot be an index");
        switch (m.scale) {
            case 1: scale_bits = 0; break;
            case 2: scale_bits = 1; break;
            case 4: scale_bits = 2; break;
            case 8: scale_bits = 3; break;
            default: throw std::logic_error("bad scale");
        }
    }
    if (!m.base) {  // [index*scale + disp32]: SIB with base 101 and mod 00
        byte(reg | 0x04);
        byte(static_cast<uint8_t>((scale_bits << 6) | (*m.index << 3) | 0x05));
        imm32(static_cast<uint32_t>(m.disp));
        return;
    }
    const Reg base = *m.base;
    uint8_t mod;
    if (m.disp == 0 && base != ebp) mod = 0x00;  // [ebp] with mod 00 would mean [disp32]
    else if (fits_int8(m.disp)) mod = 0x40;
    else mod = 0x80;
    if (m.index || base == esp) {  // r/m 100: a SIB byte follows
        byte(mod | reg | 0x04);
        uint8_t index_bits = m.index ? static_cast<uint8_t>(*m.index) : 0x04;  // 100 = no index
        byte(static_cast<uint8_t>((scale_bits << 6) | (index_bits << 3) | base));
    } else {
        byte(mod | reg | base);
    }
    if (mod == 0x40) byte(static_cast<uint8_t>(static_cast<int8_t>(m.disp)));
    else if (mod == 0x80) imm32(static_cast<uint32_t>(m.disp));
}

void Emitter::push_r(Reg r, CfiSave save) {
    byte(static_cast<uint8_t>(0x50 + r));
    if (!m_cfi) return;
    m_cfa_offset += 4;
    after_stack_change();
    bool record = save == CfiSave::Yes || (save == CfiSave::Auto && callee_saved(r));
    if (record && !(m_saved_mask & (1u << r))) {
        m_cfi->offset(dwarf_reg(r), m_cfa_offset);
        m_saved_mask |= 1u << r;
    }
}

void Emitter::pop_r(Reg r) {
    byte(static_cast<uint8_t>(0x58 + r));
    if (!m_cfi) return;
    if (m_cfa_offset <= 4) throw std::logic_error("pop below the return address");
    m_cfa_offset -= 4;
    after_stack_change();
    if (m_saved_mask & (1u << r)) {
        m_cfi->restore(dwarf_reg(r));  // back to the CIE's rule: the register holds its own value
        m_saved_mask &= ~(1u << r);
    }
}

void Emitter::after_stack_change() {
    m_cfi->at(here());
    m_cfi->def_cfa_offset(m_cfa_offset);
}

void Emitter::mov_r_r(Reg dst, Reg src) {
    byte(0x89);
    modrm_reg(src, dst);
}

void Emitter::mov_r_m(Reg dst, const Mem& src) {
    byte(0x8b);
    modrm_mem(dst, src);
}

void Emitter::mov_m_r(const Mem& dst, Reg src) {
    byte(0x89);
    modrm_mem(src, dst);
}

void Emitter::mov_r_imm(Reg dst, uint32_t imm) {
    byte(static_cast<uint8_t>(0xb8 + dst));
    imm32(imm);
}

void Emitter::mov_m_imm(const Mem& dst, uint32_t imm) {
    byte(0xc7);
    modrm_mem(0, dst);
    imm32(imm);
}

void Emitter::lea_r_m(Reg dst, const Mem& src) {
    byte(0x8d);
    modrm_mem(dst, src);
}

void Emitter::alu_r_r(Alu op, Reg dst, Reg src) {
    byte(static_cast<uint8_t>(static_cast<uint8_t>(op) * 8 + 1));
    modrm_reg(src, dst);
}

void Emitter::alu_r_m(Alu op, Reg dst, const Mem& src) {
    byte(static_cast<uint8_t>(static_cast<uint8_t>(op) * 8 + 3));
    modrm_mem(dst, src);
}

void Emitter::alu_r_imm(Alu op, Reg dst, int32_t imm) {
    if (fits_int8(imm)) {
        byte(0x83);
        modrm_reg(static_cast<uint8_t>(op), dst);
        byte(static_cast<uint8_t>(static_cast<int8_t>(imm)));
    } else {
        byte(0x81);
        modrm_reg(static_cast<uint8_t>(op), dst);
        imm32(static_cast<uint32_t>(imm));
    }
}

void Emitter::alu_m_imm(Alu op, const Mem& dst, int32_t imm) {
    if (fits_int8(imm)) {
        byte(0x83);
        modrm_mem(static_cast<uint8_t>(op), dst);
        byte(static_cast<uint8_t>(static_cast<int8_t>(imm)));
    } else {
        byte(0x81);
        modrm_mem(static_cast<uint8_t>(op), dst);
        imm32(static_cast<uint32_t>(imm));
    }
}

void Emitter::test_r_r(Reg a, Reg b) {
    byte(0x85);
    modrm_reg(b, a);
}

void Emitter::test_r_imm(Reg r, uint32_t imm) {
    byte(0xf7);
    modrm_reg(0, r);
    imm32(imm);
}

void Emitter::shl_r_imm(Reg r, uint8_t count) {
    byte(0xc1);
    modrm_reg(4, r);
    byte(count);
}

void Emitter::shrd_r_r_cl(Reg dst, Reg src) {
    byte(0x0f);
    byte(0xad);
    modrm_reg(src, dst);
}

void Emitter::mul_m(const Mem& src) {
    byte(0xf7);
    modrm_mem(4, src);
}

void Emitter::div_r(Reg divisor) {
    byte(0xf7);
    modrm_reg(6, divisor);
}

void Emitter::div_m(const Mem& divisor) {
    byte(0xf7);
    modrm_mem(6, divisor);
}

void Emitter::jcc(Cond cond, Label target, Jump width) {
    if (width == Jump::Short) {
        byte(static_cast<uint8_t>(0x70 + static_cast<uint8_t>(cond)));
        m_fixups.push_back({m_code.size(), target.id, 1});
        byte(0);
    } else {
        byte(0x0f);
        byte(static_cast<uint8_t>(0x80 + static_cast<uint8_t>(cond)));
        m_fixups.push_back({m_code.size(), target.id, 4});
        imm32(0);
    }
}

void Emitter::jmp(Label target, Jump width) {
    if (width == Jump::Short) {
        byte(0xeb);
        m_fixups.push_back({m_code.size(), target.id, 1});
        byte(0);
    } else {
        byte(0xe9);
        m_fixups.push_back({m_code.size(), target.id, 4});
        imm32(0);
    }
}

void Emitter::int_imm(uint8_t vector) {
    byte(0xcd);
    byte(vector);
}

void Emitter::ret() { byte(0xc3); }
void Emitter::rdtsc() { raw({0x0f, 0x31}); }
void Emitter::pause() { raw({0xf3, 0x90}); }
void Emitter::sysenter() { raw({0x0f, 0x34}); }
void Emitter::nop() { byte(0x90); }

void Emitter::begin_function(dwarf::CieKind cie, std::optional<uint32_t> fde_start) {
    if (m_cfi) throw std::logic_error("begin_function inside a function");
    m_fde_start = fde_start.value_or(here());
    m_cie = cie;
    m_cfi.emplace(m_fde_start);
    m_cfa_offset = 4;
    m_saved_mask = 0;
}

dwarf::CfiProgram& Emitter::cfi() {
    if (!m_cfi) throw std::logic_error("no open function");
    return *m_cfi;
}

dwarf::Fde Emitter::end_function() {
    if (!m_cfi) throw std::logic_error("end_function without begin_function");
    if (m_cie == dwarf::CieKind::Normal && (m_cfa_offset != 4 || m_saved_mask != 0))
        throw std::logic_error("function ends with an unbalanced stack");
    dwarf::Fde fde{m_fde_start, here(), m_cie, m_cfi->bytes()};
    m_cfi.reset();
    return fde;
}

std::vector<uint8_t> Emitter::finish() {
    for (const Fixup& f : m_fixups) {
        if (f.label < 0 || static_cast<size_t>(f.label) >= m_labels.size() || m_labels[f.label] < 0)
            throw std::logic_error("jump to an unbound label");
        int64_t next = static_cast<int64_t>(f.at) + f.width;  // rel is from the end of the insn
        int64_t rel = m_labels[f.label] - next;
        if (f.width == 1) {
            if (!fits_int8(rel)) throw std::logic_error("rel8 jump out of range: " + std::to_string(rel));
            m_code[f.at] = static_cast<uint8_t>(static_cast<int8_t>(rel));
        } else {
            uint32_t v = static_cast<uint32_t>(static_cast<int32_t>(rel));
            for (int i = 0; i < 4; ++i) m_code[f.at + i] = (v >> (8 * i)) & 0xff;
        }
    }
    if (m_cfi) throw std::logic_error("finish with an open function");
    return m_code;
}

}  // namespace gate386::x86
