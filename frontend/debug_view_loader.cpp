// Loading the debug window's module on demand (debug_view.h says why it is a module).
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>

#include "frontend/debug_view.h"

namespace gate386 {

std::unique_ptr<DebugView> load_debug_view(Debugger& d, std::string& err) {
    std::string path;
    const char* forced = std::getenv("GATE386_DEBUGVIEW");
    if (forced && *forced) {
        path = forced;
    } else {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) { err = "cannot find the gate386 executable's directory"; return nullptr; }
        self[n] = 0;
        path = self;
        path = path.substr(0, path.rfind('/') + 1) + kDebugViewModule;
    }
    // Kept loaded for the rest of the process: the view's code may be on the stack until exit.
    // RTLD_GLOBAL is not needed: the module resolves the Debugger against this executable.
    void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* e = dlerror();
        err = "cannot load the debug window (" + std::string(e ? e : path) + ")";
        return nullptr;
    }
    auto create = reinterpret_cast<CreateDebugViewFn>(dlsym(h, kCreateDebugViewSymbol));
    if (!create) {
        err = path + " has no " + kCreateDebugViewSymbol;
        return nullptr;
    }
    return std::unique_ptr<DebugView>(create(&d));
}

}  // namespace gate386
