// Data movement: MOV MOVZX MOVSX LEA XCHG BSWAP CMOVcc SETcc XLAT, CBW/CWDE/CWD/CDQ, and the
// segment-register forms of MOV and LDS/LES/LFS/LGS/LSS that Linux programs use for TLS (SDM Vol.2).
#include <initializer_list>

#include "cpu/ea_forms.h"
#include "cpu/fixed_regs.h"
#include "cpu/threading.h"
#include "cpu/flags.h"
#include "cpu/insn_desc.h"
#include "cpu/moves.h"
#include "cpu/segments.h"

namespace gate386 {

namespace {

// R says where the register operands are: the record, or constants in a fixed-register twin.
template <typename T, typename R = RegsFromRecord> void mov_r_r(Cpu& c, const Insn& i) {
    set_reg<T>(c, R::r1(i), get_reg<T>(c, R::r2(i)));
}
template <typename T, Ea E = Ea::Full, typename R = RegsFromRecord> void mov_r_m(Cpu& c, const Insn& i) {
    set_reg<T>(c, R::r1(i), load<T>(c, ea<E, R>(c, i)));
}
template <typename T, Ea E = Ea::Full, typename R = RegsFromRecord> void mov_m_r(Cpu& c, const Insn& i) {
    store<T>(c, ea<E, R>(c, i), get_reg<T>(c, R::r1(i)));
}
template <typename T> void mov_r_i(Cpu& c, const Insn& i) { set_reg<T>(c, i.r1, T(i.imm)); }
template <typename T, Ea E = Ea::Full> void mov_m_i(Cpu& c, const Insn& i) { store<T>(c, ea<E>(c, i), T(i.imm)); }

// mov %sreg, r/m16 stores the selector; mov r/m16, %sreg loads a selector and its base (segments.h).
void mov_r_seg(Cpu& c, const Insn& i) {
    uint32_t v = c.m_seg_sel[i.aux];
    if (i.imm2 == 32) set_reg<uint32_t>(c, i.r1, v);   // 32-bit form zero-extends on P6+
    else set_reg<uint16_t>(c, i.r1, uint16_t(v));
}
void mov_m_seg(Cpu& c, const Insn& i) { store<uint16_t>(c, effective_address(c, i), c.m_seg_sel[i.aux]); }
void mov_seg_r(Cpu& c, const Insn& i) { load_segment(c, i.aux, get_reg<uint16_t>(c, i.r1)); }
void mov_seg_m(Cpu& c, const Insn& i) { load_segment(c, i.aux, load<uint16_t>(c, effective_address(c, i))); }

bool select_mov(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (is_reg(a) && a.rclass == RegClass::Seg) {
        rec.aux = a.reg;
        if (is_gpr(b)) { rec.r1 = b.reg_offset; rec.fn = mov_seg_r; return true; }
        if (is_mem(b)) { fill_mem(rec, b); rec.fn = mov_seg_m; return true; }
        return false;
    }
    if (is_reg(b) && b.rclass == RegClass::Seg) {
        rec.aux = b.reg;
        if (is_gpr(a)) { rec.r1 = a.reg_offset; rec.imm2 = a.bits; rec.fn = mov_r_seg; return true; }
        if (is_mem(a)) { fill_mem(rec, a); rec.fn = mov_m_seg; return true; }
        return false;
    }
    auto pick = [&](auto tag) -> Handler {
        using T = decltype(tag);
        if (is_gpr(a) && is_gpr(b)) { rec.r1 = a.reg_offset; rec.r2 = b.reg_offset; return mov_r_r<T>; }
        if (is_gpr(a) && is_mem(b)) { rec.r1 = a.reg_offset; fill_mem(rec, b); return mov_r_m<T>; }
        if (is_mem(a) && is_gpr(b)) { rec.r1 = b.reg_offset; fill_mem(rec, a); return mov_m_r<T>; }
        if (is_gpr(a) && is_imm(b)) { rec.r1 = a.reg_offset; rec.imm = b.imm; return mov_r_i<T>; }
        if (is_mem(a) && is_imm(b)) { fill_mem(rec, a); rec.imm = b.imm; return mov_m_i<T>; }
        return nullptr;
    };
    switch (a.bits) {
    case 8: rec.fn = pick(uint8_t{}); break;
    case 16: rec.fn = pick(uint16_t{}); break;
    case 32: rec.fn = pick(uint32_t{}); break;
    default: return false;
    }
    return rec.fn != nullptr;
}

// MOVZX / MOVSX: destination width D, source width S.
template <typename D, typename S, bool Signed> D extend(S v) {
    if constexpr (Signed) return D(std::make_signed_t<D>(std::make_signed_t<S>(v)));
    else return D(v);
}
template <typename D, typename S, bool Signed> void movx_r_r(Cpu& c, const Insn& i) {
    set_reg<D>(c, i.r1, extend<D, S, Signed>(get_reg<S>(c, i.r2)));
}
template <typename D, typename S, bool Signed, Ea E = Ea::Full> void movx_r_m(Cpu& c, const Insn& i) {
    set_reg<D>(c, i.r1, extend<D, S, Signed>(load<S>(c, ea<E>(c, i))));
}
template <bool Signed> bool select_movx(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2 || !is_gpr(d.ops[0])) return false;
    const OperandDesc& b = d.ops[1];
    rec.r1 = d.ops[0].reg_offset;
    bool reg = is_gpr(b);
    if (reg) rec.r2 = b.reg_offset;
    else if (is_mem(b)) fill_mem(rec, b);
    else return false;
    unsigned dw = d.ops[0].bits, sw = b.bits;
    if (dw == 32 && sw == 8) rec.fn = reg ? movx_r_r<uint32_t, uint8_t, Signed> : movx_r_m<uint32_t, uint8_t, Signed>;
    else if (dw == 32 && sw == 16) rec.fn = reg ? movx_r_r<uint32_t, uint16_t, Signed> : movx_r_m<uint32_t, uint16_t, Signed>;
    else if (dw == 16 && sw == 8) rec.fn = reg ? movx_r_r<uint16_t, uint8_t, Signed> : movx_r_m<uint16_t, uint8_t, Signed>;
    else if (dw == 16 && sw == 16) rec.fn = reg ? movx_r_r<uint16_t, uint16_t, Signed> : movx_r_m<uint16_t, uint16_t, Signed>;
    else return false;
    return true;
}

// LEA computes the offset only: no segment base (SDM Vol.2A LEA).
template <typename T> void lea_r(Cpu& c, const Insn& i) {
    set_reg<T>(c, i.r1, T(i.disp + c.m_regs[i.base] + (c.m_regs[i.index] << i.scale)));
}
bool select_lea(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2 || !is_gpr(d.ops[0]) || !is_mem(d.ops[1])) return false;
    rec.r1 = d.ops[0].reg_offset;
    fill_mem(rec, d.ops[1]);
    rec.seg = kSegFlat;
    rec.fn = d.ops[0].bits == 16 ? lea_r<uint16_t> : lea_r<uint32_t>;
    return true;
}

