// The base-plus-displacement twins registered by the families (ea_forms.h).
#include "cpu/ea_forms.h"

#include <unordered_map>

namespace gate386 {

namespace {

std::unordered_map<Handler, Handler>& twins() {
    static std::unordered_map<Handler, Handler> m;
    return m;
}
std::unordered_map<Handler, Handler>& indexed_twins() {
    static std::unordered_map<Handler, Handler> m;
    return m;
}

}  // namespace

void register_base_disp_twin(Handler full, Handler base_disp) { twins()[full] = base_disp; }
void register_base_index_twin(Handler full, Handler base_index) { indexed_twins()[full] = base_index; }

void use_base_disp_forms(Insn* records, size_t count) {
    for (size_t k = 0; k < count; k++) {
        Insn& r = records[k];
        if (r.seg != kSegFlat) continue;
        const auto& t = r.index == kZeroReg ? twins() : indexed_twins();
        auto it = t.find(r.fn);
        if (it != t.end()) r.fn = it->second;
    }
}

}  // namespace gate386
