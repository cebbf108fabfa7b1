// BOUND r16/r32, m16&16/m32&32: the signed array-index check (SDM Vol.2A BOUND). An index outside
// [lower, upper] raises #BR, which Linux delivers as SIGSEGV with si_code SI_KERNEL
// (arch/x86/kernel/traps.c, exc_bounds without MPX).
#include <csignal>
#include <type_traits>

#include "cpu/families.h"
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {

template <typename T> void bound_r_m(Cpu& c, const Insn& i) {
    using S = std::make_signed_t<T>;
    uint32_t a = effective_address(c, i);
    S index = static_cast<S>(get_reg<T>(c, i.r1));
    S lower = static_cast<S>(load<T>(c, a));
    S upper = static_cast<S>(load<T>(c, a + sizeof(T)));
    if (index < lower || index > upper) raise_fault(c, SIGSEGV, 0x80 /*SI_KERNEL*/, 0);
}

bool select_bound(const InsnDesc& d, Insn& rec) {
    if (d.nops != 2 || !is_gpr(d.ops[0]) || !is_mem(d.ops[1])) return false;
    rec.r1 = d.ops[0].reg_offset;
    fill_mem(rec, d.ops[1]);
    rec.fn = d.ops[0].bits == 16 ? bound_r_m<uint16_t> : bound_r_m<uint32_t>;
    return true;
}

}  // namespace

void register_bound() { register_selector(Mn::BOUND, select_bound); }

}  // namespace gate386