template <typename T> void xchg_r_r(Cpu& c, const Insn& i) {
    T a = get_reg<T>(c, i.r1), b = get_reg<T>(c, i.r2);
    set_reg<T>(c, i.r1, b);
    set_reg<T>(c, i.r2, a);
}
template <typename T> void xchg_m_r(Cpu& c, const Insn& i) {
    uint32_t ea = effective_address(c, i);
    T m = load<T>(c, ea);
    store<T>(c, ea, get_reg<T>(c, i.r1));
    set_reg<T>(c, i.r1, m);
}
void nop(Cpu&, const Insn&) {}

bool select_xchg(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (is_gpr(a) && is_gpr(b)) {
        rec.r1 = a.reg_offset; rec.r2 = b.reg_offset;
        if (a.reg_offset == b.reg_offset) { rec.fn = nop; return true; }
        rec.fn = a.bits == 8 ? xchg_r_r<uint8_t> : a.bits == 16 ? xchg_r_r<uint16_t> : xchg_r_r<uint32_t>;
        return true;
    }
    const OperandDesc& m = is_mem(a) ? a : b;
    const OperandDesc& r = is_mem(a) ? b : a;
    if (!is_mem(m) || !is_gpr(r)) return false;
    fill_mem(rec, m);
    rec.r1 = r.reg_offset;
    rec.fn = r.bits == 8 ? xchg_m_r<uint8_t> : r.bits == 16 ? xchg_m_r<uint16_t> : xchg_m_r<uint32_t>;
    return true;
}

