// SIMD data movement: MOVD MOVQ (MMX and XMM), MOVAPS/APD MOVUPS/UPD MOVDQA/DQU, MOVSS MOVSD,
// MOVLPS/LPD MOVHPS/HPD MOVLHPS MOVHLPS, MOVMSKPS/PD PMOVMSKB, the non-temporal stores MOVNTI
// MOVNTQ MOVNTPS/PD MOVNTDQ, MASKMOVQ MASKMOVDQU, MOVQ2DQ MOVDQ2Q, LDMXCSR STMXCSR, CLFLUSH
// (SDM Vol.1 9.4.1, 10.4.1, 11.4.1, 11.4.4; Vol.2 entries).
#include "cpu/sse_internal.h"

namespace gate386 {
namespace simd {

[[noreturn]] void gp_fault(Cpu& c) { raise_fault(c, SIGSEGV, SI_KERNEL, 0); }

namespace {

// ---- full 128-bit moves -------------------------------------------------------------------------

void mov_x_x(Cpu& c, const Insn& i) { set_xmm(c, i.r1, xmm(c, i.r2)); }
template <bool Aligned> void mov_x_m(Cpu& c, const Insn& i) {
    uint32_t a = Aligned ? ea_aligned(c, i) : effective_address(c, i);
    set_xmm(c, i.r1, load128(c, a));
}
template <bool Aligned> void mov_m_x(Cpu& c, const Insn& i) {
    uint32_t a = Aligned ? ea_aligned(c, i) : effective_address(c, i);
    store128(c, a, xmm(c, i.r1));
}

// ---- scalar and half moves ----------------------------------------------------------------------

// MOVSS/MOVSD between registers replace the low element only; from memory they zero the rest.
void movss_x_x(Cpu& c, const Insn& i) { std::memcpy(c.m_sse.xmm[i.r1].b, c.m_sse.xmm[i.r2].b, 4); }
void movsd_x_x(Cpu& c, const Insn& i) { std::memcpy(c.m_sse.xmm[i.r1].b, c.m_sse.xmm[i.r2].b, 8); }
void mov32z_x_m(Cpu& c, const Insn& i) { set_xmm(c, i.r1, load32z(c, effective_address(c, i))); }
void mov64z_x_m(Cpu& c, const Insn& i) { set_xmm(c, i.r1, load64z(c, effective_address(c, i))); }
void mov32_m_x(Cpu& c, const Insn& i) { std::memcpy(c.m_mem + effective_address(c, i), c.m_sse.xmm[i.r1].b, 4); }
void mov64_m_x(Cpu& c, const Insn& i) { std::memcpy(c.m_mem + effective_address(c, i), c.m_sse.xmm[i.r1].b, 8); }
void movhi_m_x(Cpu& c, const Insn& i) { std::memcpy(c.m_mem + effective_address(c, i), c.m_sse.xmm[i.r1].b + 8, 8); }
// MOVQ xmm, xmm (F3 0F 7E, 66 0F D6): the low quadword, upper one zeroed.
void movq_x_x(Cpu& c, const Insn& i) { set_xmm(c, i.r1, _mm_move_epi64(xmm(c, i.r2))); }
// MOVLPS/MOVLPD and MOVHPS/MOVHPD loads replace one half.
void movlo_x_m(Cpu& c, const Insn& i) { std::memcpy(c.m_sse.xmm[i.r1].b, c.m_mem + effective_address(c, i), 8); }
void movhi_x_m(Cpu& c, const Insn& i) { std::memcpy(c.m_sse.xmm[i.r1].b + 8, c.m_mem + effective_address(c, i), 8); }
void movlhps(Cpu& c, const Insn& i) { std::memcpy(c.m_sse.xmm[i.r1].b + 8, c.m_sse.xmm[i.r2].b, 8); }
void movhlps(Cpu& c, const Insn& i) { std::memcpy(c.m_sse.xmm[i.r1].b, c.m_sse.xmm[i.r2].b + 8, 8); }

// ---- MOVD/MOVQ with general registers and MMX ---------------------------------------------------

void movd_x_r(Cpu& c, const Insn& i) { set_xmm(c, i.r1, _mm_cvtsi32_si128(int(get_reg<uint32_t>(c, i.r2)))); }
void movd_r_x(Cpu& c, const Insn& i) { set_reg<uint32_t>(c, i.r2, uint32_t(_mm_cvtsi128_si32(xmm(c, i.r1)))); }
void movd_mm_r(Cpu& c, const Insn& i) { mmx_enter(c, i); set_mm(c, i.r1, get_reg<uint32_t>(c, i.r2)); }
void movd_mm_m(Cpu& c, const Insn& i) { mmx_enter(c, i); set_mm(c, i.r1, load<uint32_t>(c, effective_address(c, i))); }
void movd_r_mm(Cpu& c, const Insn& i) { mmx_enter(c, i); set_reg<uint32_t>(c, i.r2, uint32_t(mm(c, i.r1))); }
void movd_m_mm(Cpu& c, const Insn& i) { mmx_enter(c, i); store<uint32_t>(c, effective_address(c, i), uint32_t(mm(c, i.r1))); }
void movq_mm_mm(Cpu& c, const Insn& i) { mmx_enter(c, i); set_mm(c, i.r1, mm(c, i.r2)); }
void movq_mm_m(Cpu& c, const Insn& i) { mmx_enter(c, i); set_mm(c, i.r1, load<uint64_t>(c, effective_address(c, i))); }
void movq_m_mm(Cpu& c, const Insn& i) { mmx_enter(c, i); store<uint64_t>(c, effective_address(c, i), mm(c, i.r1)); }
void movq2dq(Cpu& c, const Insn& i) { mmx_enter(c, i); set_xmm(c, i.r1, mm128(c, i.r2)); }
void movdq2q(Cpu& c, const Insn& i) { mmx_enter(c, i); set_mm(c, i.r1, lo64(xmm(c, i.r2))); }

// ---- masks --------------------------------------------------------------------------------------

void movmskps(Cpu& c, const Insn& i) { set_reg<uint32_t>(c, i.r1, uint32_t(_mm_movemask_ps(_mm_castsi128_ps(xmm(c, i.r2))))); }
void movmskpd(Cpu& c, const Insn& i) { set_reg<uint32_t>(c, i.r1, uint32_t(_mm_movemask_pd(_mm_castsi128_pd(xmm(c, i.r2))))); }
void pmovmskb_x(Cpu& c, const Insn& i) { set_reg<uint32_t>(c, i.r1, uint32_t(_mm_movemask_epi8(xmm(c, i.r2)))); }
void pmovmskb_mm(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    set_reg<uint32_t>(c, i.r1, uint32_t(_mm_movemask_epi8(mm128(c, i.r2))) & 0xff);
}

// MASKMOVQ/MASKMOVDQU store the bytes whose mask byte has its top bit set to DS:[EDI]; bytes
// not selected are not accessed (SDM Vol.2B MASKMOVDQU).
template <unsigned N> inline void masked_store(Cpu& c, const Insn& i, const uint8_t* data, const uint8_t* mask) {
    uint32_t a = c.m_regs[kEdi] + c.m_seg_base[i.seg];
    for (unsigned k = 0; k < N; k++)
        if (mask[k] & 0x80) c.m_mem[uint32_t(a + k)] = data[k];
}
void maskmovq(Cpu& c, const Insn& i) {
    mmx_enter(c, i);
    uint64_t d = mm(c, i.r1), m = mm(c, i.r2);
    masked_store<8>(c, i, reinterpret_cast<const uint8_t*>(&d), reinterpret_cast<const uint8_t*>(&m));
}
void maskmovdqu(Cpu& c, const Insn& i) {
    masked_store<16>(c, i, c.m_sse.xmm[i.r1].b, c.m_sse.xmm[i.r2].b);
}

// ---- MXCSR --------------------------------------------------------------------------------------

// LDMXCSR with a reserved bit set is #GP (SDM Vol.2A LDMXCSR).
void ldmxcsr(Cpu& c, const Insn& i) {
    uint32_t v = load<uint32_t>(c, effective_address(c, i));
    if (v & ~kMxcsrMask) gp_fault(c);
    c.m_sse.mxcsr = v;
}
void stmxcsr(Cpu& c, const Insn& i) { store<uint32_t>(c, effective_address(c, i), c.m_sse.mxcsr); }

void movnti(Cpu& c, const Insn& i) { store<uint32_t>(c, effective_address(c, i), get_reg<uint32_t>(c, i.r2)); }

// CLFLUSH: caches are not modelled.
void clflush(Cpu&, const Insn&) {}

// ---- selectors ----------------------------------------------------------------------------------

// MOVAPS-like: xmm <- xmm/m128 and m128 <- xmm.
template <bool Aligned> bool sel_mov128(const InsnDesc& d, Insn& r) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (is_xmm(a) && is_xmm(b)) { r.r1 = a.reg; r.r2 = b.reg; r.fn = mov_x_x; return true; }
    if (is_xmm(a) && is_mem(b)) { r.r1 = a.reg; fill_mem(r, b); r.fn = mov_x_m<Aligned>; return true; }
    if (is_mem(a) && is_xmm(b)) { r.r1 = b.reg; fill_mem(r, a); r.fn = mov_m_x<Aligned>; return true; }
    return false;
}

// Non-temporal stores: only the memory destination form exists.
bool sel_movnt128(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_mem(d.ops[0]) || !is_xmm(d.ops[1])) return false;
    r.r1 = d.ops[1].reg;
    fill_mem(r, d.ops[0]);
    r.fn = mov_m_x<true>;
    return true;
}

// MOVSS (Bytes 4) and the SSE2 MOVSD (Bytes 8).
template <unsigned Bytes> bool sel_movs(const InsnDesc& d, Insn& r) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (is_xmm(a) && is_xmm(b)) { r.r1 = a.reg; r.r2 = b.reg; r.fn = Bytes == 4 ? movss_x_x : movsd_x_x; return true; }
    if (is_xmm(a) && is_mem(b)) { r.r1 = a.reg; fill_mem(r, b); r.fn = Bytes == 4 ? mov32z_x_m : mov64z_x_m; return true; }
    if (is_mem(a) && is_xmm(b)) { r.r1 = b.reg; fill_mem(r, a); r.fn = Bytes == 4 ? mov32_m_x : mov64_m_x; return true; }
    return false;
}

