// The threaded forms of handlers, registered by the families at start-up (threading.h).
#include "cpu/threading.h"

#include <unordered_map>

namespace gate386 {

namespace {

std::unordered_map<Handler, Handler>& threaded_forms() {
    static std::unordered_map<Handler, Handler> m;
    return m;
}
std::unordered_map<Handler, Handler>& plain_forms() {
    static std::unordered_map<Handler, Handler> m;
    return m;
}

}  // namespace

void register_threaded(Handler plain, Handler threaded_form) {
    threaded_forms()[plain] = threaded_form;
    plain_forms()[threaded_form] = plain;
}

void thread_records(Insn* records, size_t count) {
    const auto& forms = threaded_forms();
    for (size_t k = 0; k + 1 < count; k++) {
        auto it = forms.find(records[k].fn);
        if (it != forms.end()) records[k].fn = it->second;
    }
}

Handler unthreaded(Handler fn) {
    auto it = plain_forms().find(fn);
    return it == plain_forms().end() ? fn : it->second;
}

}  // namespace gate386
