// FPU state images: FNSTENV FLDENV FNSAVE FRSTOR (32-bit protected-mode layouts, SDM Vol.1 8.1.10,
// Figures 8-9 and 8-10) and FXSAVE FXRSTOR (SDM Vol.1 10.5.1, Table 10-2); also the image
// functions the signal frames use.
#include "cpu/x87_internal.h"

namespace gate386 {

unsigned x87_tag_of(const F80& v) {
    unsigned exp = v.se & 0x7fff;
    bool integer_bit = v.mant >> 63;
    if (exp == 0x7fff) return 2;                          // infinity, NaN, pseudo-NaN
    if (exp == 0) return v.mant == 0 ? 1 : 2;             // zero; denormal or pseudo-denormal
    return integer_bit ? 0 : 2;                           // normal; unnormal (unsupported)
}

uint16_t x87_full_tag_word(const X87State& x) {
    uint16_t tw = 0;
    for (unsigned p = 0; p < 8; p++) {
        unsigned t = ((x.valid >> p) & 1) ? x87_tag_of(x.r[p]) : 3;
        tw = uint16_t(tw | (t << (2 * p)));
    }
    return tw;
}

uint8_t x87_valid_from_tag_word(uint16_t tw) {
    uint8_t v = 0;
    for (unsigned p = 0; p < 8; p++)
        if (((tw >> (2 * p)) & 3) != 3) v = uint8_t(v | (1u << p));
    return v;
}

namespace {
inline void put16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }
inline void put32(uint8_t* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline uint16_t get16(const uint8_t* p) { uint16_t v; std::memcpy(&v, p, 2); return v; }
inline uint32_t get32(const uint8_t* p) { uint32_t v; std::memcpy(&v, p, 4); return v; }
}  // namespace

// The reserved upper halves of the 16-bit fields are stored as ones, as this host does.
void x87_store_env(const Cpu& c, uint8_t out[28]) {
    const X87State& x = c.m_x87;
    put32(out + 0, 0xffff0000u | x.cw);
    put32(out + 4, 0xffff0000u | x.status_word());
    put32(out + 8, 0xffff0000u | x87_full_tag_word(x));
    put32(out + 12, x.fip);
    put32(out + 16, x.fcs | (uint32_t(x.fop & 0x7ff) << 16));
    put32(out + 20, x.fdp);
    put32(out + 24, 0xffff0000u | x.fds);
}

void x87_load_env(Cpu& c, const uint8_t in[28]) {
    X87State& x = c.m_x87;
    x.cw = x87_loaded_cw(get16(in + 0));
    uint16_t sw = get16(in + 4);
    x.top = (sw >> 11) & 7;
    x.sw = uint16_t(sw & ~kFswTop);
    x.valid = x87_valid_from_tag_word(get16(in + 8));
    x.fip = get32(in + 12);
    x.fcs = get16(in + 16);
    x.fop = get16(in + 18) & 0x7ff;
    x.fdp = get32(in + 20);
    x.fds = get16(in + 24);
    x87::update_es(x);
}

void x87_store_fsave(const Cpu& c, uint8_t out[108]) {
    x87_store_env(c, out);
    const X87State& x = c.m_x87;
    for (unsigned i = 0; i < 8; i++) {
        const F80& r = x.r[(x.top + i) & 7];
        std::memcpy(out + 28 + 10 * i, &r.mant, 8);
        put16(out + 28 + 10 * i + 8, r.se);
    }
}

void x87_load_fsave(Cpu& c, const uint8_t in[108]) {
    x87_load_env(c, in);
    X87State& x = c.m_x87;
    for (unsigned i = 0; i < 8; i++) {
        F80& r = x.r[(x.top + i) & 7];
        std::memcpy(&r.mant, in + 28 + 10 * i, 8);
        r.se = get16(in + 28 + 10 * i + 8);
    }
}

// FXSAVE stores the instruction and data pointers whatever the exception state, as Intel
// processors do (this host's AMD part stores zeros when no exception is pending).
void fxsave_image(const Cpu& c, uint8_t out[512]) {
    const X87State& x = c.m_x87;
    std::memset(out, 0, 288);
    put16(out + 0, x.cw);
    put16(out + 2, x.status_word());
    out[4] = x.valid;                                   // abridged tag: 1 = not empty
    put16(out + 6, x.fop & 0x7ff);
    put32(out + 8, x.fip);
    put16(out + 12, x.fcs);
    put32(out + 16, x.fdp);
    put16(out + 20, x.fds);
    put32(out + 24, c.m_sse.mxcsr);
    put32(out + 28, kMxcsrMask);
    for (unsigned i = 0; i < 8; i++) {                  // ST(0)..ST(7), stack order
        const F80& r = x.r[(x.top + i) & 7];
        std::memcpy(out + 32 + 16 * i, &r.mant, 8);
        put16(out + 32 + 16 * i + 8, r.se);
    }
    for (unsigned k = 0; k < 8; k++) std::memcpy(out + 160 + 16 * k, c.m_sse.xmm[k].b, 16);
}

bool fxrstor_image(Cpu& c, const uint8_t in[512]) {
    uint32_t mxcsr = get32(in + 24);
    if (mxcsr & ~kMxcsrMask) return false;
    X87State& x = c.m_x87;
    x.cw = x87_loaded_cw(get16(in + 0));
    uint16_t sw = get16(in + 2);
    x.top = (sw >> 11) & 7;
    x.sw = uint16_t(sw & ~kFswTop);
    x.valid = in[4];
    x.fop = get16(in + 6) & 0x7ff;
    x.fip = get32(in + 8);
    x.fcs = get16(in + 12);
    x.fdp = get32(in + 16);
    x.fds = get16(in + 20);
    for (unsigned i = 0; i < 8; i++) {
        F80& r = x.r[(x.top + i) & 7];
        std::memcpy(&r.mant, in + 32 + 16 * i, 8);
        r.se = get16(in + 32 + 16 * i + 8);
    }
    for (unsigned k = 0; k < 8; k++) std::memcpy(c.m_sse.xmm[k].b, in + 160 + 16 * k, 16);
    c.m_sse.mxcsr = mxcsr;
    x87::update_es(x);
    return true;
}

namespace x87 {
namespace {

// FNSTENV stores the environment, then masks every exception (SDM Vol.2A FSTENV).
void fnstenv(Cpu& c, const Insn& i) {
    uint8_t buf[28];
    x87_store_env(c, buf);
    std::memcpy(c.m_mem + effective_address(c, i), buf, sizeof buf);
    c.m_x87.cw |= kFswExceptions;
    update_es(c.m_x87);
}

void fldenv(Cpu& c, const Insn& i) {
    check_pending(c, i);
    uint8_t buf[28];
    std::memcpy(buf, c.m_mem + effective_address(c, i), sizeof buf);
    x87_load_env(c, buf);
}

// FNSAVE stores everything, then initializes the FPU as FNINIT does (SDM Vol.2A FSAVE).
void fnsave(Cpu& c, const Insn& i) {
    uint8_t buf[108];
    x87_store_fsave(c, buf);
    std::memcpy(c.m_mem + effective_address(c, i), buf, sizeof buf);
    x87_reset_state(c.m_x87);
}

void frstor(Cpu& c, const Insn& i) {
    check_pending(c, i);
    uint8_t buf[108];
    std::memcpy(buf, c.m_mem + effective_address(c, i), sizeof buf);
    x87_load_fsave(c, buf);
}

// FXSAVE/FXRSTOR need a 16-byte aligned operand: #GP otherwise, which Linux reports as SIGSEGV
// with si_code SI_KERNEL and no address (SDM Vol.2A FXSAVE; arch/x86/kernel/traps.c).
void fxsave(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    if (a & 15) raise_fault(c, SIGSEGV, SI_KERNEL, 0);
    uint8_t buf[512];
    fxsave_image(c, buf);
    std::memcpy(c.m_mem + a, buf, 288);   // bytes 288..511 are not written in 32-bit mode
}

void fxrstor(Cpu& c, const Insn& i) {
    uint32_t a = effective_address(c, i);
    if (a & 15) raise_fault(c, SIGSEGV, SI_KERNEL, 0);
    uint8_t buf[512];
    std::memcpy(buf, c.m_mem + a, 288);
    if (!fxrstor_image(c, buf)) raise_fault(c, SIGSEGV, SI_KERNEL, 0);
}

template <Handler H, unsigned Bits> bool sel_mem(const InsnDesc& d, Insn& r) {
    if (d.nops < 1 || !is_mem(d.ops[0]) || (Bits && d.ops[0].bits != Bits)) return false;
    fill_x87(d, r);
    fill_mem(r, d.ops[0]);
    r.fn = H;
    return true;
}

}  // namespace
}  // namespace x87

void register_x87_env() {
    using namespace x87;
    // Only the 32-bit layouts: a 0x66 prefix selects the 16-bit ones, which Linux code never uses.
    register_selector(Mn::FNSTENV, sel_mem<fnstenv, 224>);
    register_selector(Mn::FLDENV, sel_mem<fldenv, 224>);
    register_selector(Mn::FNSAVE, sel_mem<fnsave, 864>);
    register_selector(Mn::FRSTOR, sel_mem<frstor, 864>);
    register_selector(Mn::FXSAVE, sel_mem<fxsave, 0>);
    register_selector(Mn::FXRSTOR, sel_mem<fxrstor, 0>);
}

}  // namespace gate386