// MOVLPS/MOVLPD (High = false) and MOVHPS/MOVHPD (High = true): memory forms only.
template <bool High> bool sel_movhalf(const InsnDesc& d, Insn& r) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (is_xmm(a) && is_mem(b)) { r.r1 = a.reg; fill_mem(r, b); r.fn = High ? movhi_x_m : movlo_x_m; return true; }
    if (is_mem(a) && is_xmm(b)) { r.r1 = b.reg; fill_mem(r, a); r.fn = High ? movhi_m_x : mov64_m_x; return true; }
    return false;
}

template <Handler H> bool sel_xx(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_xmm(d.ops[0]) || !is_xmm(d.ops[1])) return false;
    r.r1 = d.ops[0].reg;
    r.r2 = d.ops[1].reg;
    r.fn = H;
    return true;
}

bool sel_movd(const InsnDesc& d, Insn& r) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (is_xmm(a) && is_gpr32(b)) { r.r1 = a.reg; r.r2 = b.reg_offset; r.fn = movd_x_r; return true; }
    if (is_xmm(a) && is_mem(b)) { r.r1 = a.reg; fill_mem(r, b); r.fn = mov32z_x_m; return true; }
    if (is_gpr32(a) && is_xmm(b)) { r.r1 = b.reg; r.r2 = a.reg_offset; r.fn = movd_r_x; return true; }
    if (is_mem(a) && is_xmm(b)) { r.r1 = b.reg; fill_mem(r, a); r.fn = mov32_m_x; return true; }
    if (is_mmx(a) && is_gpr32(b)) { r.r1 = a.reg; r.r2 = b.reg_offset; r.fn = movd_mm_r; return true; }
    if (is_mmx(a) && is_mem(b)) { r.r1 = a.reg; fill_mem(r, b); r.fn = movd_mm_m; return true; }
    if (is_gpr32(a) && is_mmx(b)) { r.r1 = b.reg; r.r2 = a.reg_offset; r.fn = movd_r_mm; return true; }
    if (is_mem(a) && is_mmx(b)) { r.r1 = b.reg; fill_mem(r, a); r.fn = movd_m_mm; return true; }
    return false;
}

