// The threaded forms of handlers, registered by the families at start-up (threading.h).
#include "cpu/threading.h"

#include <unordered_map>

namespace gate386 {

namespace {

struct Registered {
    ThreadedForms forms{};
    bool pure = false;
    FixedShape shape = FixedShape::TwoRegs;
    const ThreadedForms* fixed = nullptr;   // fixed-register twins, when registered
};

std::unordered_map<Handler, Registered>& registry() {
    static std::unordered_map<Handler, Registered> m;
    return m;
}

struct PairKey {
    Handler first, second;
    bool operator==(const PairKey&) const = default;
};
struct PairKeyHash {
    size_t operator()(const PairKey& k) const {
        return std::hash<const void*>()(reinterpret_cast<const void*>(k.first)) * 31 +
               std::hash<const void*>()(reinterpret_cast<const void*>(k.second));
    }
};
std::unordered_map<PairKey, PairFit, PairKeyHash>& fused_pairs() {
    static std::unordered_map<PairKey, PairFit, PairKeyHash> m;
    return m;
}

std::unordered_map<Handler, Handler>& exit_forms() {
    static std::unordered_map<Handler, Handler> m;
    return m;
}
std::unordered_map<Handler, Handler>& plain_forms() {
    static std::unordered_map<Handler, Handler> m;
    return m;
}

// Register byte offset -> slot 0..7 for a 32-bit register (EAX = 0, ECX = 4, ...); -1 otherwise.
int slot32(uint8_t offset) { return offset % 4 == 0 && offset < 32 ? offset / 4 : -1; }

// The entry of the fixed-register table for this record, or null when its operands do not fit.
const ThreadedForms* fixed_forms_for(const Registered& r, const Insn& i) {
    if (!r.fixed) return nullptr;
    int a = slot32(i.r1);
    if (a < 0) return nullptr;
    switch (r.shape) {
    case FixedShape::TwoRegs: {
        int b = slot32(i.r2);
        return b < 0 ? nullptr : &r.fixed[a * 8 + b];
    }
    case FixedShape::OneReg: return &r.fixed[a];
    case FixedShape::RegAndBase: return i.base < kZeroReg ? &r.fixed[a * 8 + i.base] : nullptr;
    }
    return nullptr;
}

}  // namespace

void register_threaded(Handler plain, ThreadedForms forms, bool pure) {
    Registered& r = registry()[plain];
    r.forms = forms;
    r.pure = pure;
    plain_forms()[forms.named] = plain;
    plain_forms()[forms.quiet] = plain;
}

void register_fixed_register_forms(Handler plain, FixedShape shape, const ThreadedForms* table) {
    Registered& r = registry()[plain];
    r.shape = shape;
    r.fixed = table;
    size_t n = shape == FixedShape::OneReg ? 8 : 64;
    for (size_t k = 0; k < n; k++) {
        plain_forms()[table[k].named] = plain;
        plain_forms()[table[k].quiet] = plain;
    }
}

void register_block_exit(Handler plain, Handler exit_form) {
    exit_forms()[plain] = exit_form;
    plain_forms()[exit_form] = plain;
}

void register_fused_pair(Handler first, Handler second, PairFit fit, const ThreadedForms* forms, size_t count) {
    fused_pairs()[PairKey{first, second}] = fit;
    for (size_t k = 0; k < count; k++) {
        plain_forms()[forms[k].named] = first;
        plain_forms()[forms[k].quiet] = first;
    }
}

void thread_records(Insn* records, size_t count) {
    if (count > 0) {
        auto exit = exit_forms().find(records[count - 1].fn);
        if (exit != exit_forms().end()) records[count - 1].fn = exit->second;
    }
    const auto& reg = registry();
    // Whether records[j] runs a pure threaded form (it is not the last record). This loop only
    // rewrites records behind the one it looks at, so records[j] still holds its plain handler.
    auto pure_at = [&](size_t j) {
        if (j + 1 >= count) return false;
        auto it = reg.find(records[j].fn);
        return it != reg.end() && it->second.pure;
    };
    for (size_t k = 0; k + 1 < count; k++) {
        if (k + 2 < count) {
            auto pair = fused_pairs().find(PairKey{records[k].fn, records[k + 1].fn});
            const ThreadedForms* fused = pair == fused_pairs().end() ? nullptr : pair->second(records[k], records[k + 1]);
            if (fused) {
                records[k].fn = pure_at(k + 2) ? fused->quiet : fused->named;
                k++;   // the second record of the pair is jumped over; it keeps its plain handler
                continue;
            }
        }
        auto it = reg.find(records[k].fn);
        if (it == reg.end() || !it->second.forms.named) continue;
        bool next_pure = pure_at(k + 1);
        const ThreadedForms* fixed = fixed_forms_for(it->second, records[k]);
        const ThreadedForms& forms = fixed ? *fixed : it->second.forms;
        records[k].fn = next_pure ? forms.quiet : forms.named;
    }
}

Handler unthreaded(Handler fn) {
    auto it = plain_forms().find(fn);
    return it == plain_forms().end() ? fn : it->second;
}

}  // namespace gate386
