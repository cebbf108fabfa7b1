// The base-plus-displacement twins registered by the families (ea_forms.h).
#include "cpu/ea_forms.h"

#include <unordered_map>

namespace gate386 {

namespace {

std::unordered_map<Handler, Handler>& twins() {
    static std::unordered_map<Handler, Handler> m;
    return m;
}

}  // namespace

void register_base_disp_twin(Handler full, Handler base_disp) { twins()[full] = base_disp; }

void use_base_disp_forms(Insn* records, size_t count) {
    const auto& t = twins();
    for (size_t k = 0; k < count; k++) {
        Insn& r = records[k];
        if (r.index != kZeroReg || r.seg != kSegFlat) continue;
        auto it = t.find(r.fn);
        if (it != t.end()) r.fn = it->second;
    }
}

}  // namespace gate386