bool sel_movq(const InsnDesc& d, Insn& r) {
    if (d.nops != 2) return false;
    const OperandDesc& a = d.ops[0];
    const OperandDesc& b = d.ops[1];
    if (is_xmm(a) && is_xmm(b)) { r.r1 = a.reg; r.r2 = b.reg; r.fn = movq_x_x; return true; }
    if (is_xmm(a) && is_mem(b)) { r.r1 = a.reg; fill_mem(r, b); r.fn = mov64z_x_m; return true; }
    if (is_mem(a) && is_xmm(b)) { r.r1 = b.reg; fill_mem(r, a); r.fn = mov64_m_x; return true; }
    if (is_mmx(a) && is_mmx(b)) { r.r1 = a.reg; r.r2 = b.reg; r.fn = movq_mm_mm; return true; }
    if (is_mmx(a) && is_mem(b)) { r.r1 = a.reg; fill_mem(r, b); r.fn = movq_mm_m; return true; }
    if (is_mem(a) && is_mmx(b)) { r.r1 = b.reg; fill_mem(r, a); r.fn = movq_m_mm; return true; }
    return false;
}

bool sel_movntq(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_mem(d.ops[0]) || !is_mmx(d.ops[1])) return false;
    r.r1 = d.ops[1].reg;
    fill_mem(r, d.ops[0]);
    r.fn = movq_m_mm;
    return true;
}

bool sel_movnti(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_mem(d.ops[0]) || !is_gpr32(d.ops[1])) return false;
    r.r2 = d.ops[1].reg_offset;
    fill_mem(r, d.ops[0]);
    r.fn = movnti;
    return true;
}

