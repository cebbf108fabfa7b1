// The table from mnemonic to the family selector that turns an InsnDesc into a record.
#include <mutex>
#include "cpu/insn_desc.h"

namespace gate386 {

namespace {
Selector g_selectors[static_cast<size_t>(Mn::Count)] = {};
const char* const k_names[] = {
#define GATE386_MN_NAME(n) #n,
    GATE386_MNEMONICS(GATE386_MN_NAME)
#undef GATE386_MN_NAME
};
}  // namespace

void register_selector(Mn mn, Selector s) { g_selectors[static_cast<size_t>(mn)] = s; }

Selector selector_for(Mn mn) {
    static std::once_flag once;
    std::call_once(once, register_all_selectors);
    return mn < Mn::Count ? g_selectors[static_cast<size_t>(mn)] : nullptr;
}

const char* mnemonic_name(Mn m) { return m < Mn::Count ? k_names[static_cast<size_t>(m)] : "?"; }

}  // namespace gate386
