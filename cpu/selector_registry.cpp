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

// Zydis gives some unrelated instructions one mnemonic (MOVSD and CMPSD: string and SSE2). A
// second family registers its selector here; it is tried when the first one rejects the form.
namespace {
Selector g_secondary[static_cast<size_t>(Mn::Count)] = {};
bool select_primary_then_secondary(const InsnDesc& d, Insn& rec) {
    size_t k = static_cast<size_t>(d.mn);
    Insn saved = rec;
    if (g_selectors[k] && g_selectors[k](d, rec)) return true;
    rec = saved;
    return g_secondary[k] && g_secondary[k](d, rec);
}
}  // namespace

void register_secondary_selector(Mn mn, Selector s) { g_secondary[static_cast<size_t>(mn)] = s; }

Selector selector_for(Mn mn) {
    static std::once_flag once;
    std::call_once(once, register_all_selectors);
    if (mn >= Mn::Count) return nullptr;
    if (g_secondary[static_cast<size_t>(mn)]) return select_primary_then_secondary;
    return g_selectors[static_cast<size_t>(mn)];
}

const char* mnemonic_name(Mn m) { return m < Mn::Count ? k_names[static_cast<size_t>(m)] : "?"; }

}  // namespace gate386