template <Handler H> bool sel_mask(const InsnDesc& d, Insn& r) {
    if (d.nops < 2 || !is_gpr32(d.ops[0]) || !is_xmm(d.ops[1])) return false;
    r.r1 = d.ops[0].reg_offset;
    r.r2 = d.ops[1].reg;
    r.fn = H;
    return true;
}

bool sel_pmovmskb(const InsnDesc& d, Insn& r) {
    if (d.nops < 2 || !is_gpr32(d.ops[0])) return false;
    r.r1 = d.ops[0].reg_offset;
    r.r2 = d.ops[1].reg;
    if (is_xmm(d.ops[1])) { r.fn = pmovmskb_x; return true; }
    if (is_mmx(d.ops[1])) { r.fn = pmovmskb_mm; return true; }
    return false;
}

// MASKMOVQ/MASKMOVDQU: data register, mask register; the destination is DS:[EDI] (or a segment
// override), 32-bit addressing only.
template <Handler H, bool Mmx> bool sel_maskmov(const InsnDesc& d, Insn& r) {
    if (d.nops < 2 || d.addrsize != 32) return false;
    bool ok = Mmx ? is_mmx(d.ops[0]) && is_mmx(d.ops[1]) : is_xmm(d.ops[0]) && is_xmm(d.ops[1]);
    if (!ok) return false;
    r.r1 = d.ops[0].reg;
    r.r2 = d.ops[1].reg;
    r.seg = d.nops > 2 && is_mem(d.ops[2]) ? d.ops[2].seg : uint8_t(kSegFlat);
    r.fn = H;
    return true;
}

bool sel_movq2dq(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_xmm(d.ops[0]) || !is_mmx(d.ops[1])) return false;
    r.r1 = d.ops[0].reg;
    r.r2 = d.ops[1].reg;
    r.fn = movq2dq;
    return true;
}

bool sel_movdq2q(const InsnDesc& d, Insn& r) {
    if (d.nops != 2 || !is_mmx(d.ops[0]) || !is_xmm(d.ops[1])) return false;
    r.r1 = d.ops[0].reg;
    r.r2 = d.ops[1].reg;
    r.fn = movdq2q;
    return true;
}

template <Handler H> bool sel_mem_only(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0])) return false;
    fill_mem(r, d.ops[0]);
    r.fn = H;
    return true;
}

}  // namespace
}  // namespace simd

void register_sse_move() {
    using namespace simd;
    register_selector(Mn::MOVAPS, sel_mov128<true>);
    register_selector(Mn::MOVAPD, sel_mov128<true>);
    register_selector(Mn::MOVDQA, sel_mov128<true>);
    register_selector(Mn::MOVUPS, sel_mov128<false>);
    register_selector(Mn::MOVUPD, sel_mov128<false>);
    register_selector(Mn::MOVDQU, sel_mov128<false>);
    register_selector(Mn::MOVNTPS, sel_movnt128);
    register_selector(Mn::MOVNTPD, sel_movnt128);
    register_selector(Mn::MOVNTDQ, sel_movnt128);
    register_selector(Mn::MOVSS, sel_movs<4>);
    register_secondary_selector(Mn::MOVSD, sel_movs<8>);   // the SSE2 form; the string form is first
    register_selector(Mn::MOVLPS, sel_movhalf<false>);
    register_selector(Mn::MOVLPD, sel_movhalf<false>);
    register_selector(Mn::MOVHPS, sel_movhalf<true>);
    register_selector(Mn::MOVHPD, sel_movhalf<true>);
    register_selector(Mn::MOVLHPS, sel_xx<movlhps>);
    register_selector(Mn::MOVHLPS, sel_xx<movhlps>);
    register_selector(Mn::MOVD, sel_movd);
    register_selector(Mn::MOVQ, sel_movq);
    register_selector(Mn::MOVNTQ, sel_movntq);
    register_selector(Mn::MOVNTI, sel_movnti);
    register_selector(Mn::MOVMSKPS, sel_mask<movmskps>);
    register_selector(Mn::MOVMSKPD, sel_mask<movmskpd>);
    register_selector(Mn::PMOVMSKB, sel_pmovmskb);
    register_selector(Mn::MASKMOVQ, sel_maskmov<maskmovq, true>);
    register_selector(Mn::MASKMOVDQU, sel_maskmov<maskmovdqu, false>);
    register_selector(Mn::MOVQ2DQ, sel_movq2dq);
    register_selector(Mn::MOVDQ2Q, sel_movdq2q);
    register_selector(Mn::LDMXCSR, sel_mem_only<ldmxcsr>);
    register_selector(Mn::STMXCSR, sel_mem_only<stmxcsr>);
    register_selector(Mn::CLFLUSH, sel_mem_only<clflush>);
}

}  // namespace gate386