void bswap_r(Cpu& c, const Insn& i) { c.m_regs[i.r1 / 4] = __builtin_bswap32(c.m_regs[i.r1 / 4]); }
// BSWAP with a 16-bit operand is undefined; P6-family processors zero the low word.
void bswap_r16(Cpu& c, const Insn& i) { set_reg<uint16_t>(c, i.r1, 0); }
bool select_bswap(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1 || !is_gpr(d.ops[0])) return false;
    rec.r1 = d.ops[0].reg_offset;
    rec.fn = d.ops[0].bits == 32 ? bswap_r : bswap_r16;
    return true;
}

template <Cond C, typename T> void cmov_r_r(Cpu& c, const Insn& i) {
    if (test_cond<C>(c)) set_reg<T>(c, i.r1, get_reg<T>(c, i.r2));
}
// The memory operand is read whether or not the condition holds (SDM Vol.2A CMOVcc).
template <Cond C, typename T> void cmov_r_m(Cpu& c, const Insn& i) {
    T v = load<T>(c, effective_address(c, i));
    if (test_cond<C>(c)) set_reg<T>(c, i.r1, v);
}
template <Cond C> bool select_cmov(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2 || !is_gpr(d.ops[0])) return false;
    rec.r1 = d.ops[0].reg_offset;
    const OperandDesc& b = d.ops[1];
    bool w32 = d.ops[0].bits == 32;
    if (is_gpr(b)) { rec.r2 = b.reg_offset; rec.fn = w32 ? cmov_r_r<C, uint32_t> : cmov_r_r<C, uint16_t>; return true; }
    if (is_mem(b)) { fill_mem(rec, b); rec.fn = w32 ? cmov_r_m<C, uint32_t> : cmov_r_m<C, uint16_t>; return true; }
    return false;
}

template <Cond C> void setcc_r(Cpu& c, const Insn& i) { set_reg<uint8_t>(c, i.r1, test_cond<C>(c)); }
template <Cond C> void setcc_m(Cpu& c, const Insn& i) { store<uint8_t>(c, effective_address(c, i), test_cond<C>(c)); }
template <Cond C> bool select_setcc(const InsnDesc& d, Insn& rec) {
    if (d.nops != 1) return false;
    if (is_gpr(d.ops[0])) { rec.r1 = d.ops[0].reg_offset; rec.fn = setcc_r<C>; return true; }
    if (is_mem(d.ops[0])) { fill_mem(rec, d.ops[0]); rec.fn = setcc_m<C>; return true; }
    return false;
}

void cbw(Cpu& c, const Insn&) { set_reg<uint16_t>(c, 0, uint16_t(int16_t(int8_t(c.m_regs[kEax])))); }
void cwde(Cpu& c, const Insn&) { c.m_regs[kEax] = uint32_t(int32_t(int16_t(c.m_regs[kEax]))); }
void cwd(Cpu& c, const Insn&) { set_reg<uint16_t>(c, 8, (c.m_regs[kEax] & 0x8000) ? 0xffff : 0); }
void cdq(Cpu& c, const Insn&) { c.m_regs[kEdx] = (c.m_regs[kEax] & 0x80000000u) ? 0xffffffffu : 0; }
// XLAT: AL = [seg:EBX + AL], or [seg:BX + AL] wrapped at 64 KiB with a 16-bit address size
// (SDM Vol.2B XLAT). The record carries the segment slot.
void xlat(Cpu& c, const Insn& i) {
    uint32_t a = c.m_regs[kEbx] + (c.m_regs[kEax] & 0xff) + c.m_seg_base[i.seg];
    set_reg<uint8_t>(c, 0, load<uint8_t>(c, a));
}
void xlat16(Cpu& c, const Insn& i) {
    uint32_t a = ((c.m_regs[kEbx] + (c.m_regs[kEax] & 0xff)) & 0xffff) + c.m_seg_base[i.seg];
    set_reg<uint8_t>(c, 0, load<uint8_t>(c, a));
}
// XLAT's memory operand is implicit, so the decoder's visible operands do not carry its segment:
// read the override from the prefix bytes (the last one counts; only %fs and %gs have a base).
bool select_xlat(const InsnDesc& d, Insn& rec) {
    rec.seg = kSegFlat;
    for (unsigned k = 0; k < d.len && k < sizeof d.bytes && d.bytes[k] != 0xd7; k++) {
        if (d.bytes[k] == 0x64) rec.seg = kSegFs;
        else if (d.bytes[k] == 0x65) rec.seg = kSegGs;
        else if (d.bytes[k] == 0x26 || d.bytes[k] == 0x2e || d.bytes[k] == 0x36 || d.bytes[k] == 0x3e) rec.seg = kSegFlat;
    }
    rec.fn = d.addrsize == 16 ? xlat16 : xlat;
    return true;
}

