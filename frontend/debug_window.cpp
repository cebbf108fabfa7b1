// The debug window's plumbing: SDL2 + Dear ImGui set-up, the frame loop, keyboard shortcuts and
// PNG screenshots of the whole window. The panes themselves are in debug_panes.cpp.
#include "frontend/debug_window.h"

#include <SDL.h>
#include <imgui.h>
#include <imgui_impl_sdl.h>
#include <imgui_impl_sdlrenderer.h>
#include <stb_image_write.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/process.h"
#include "frontend/debug_text.h"

namespace gate386 {

namespace {

bool have_display() {
    const char* x = std::getenv("DISPLAY");
    const char* w = std::getenv("WAYLAND_DISPLAY");
    return (x && *x) || (w && *w);
}

struct KeyName {
    const char* name;
    SDL_Keycode key;
};
const KeyName kKeys[] = {{"F1", SDLK_F1},   {"F2", SDLK_F2},     {"F3", SDLK_F3},         {"F4", SDLK_F4},
                         {"F5", SDLK_F5},   {"F6", SDLK_F6},     {"F7", SDLK_F7},         {"F8", SDLK_F8},
                         {"F9", SDLK_F9},   {"F10", SDLK_F10},   {"F11", SDLK_F11},       {"F12", SDLK_F12},
                         {"Escape", SDLK_ESCAPE}, {"Pause", SDLK_PAUSE}, {"q", SDLK_q},   {"t", SDLK_t}};

}  // namespace

DebugWindow::DebugWindow(Debugger& d) : m_dbg(d) {}

// The module's entry point (debug_view.h).
extern "C" DebugView* gate386_create_debug_view(Debugger* d) { return new DebugWindow(*d); }

DebugWindow::~DebugWindow() {
    if (m_imgui) {
        ImGui_ImplSDLRenderer_Shutdown();
        ImGui_ImplSDL2_Shutdown();
        ImGui::DestroyContext();
    }
    if (m_renderer) SDL_DestroyRenderer(m_renderer);
    if (m_window) SDL_DestroyWindow(m_window);
    if (m_window || m_renderer) SDL_Quit();
}

bool DebugWindow::open(bool visible, std::string& err) {
    // No display: render through SDL's dummy driver (a plain framebuffer in memory), or its
    // offscreen driver (which brings up EGL, several times slower per frame here).
    std::vector<std::string> drivers;
    const char* forced = std::getenv("SDL_VIDEODRIVER");
    if (forced && *forced) drivers.push_back(forced);
    else if (have_display()) drivers.push_back("");
    drivers.push_back("dummy");
    drivers.push_back("offscreen");
    // The software renderer everywhere: the same pixels with or without a GPU.
    SDL_SetHint(SDL_HINT_RENDER_DRIVER, "software");
    SDL_SetHint(SDL_HINT_VIDEO_ALLOW_SCREENSAVER, "1");
    for (const std::string& drv : drivers) {
        if (!drv.empty()) setenv("SDL_VIDEODRIVER", drv.c_str(), 1);
        if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
            err = SDL_GetError();
            continue;
        }
        Uint32 flags = visible ? SDL_WINDOW_SHOWN : SDL_WINDOW_HIDDEN;
        m_window = SDL_CreateWindow("gate386 debug", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, kWidth, kHeight, flags);
        if (m_window) m_renderer = SDL_CreateRenderer(m_window, -1, SDL_RENDERER_SOFTWARE);
        if (m_window && m_renderer) {
            const char* d = SDL_GetCurrentVideoDriver();
            m_driver = d ? d : "?";
            break;
        }
        err = SDL_GetError();
        if (m_window) SDL_DestroyWindow(m_window);
        m_window = nullptr;
        SDL_Quit();
    }
    if (!m_window) {
        err = "cannot open the debug window: " + err;
        return false;
    }
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;   // the layout is fixed; nothing to remember between runs
    ImGui::StyleColorsDark();
    ImGuiStyle& st = ImGui::GetStyle();
    st.WindowRounding = 0;
    st.WindowBorderSize = 1;
    ImGui_ImplSDL2_InitForSDLRenderer(m_window);
    ImGui_ImplSDLRenderer_Init(m_renderer);
    m_imgui = true;
    m_cursor = m_dbg.process() ? m_dbg.process()->cpu.m_eip : 0;
    render_frames(2);
    return true;
}

