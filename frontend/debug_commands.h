// The debugger's command language, shared by --debug-script and the window's console:
//   break|b|tbreak LOCATION [if COND]   watch ADDR|SYMBOL [LEN]   delete [N]
//   continue|c  stepi|si [N]  next|nexti|n|ni  finish  until|advance LOCATION  restart|run
//   print[/x|/d|/u] EXPR   x/NFU ADDR   info registers|breakpoints|gate|auxv|maps|syscalls|symbol
//   bt|backtrace   disassemble [ADDR [N]]   set $REG = EXPR   screenshot FILE.png   key NAME
//   frames N   echo TEXT   quit
#pragma once
#include <string>

namespace gate386 {

class Debugger;

// What the commands need from a window, when there is one.
class DebugSurface {
public:
    virtual ~DebugSurface() = default;
    virtual bool screenshot(const std::string& path, int& width, int& height, std::string& err) = 0;
    // A key press as the window would handle it ("F11", "shift+F11", "F5", ...).
    virtual bool press_key(const std::string& name, std::string& err) = 0;
    virtual void render_frames(int n) = 0;
};

class DebugCommands {
public:
    DebugCommands(Debugger& d, DebugSurface* surface) : m_dbg(d), m_surface(surface) {}
    // Runs one command line and appends its output; returns false on errors (the message is
    // in the output too).
    bool execute(const std::string& line, std::string& out);
    bool quit_requested() const { return m_quit; }

private:
    Debugger& m_dbg;
    DebugSurface* m_surface;
    bool m_quit = false;
};

}  // namespace gate386