// LDS/LES/LFS/LGS/LSS r, m16:32 (m16:16 with a 16-bit operand size): the offset goes to the
// register and the selector stored after it to the segment register. The selector is checked
// (and may fault) before the register changes (SDM Vol.2A LDS/LES/LFS/LGS/LSS).
template <typename T> void load_far_ptr(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    T off = load<T>(c, a);
    uint16_t sel = load<uint16_t>(c, a + sizeof(T));
    load_segment(c, i.aux, sel);
    set_reg<T>(c, i.r1, off);
}
template <Sreg S> bool select_load_far(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2 || !is_gpr(d.ops[0]) || !is_mem(d.ops[1])) return false;   // mod=11 is #UD
    rec.r1 = d.ops[0].reg_offset;
    rec.aux = S;
    fill_mem(rec, d.ops[1]);
    rec.fn = d.ops[0].bits == 16 ? load_far_ptr<uint16_t> : load_far_ptr<uint32_t>;
    return true;
}

bool select_fixed(Handler h, Insn& rec) { rec.fn = h; return true; }

// The 32-bit moves as Forms for their fixed-register twins (cpu/fixed_regs.h).
struct MovRR { template <typename R> static constexpr Handler fn = mov_r_r<uint32_t, R>; };
struct MovRMem { template <typename R> static constexpr Handler fn = mov_r_m<uint32_t, Ea::BaseDisp, R>; };
struct MovMemR { template <typename R> static constexpr Handler fn = mov_m_r<uint32_t, Ea::BaseDisp, R>; };
struct MovRMemIndexed { template <typename R> static constexpr Handler fn = mov_r_m<uint32_t, Ea::BaseIndex, R>; };
struct MovMemIndexedR { template <typename R> static constexpr Handler fn = mov_m_r<uint32_t, Ea::BaseIndex, R>; };

}  // namespace

Handler mov32_reg_from_reg() { return mov_r_r<uint32_t>; }

template <Cond... Cs> void register_threaded_conditionals() {
    register_pure_handlers<cmov_r_r<Cs, uint32_t>..., cmov_r_r<Cs, uint16_t>..., setcc_r<Cs>...>();
    register_threaded_handlers<cmov_r_m<Cs, uint32_t>..., cmov_r_m<Cs, uint16_t>..., setcc_m<Cs>...>();
}
template <typename T> void register_threaded_moves() {
    register_pure_handlers<mov_r_r<T>, mov_r_i<T>>();
    register_threaded_handlers<mov_r_m<T>, mov_m_r<T>, mov_m_i<T>, mov_r_m<T, Ea::BaseDisp>,
                               mov_m_r<T, Ea::BaseDisp>, mov_m_i<T, Ea::BaseDisp>>();
    register_base_disp_twin(mov_r_m<T>, mov_r_m<T, Ea::BaseDisp>);
    register_base_disp_twin(mov_m_r<T>, mov_m_r<T, Ea::BaseDisp>);
    register_base_disp_twin(mov_m_i<T>, mov_m_i<T, Ea::BaseDisp>);
    register_threaded_handlers<mov_r_m<T, Ea::BaseIndex>, mov_m_r<T, Ea::BaseIndex>>();
    register_base_index_twin(mov_r_m<T>, mov_r_m<T, Ea::BaseIndex>);
    register_base_index_twin(mov_m_r<T>, mov_m_r<T, Ea::BaseIndex>);
}
template <typename D, typename S, bool Signed> void register_movx_forms() {
    register_pure_handlers<movx_r_r<D, S, Signed>>();
    register_threaded_handlers<movx_r_m<D, S, Signed>, movx_r_m<D, S, Signed, Ea::BaseDisp>>();
    register_base_disp_twin(movx_r_m<D, S, Signed>, movx_r_m<D, S, Signed, Ea::BaseDisp>);
}