void DebugWindow::frame(std::vector<uint8_t>* capture, int* w, int* h) {
    ImGui_ImplSDLRenderer_NewFrame();
    ImGui_ImplSDL2_NewFrame();
    ImGui::NewFrame();
    draw();
    ImGui::Render();
    SDL_SetRenderDrawColor(m_renderer, 24, 24, 28, 255);
    SDL_RenderClear(m_renderer);
    ImGui_ImplSDLRenderer_RenderDrawData(ImGui::GetDrawData());
    if (capture) {
        int ow = 0, oh = 0;
        SDL_GetRendererOutputSize(m_renderer, &ow, &oh);
        capture->assign(size_t(ow) * size_t(oh) * 4, 0);
        // ABGR8888 is R, G, B, A in memory on a little-endian host: what the PNG wants.
        if (SDL_RenderReadPixels(m_renderer, nullptr, SDL_PIXELFORMAT_ABGR8888, capture->data(), ow * 4) != 0)
            capture->clear();
        *w = ow;
        *h = oh;
    }
    SDL_RenderPresent(m_renderer);
}

void DebugWindow::render_frames(int n) {
    if (!m_window) return;
    for (int k = 0; k < n; k++) {
        SDL_Event e;
        while (SDL_PollEvent(&e)) ImGui_ImplSDL2_ProcessEvent(&e);
        frame();
    }
}

bool DebugWindow::screenshot(const std::string& path, int& width, int& height, std::string& err) {
    if (!m_window) { err = "no window"; return false; }
    render_frames(2);   // let the panes settle on the current state
    std::vector<uint8_t> px;
    frame(&px, &width, &height);
    if (px.empty()) { err = std::string("cannot read the window's pixels: ") + SDL_GetError(); return false; }
    for (size_t k = 3; k < px.size(); k += 4) px[k] = 255;   // an opaque image of the window
    if (!stbi_write_png(path.c_str(), width, height, 4, px.data(), width * 4)) {
        err = "cannot write " + path;
        return false;
    }
    return true;
}

DebugWindow::Action DebugWindow::action_for_key(int key, unsigned mods) const {
    bool shift = mods & KMOD_SHIFT, ctrl = mods & KMOD_CTRL;
    switch (key) {
    case SDLK_F1: return Action::Help;
    case SDLK_F5:
        if (ctrl && shift) return Action::Restart;
        return shift ? Action::Pause : Action::Continue;
    case SDLK_PAUSE: case SDLK_ESCAPE: return Action::Pause;
    case SDLK_F9: return Action::ToggleBreakpoint;
    case SDLK_F10: return ctrl ? Action::RunToCursor : Action::StepOver;
    case SDLK_F11: return shift ? Action::StepOut : Action::StepInto;
    case SDLK_F12: return Action::Screenshot;
    case SDLK_q: return ctrl ? Action::Quit : Action::None;
    case SDLK_t: return ctrl ? Action::ToggleSyntax : Action::None;
    default: return Action::None;
    }
}

