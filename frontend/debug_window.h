// The debug view: an SDL2 window drawn with Dear ImGui (software renderer), one client of the
// Debugger API. Without a display it renders through SDL's dummy (or offscreen) video driver,
// so scripts and tests drive and photograph it headless. Built into the gate386-debugview.so
// module (debug_view.h).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/debugger.h"
#include "frontend/debug_commands.h"
#include "frontend/debug_view.h"

struct SDL_Window;
struct SDL_Renderer;

namespace gate386 {

class DebugWindow : public DebugView {
public:
    explicit DebugWindow(Debugger& d);
    ~DebugWindow() override;
    DebugWindow(const DebugWindow&) = delete;
    DebugWindow& operator=(const DebugWindow&) = delete;

    bool open(bool visible, std::string& err) override;
    bool is_open() const override { return m_window != nullptr; }
    void run() override;
    void set_commands(DebugCommands* c) override { m_commands = c; }
    const std::string& video_driver() const { return m_driver; }

    bool screenshot(const std::string& path, int& width, int& height, std::string& err) override;
    bool press_key(const std::string& name, std::string& err) override;
    void render_frames(int n) override;

    static constexpr int kWidth = 1400, kHeight = 900;

private:
    enum class Action { None, StepInto, StepOver, StepOut, RunToCursor, Continue, Pause, Restart, ToggleBreakpoint,
                        Screenshot, Help, Quit, ToggleSyntax };
    Action action_for_key(int keycode, unsigned mods) const;
    void perform(Action a);
    void frame(std::vector<uint8_t>* capture = nullptr, int* w = nullptr, int* h = nullptr);
    void run_slice();             // advances a running debugger for about one frame
    void on_stop(const StopInfo& s);

    // Panes (debug_panes.cpp).
    void draw();
    void draw_toolbar();
    void draw_disassembly();
    void draw_registers();
    void draw_stack();
    void draw_gate();
    void draw_bottom_tabs();
    void draw_memory();
    void draw_breakpoints();
    void draw_console();
    void draw_help();

    Debugger& m_dbg;
    DebugCommands* m_commands = nullptr;
    SDL_Window* m_window = nullptr;
    SDL_Renderer* m_renderer = nullptr;
    bool m_imgui = false;
    std::string m_driver;
    bool m_quit = false;

    // View state.
    bool m_att = true;
    bool m_show_help = false;
    uint32_t m_cursor = 0;         // the selected disassembly line (run to cursor, F9)
    uint64_t m_cursor_gen = ~0ull; // stop generation the cursor follows EIP for
    bool m_scroll_to_eip = true;
    uint32_t m_mem_addr = 0xffffe000;
    char m_mem_text[64] = "0xffffe000";
    char m_bp_text[128] = "";
    char m_cond_text[128] = "";
    char m_watch_text[64] = "";
    char m_console_text[256] = "";
    std::string m_mem_error, m_bp_error;
    std::deque<std::string> m_console;
    std::string m_status;
    int m_shots = 0;
    int m_bottom_tab = -1;         // a tab to select on the next frame
};

}  // namespace gate386