void register_data_move() {
    register_threaded_moves<uint8_t>();
    register_threaded_moves<uint16_t>();
    register_threaded_moves<uint32_t>();
    register_movx_forms<uint32_t, uint8_t, false>();
    register_movx_forms<uint32_t, uint8_t, true>();
    register_movx_forms<uint32_t, uint16_t, false>();
    register_movx_forms<uint32_t, uint16_t, true>();
    register_movx_forms<uint16_t, uint8_t, false>();
    register_movx_forms<uint16_t, uint8_t, true>();
    register_pure_handlers<xchg_r_r<uint32_t>, bswap_r, nop, cwde, cdq, lea_r<uint16_t>, lea_r<uint32_t>>();
    register_two_reg_twins<MovRR>();
    register_reg_base_twins<MovRMem, MovMemR, MovRMemIndexed, MovMemIndexedR>();
    register_threaded_conditionals<kO, kNO, kB, kNB, kZ, kNZ, kBE, kNBE, kS, kNS, kP, kNP, kL, kNL, kLE, kNLE>();
    register_selector(Mn::MOV, select_mov);
    register_selector(Mn::MOVZX, select_movx<false>);
    register_selector(Mn::MOVSX, select_movx<true>);
    register_selector(Mn::LEA, select_lea);
    register_selector(Mn::XCHG, select_xchg);
    register_selector(Mn::BSWAP, select_bswap);
    register_selector(Mn::NOP, [](const InsnDesc&, Insn& r) { return select_fixed(nop, r); });
    register_selector(Mn::PAUSE, [](const InsnDesc&, Insn& r) { return select_fixed(nop, r); });
    register_selector(Mn::ENDBR32, [](const InsnDesc&, Insn& r) { return select_fixed(nop, r); });
    register_selector(Mn::LFENCE, [](const InsnDesc&, Insn& r) { return select_fixed(nop, r); });
    register_selector(Mn::MFENCE, [](const InsnDesc&, Insn& r) { return select_fixed(nop, r); });
    register_selector(Mn::SFENCE, [](const InsnDesc&, Insn& r) { return select_fixed(nop, r); });
    for (Mn m : {Mn::PREFETCHNTA, Mn::PREFETCHT0, Mn::PREFETCHT1, Mn::PREFETCHT2})
        register_selector(m, [](const InsnDesc&, Insn& r) { return select_fixed(nop, r); });
    register_selector(Mn::CBW, [](const InsnDesc&, Insn& r) { return select_fixed(cbw, r); });
    register_selector(Mn::CWDE, [](const InsnDesc&, Insn& r) { return select_fixed(cwde, r); });
    register_selector(Mn::CWD, [](const InsnDesc&, Insn& r) { return select_fixed(cwd, r); });
    register_selector(Mn::CDQ, [](const InsnDesc&, Insn& r) { return select_fixed(cdq, r); });
    register_selector(Mn::XLAT, select_xlat);
    register_selector(Mn::LDS, select_load_far<kDs>);
    register_selector(Mn::LES, select_load_far<kEs>);
    register_selector(Mn::LFS, select_load_far<kFs>);
    register_selector(Mn::LGS, select_load_far<kGs>);
    register_selector(Mn::LSS, select_load_far<kSs>);
#define GATE386_CC(cc, k)                                  \
    register_selector(Mn::CMOV##cc, select_cmov<k>);       \
    register_selector(Mn::SET##cc, select_setcc<k>);
    GATE386_CC(O, kO) GATE386_CC(NO, kNO) GATE386_CC(B, kB) GATE386_CC(NB, kNB)
    GATE386_CC(Z, kZ) GATE386_CC(NZ, kNZ) GATE386_CC(BE, kBE) GATE386_CC(NBE, kNBE)
    GATE386_CC(S, kS) GATE386_CC(NS, kNS) GATE386_CC(P, kP) GATE386_CC(NP, kNP)
    GATE386_CC(L, kL) GATE386_CC(NL, kNL) GATE386_CC(LE, kLE) GATE386_CC(NLE, kNLE)
#undef GATE386_CC
}

}  // namespace gate386