void DebugWindow::perform(Action a) {
    bool live = m_dbg.loaded() && !m_dbg.exited();
    bool idle = live && !m_dbg.running();
    switch (a) {
    case Action::None: break;
    case Action::StepInto: if (idle) m_dbg.start(Debugger::Mode::Step, 1); break;
    case Action::StepOver: if (idle) m_dbg.start(Debugger::Mode::Next); break;
    case Action::StepOut: if (idle) m_dbg.start(Debugger::Mode::Finish); break;
    case Action::RunToCursor: if (idle) m_dbg.start(Debugger::Mode::RunTo, m_cursor); break;
    case Action::Continue: if (idle) m_dbg.start(Debugger::Mode::Continue); break;
    case Action::Pause: if (m_dbg.running()) m_dbg.request_pause(); break;
    case Action::Restart: {
        std::string err;
        if (m_dbg.running()) m_dbg.request_pause();
        if (m_dbg.running()) run_slice();
        if (!m_dbg.restart(err)) m_status = "restart failed: " + err;
        else on_stop(m_dbg.last_stop());
        break;
    }
    case Action::ToggleBreakpoint: if (m_dbg.loaded()) m_dbg.toggle_breakpoint(m_cursor); break;
    case Action::Screenshot: {
        char name[64];
        std::snprintf(name, sizeof name, "gate386-debug-%d.png", ++m_shots);
        const char* dir = std::getenv("GATE386_SCREENSHOT_DIR");
        std::string path = dir && *dir ? std::string(dir) + "/" + name : name;
        int w, h;
        std::string err;
        m_status = screenshot(path, w, h, err) ? "saved " + path : err;
        std::printf("[debug] screenshot %s\n", m_status.c_str());
        std::fflush(stdout);
        break;
    }
    case Action::Help: m_show_help = !m_show_help; break;
    case Action::Quit: m_quit = true; break;
    case Action::ToggleSyntax: m_att = !m_att; break;
    }
}

void DebugWindow::on_stop(const StopInfo& s) {
    m_scroll_to_eip = true;
    m_status.clear();
    // The window's stops go to stdout as the script's would, so a session can be followed.
    std::string text = describe_stop(m_dbg, s);
    while (!text.empty() && text[0] == '\n') text.erase(0, 1);
    std::printf("[debug] %s", text.c_str());
    if (text.empty() || text.back() != '\n') std::printf("\n");
    std::fflush(stdout);
}

void DebugWindow::run_slice() {
    auto t0 = std::chrono::steady_clock::now();
    while (m_dbg.running()) {
        StopInfo s = m_dbg.poll(20000);
        if (s.reason != StopReason::None) { on_stop(s); return; }
        if (std::chrono::steady_clock::now() - t0 > std::chrono::milliseconds(15)) return;
    }
}

bool DebugWindow::press_key(const std::string& name_in, std::string& err) {
    unsigned mods = 0;
    std::string name = name_in;
    for (;;) {
        size_t plus = name.find('+');
        if (plus == std::string::npos) break;
        std::string m = name.substr(0, plus);
        for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (m == "shift") mods |= KMOD_LSHIFT;
        else if (m == "ctrl" || m == "control") mods |= KMOD_LCTRL;
        else { err = "unknown modifier '" + m + "'"; return false; }
        name = name.substr(plus + 1);
    }
    for (const KeyName& k : kKeys) {
        if (name != k.name) continue;
        perform(action_for_key(k.key, mods));
        // A script waits for what the key started to finish.
        while (m_dbg.running()) run_slice();
        render_frames(1);
        return true;
    }
    err = "unknown key '" + name_in + "'";
    return false;
}

void DebugWindow::run() {
    if (!m_window) return;
    while (!m_quit) {
        SDL_Event e;
        bool got = m_dbg.running() ? SDL_PollEvent(&e) : SDL_WaitEventTimeout(&e, 50);
        while (got) {
            ImGui_ImplSDL2_ProcessEvent(&e);
            if (e.type == SDL_QUIT) m_quit = true;
            if (e.type == SDL_WINDOWEVENT && e.window.event == SDL_WINDOWEVENT_CLOSE) m_quit = true;
            if (e.type == SDL_KEYDOWN && !e.key.repeat) {
                Action a = action_for_key(e.key.keysym.sym, e.key.keysym.mod);
                // Typing into a text field keeps its keys, function keys always act.
                bool fkey = e.key.keysym.sym >= SDLK_F1 && e.key.keysym.sym <= SDLK_F12;
                if (a != Action::None && (fkey || !ImGui::GetIO().WantTextInput)) perform(a);
            }
            got = SDL_PollEvent(&e);
        }
        if (m_dbg.running()) run_slice();
        frame();
    }
}

}  // namespace gate386
