#include "cpu/flag_liveness.h"

#include <unordered_map>

namespace gate386 {

namespace {

// Bit order CF PF AF ZF SF OF, as in EFLAGS (SDM Vol.1 3.4.3.1) with the gaps closed.
constexpr uint8_t kAll = 0x3f, kCF = 1, kOF = 0x20;

std::unordered_map<Handler, Handler>& twins() {
    static std::unordered_map<Handler, Handler> m;
    return m;
}

}  // namespace

void register_flagless_twin(Handler with_flags, Handler without_flags) { twins()[with_flags] = without_flags; }

FlagEffect flag_effect(Mn mn) {
    switch (mn) {
    // Overwrite all six, read none (SDM Vol.1 Appendix A, EFLAGS cross-reference).
    case Mn::ADD: case Mn::SUB: case Mn::AND: case Mn::OR: case Mn::XOR: case Mn::CMP:
    case Mn::TEST: case Mn::NEG:
        return {0, kAll};
    // Overwrite all six from CF.
    case Mn::ADC: case Mn::SBB:
        return {kCF, kAll};
    // Leave CF as it was: the lazy state carries the old CF through them.
    case Mn::INC: case Mn::DEC:
        return {kCF, kAll & ~kCF};
    // Touch no flag at all.
    case Mn::MOV: case Mn::MOVZX: case Mn::MOVSX: case Mn::LEA: case Mn::PUSH: case Mn::POP:
    case Mn::XCHG: case Mn::NOP: case Mn::BSWAP: case Mn::NOT: case Mn::CBW: case Mn::CWDE:
    case Mn::CWD: case Mn::CDQ: case Mn::ENDBR32:
        return {0, 0};
    default:
        return {kAll, 0};
    }
}

// A shift or rotate by an immediate count: the count is known at decode time. A masked count of 0
// touches no flag. Otherwise SHL/SHR/SAR write all six (AF as this host does, cpu/shift.cpp) and
// ROL/ROR write CF and OF only, keeping SF ZF AF PF of the instruction before them, so those
// flags stay live through a rotate. RCL/RCR read CF and keep the default (read all).
static bool immediate_shift_effect(const InsnDesc& d, FlagEffect& e) {
    bool rotate = d.mn == Mn::ROL || d.mn == Mn::ROR;
    bool shift = d.mn == Mn::SHL || d.mn == Mn::SHR || d.mn == Mn::SAR;
    if ((!rotate && !shift) || d.nops != 2 || !is_imm(d.ops[1])) return false;
    if ((d.ops[1].imm & 31) == 0) e = {0, 0};
    else e = {0, rotate ? static_cast<uint8_t>(kCF | kOF) : kAll};
    return true;
}

FlagEffect flag_effect(const InsnDesc& d) {
    FlagEffect e = flag_effect(d.mn);
    immediate_shift_effect(d, e);
    if (d.mn != Mn::LEA && d.mn != Mn::NOP)
        for (unsigned k = 0; k < d.nops; k++)
            if (is_mem(d.ops[k])) e.reads = kAll;
    return e;
}

void drop_dead_flags(Insn* records, const FlagEffect* effects, size_t count) {
    if (twins().empty()) return;
    uint8_t live = kAll;
    for (size_t k = count; k-- > 0;) {
        const FlagEffect& e = effects[k];
        if (e.writes && !(e.writes & live)) {
            auto it = twins().find(records[k].fn);
            if (it != twins().end()) records[k].fn = it->second;
        }
        live = static_cast<uint8_t>((live & ~e.writes) | e.reads);
    }
}

}  // namespace gate386
