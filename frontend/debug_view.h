// The debug window as gate386 sees it: an interface to a module (gate386-debugview.so, beside
// the executable) that holds the SDL2 + Dear ImGui code. gate386 loads it only for --debug and
// --debug-script, so a plain run does not load SDL2 and the ~50 libraries it brings at start-up.
#pragma once
#include <memory>
#include <string>

#include "frontend/debug_commands.h"

namespace gate386 {

class Debugger;

class DebugView : public DebugSurface {
public:
    // Opens the window; `visible` false keeps it hidden (scripts). Without a display it renders
    // through SDL's dummy or offscreen video driver.
    virtual bool open(bool visible, std::string& err) = 0;
    virtual bool is_open() const = 0;
    // The interactive loop, until the window is closed or quit is asked for.
    virtual void run() = 0;
    // Console commands typed in the window go through this interpreter.
    virtual void set_commands(DebugCommands* c) = 0;
};

// The module's one entry point (debug_window.cpp).
using CreateDebugViewFn = DebugView* (*)(Debugger* d);
constexpr const char* kCreateDebugViewSymbol = "gate386_create_debug_view";
constexpr const char* kDebugViewModule = "gate386-debugview.so";

// Loads the module ($GATE386_DEBUGVIEW, or gate386-debugview.so beside this executable) and
// creates a view of `d`; nullptr with `err` when it cannot (debug_view_loader.cpp).
std::unique_ptr<DebugView> load_debug_view(Debugger& d, std::string& err);

}  // namespace gate386
