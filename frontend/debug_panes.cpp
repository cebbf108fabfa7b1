// The debug window's panes: disassembly, registers (+ x87 and SSE), stack, the gate, and the
// tabs for the syscall log, memory, breakpoints, memory map, auxv and a command console.
#include <imgui.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/process.h"
#include "frontend/debug_text.h"
#include "frontend/debug_window.h"

namespace gate386 {

namespace {

const ImVec4 kDim(0.55f, 0.55f, 0.60f, 1.0f);
const ImVec4 kChanged(1.0f, 0.35f, 0.35f, 1.0f);
const ImVec4 kSymbol(0.45f, 0.80f, 1.0f, 1.0f);
const ImVec4 kCurrent(1.0f, 0.85f, 0.25f, 1.0f);
const ImVec4 kBreak(0.95f, 0.25f, 0.25f, 1.0f);
const ImVec4 kGate(0.55f, 1.0f, 0.55f, 1.0f);
const ImVec4 kHead(0.85f, 0.75f, 1.0f, 1.0f);

constexpr float kToolbarH = 30.0f;
constexpr float kTopH = 470.0f;
constexpr float kDisasmW = 610.0f;
constexpr float kRegsW = 330.0f;

void place(float x, float y, float w, float h) {
    ImGui::SetNextWindowPos(ImVec2(x, y), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(w, h), ImGuiCond_Always);
}
constexpr ImGuiWindowFlags kPane = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                                   ImGuiWindowFlags_NoSavedSettings;

std::string fmt_hex(uint32_t v, int width = 8) {
    char b[16];
    std::snprintf(b, sizeof b, "%0*x", width, v);
    return b;
}

}  // namespace

void DebugWindow::draw() {
    draw_toolbar();
    draw_disassembly();
    draw_registers();
    draw_stack();
    draw_gate();
    draw_bottom_tabs();
    if (m_show_help) draw_help();
}

void DebugWindow::draw_toolbar() {
    place(0, 0, float(kWidth), kToolbarH);
    ImGui::Begin("##toolbar", nullptr, kPane | ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar);
    bool running = m_dbg.running();
    auto button = [&](const char* label, Action a) {
        if (ImGui::Button(label)) perform(a);
        ImGui::SameLine();
    };
    button("Step into F11", Action::StepInto);
    button("Step over F10", Action::StepOver);
    button("Step out Shift+F11", Action::StepOut);
    button("Run to cursor Ctrl+F10", Action::RunToCursor);
    button(running ? "Running..." : "Continue F5", Action::Continue);
    button("Pause", Action::Pause);
    button("Restart", Action::Restart);
    button(m_att ? "AT&T" : "Intel", Action::ToggleSyntax);
    button("Help F1", Action::Help);
    std::string status = m_status;
    if (!running && m_dbg.loaded() && status.empty()) {
        const StopInfo& st = m_dbg.last_stop();
        status = st.reason == StopReason::Exited
                     ? "exited" + (st.exit_signal ? " by signal " + std::to_string(st.exit_signal)
                                                  : " with status " + std::to_string(st.exit_code))
                     : "stopped at " + location_line(m_dbg, st.eip);
        if (st.reason == StopReason::Breakpoint) status += ", breakpoint " + std::to_string(st.id);
        if (st.reason == StopReason::Watchpoint) status += ", watchpoint " + std::to_string(st.id);
        if (st.reason == StopReason::Signal) status += ", signal " + std::to_string(st.signo);
    }
    ImGui::TextColored(running ? kGate : kCurrent, "%s", running ? "running..." : status.c_str());
    ImGui::End();
}

void DebugWindow::draw_disassembly() {
    place(0, kToolbarH, kDisasmW, kTopH);
    Process* p = m_dbg.process();
    std::string title = "Disassembly (" + std::string(m_att ? "AT&T" : "Intel") + ")###disasm";
    ImGui::Begin(title.c_str(), nullptr, kPane);
    if (!p) { ImGui::End(); return; }
    uint32_t eip = p->cpu.m_eip;
    if (m_cursor_gen != m_dbg.stop_generation()) {
        m_cursor = eip;
        m_cursor_gen = m_dbg.stop_generation();
    }
    // About 25 lines: up to 14 ahead of EIP (from the symbol's start when it is that close), the
    // rest after it.
    std::vector<DisasmLine> lines;
    if (!m_dbg.running()) {
        std::vector<DisasmLine> all = m_dbg.disassemble_around(eip, 14, 24, m_att);
        size_t at = 0;
        while (at < all.size() && !all[at].is_eip) at++;
        size_t first = at > 14 ? at - 14 : 0;
        for (size_t k = first; k < all.size() && lines.size() < 25; k++) lines.push_back(all[k]);
    }
    for (const DisasmLine& l : lines) {
        if (!l.label.empty()) ImGui::TextColored(kSymbol, "%08x <%s>:", l.address, l.label.c_str());
        ImGui::PushID(static_cast<int>(l.address));
        bool selected = l.address == m_cursor;
        char bytes[48] = "";
        for (unsigned k = 0; k < l.len && k < 7; k++) std::snprintf(bytes + k * 3, 4, "%02x ", l.bytes[k]);
        // The offset into the enclosing symbol, gdb's "<+16>".
        std::string off;
        size_t plus = l.location.rfind("+0x");
        if (!l.location.empty()) off = plus == std::string::npos ? "<+0>" : "<+" + std::to_string(std::strtoul(l.location.c_str() + plus + 3, nullptr, 16)) + ">";
        char row[320];
        std::snprintf(row, sizeof row, "%s %-7s %s %-21s %s", l.is_eip ? "=>" : "  ", off.c_str(), l.breakpoint ? "B" : " ",
                      bytes, l.text.c_str());
        ImVec4 color = l.is_eip ? kCurrent : l.breakpoint ? kBreak : ImGui::GetStyleColorVec4(ImGuiCol_Text);
        ImGui::TextColored(l.location.empty() ? kDim : kSymbol, "%08x", l.address);
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, color);
        if (ImGui::Selectable(row, selected, ImGuiSelectableFlags_AllowDoubleClick)) {
            m_cursor = l.address;
            if (ImGui::IsMouseDoubleClicked(0)) m_dbg.toggle_breakpoint(l.address);
        }
        ImGui::PopStyleColor();
        if (!l.comment.empty()) {
            ImGui::SameLine(440);
            ImGui::TextColored(kGate, "; %s", l.comment.c_str());
        }
        if (l.is_eip && m_scroll_to_eip) {
            ImGui::SetScrollHereY(0.4f);
            m_scroll_to_eip = false;
        }
        ImGui::PopID();
    }
    ImGui::End();
}

void DebugWindow::draw_registers() {
    place(kDisasmW, kToolbarH, kRegsW, kTopH);
    ImGui::Begin("Registers", nullptr, kPane);
    if (!m_dbg.process()) { ImGui::End(); return; }
    RegisterSnapshot r = m_dbg.registers();
    const RegisterSnapshot& o = m_dbg.previous_registers();
    if (ImGui::BeginTabBar("regtabs")) {
        if (ImGui::BeginTabItem("CPU")) {
            auto row = [&](const char* name, uint32_t v, uint32_t old, const std::string& extra) {
                ImGui::TextColored(kDim, "%-7s", name);
                ImGui::SameLine();
                ImGui::TextColored(v != old ? kChanged : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%08x", v);
                if (!extra.empty()) {
                    ImGui::SameLine();
                    ImGui::TextColored(kSymbol, "%s", extra.c_str());
                }
            };
            for (int k = 0; k < 8; k++) {
                std::string sym = m_dbg.symbols().describe(r.gpr[k]);
                std::string extra = sym.empty() ? std::to_string(static_cast<int32_t>(r.gpr[k])) : "<" + sym + ">";
                row(kGprNames[k], r.gpr[k], o.gpr[k], extra);
            }
            std::string loc = m_dbg.symbols().describe(r.eip);
            row("eip", r.eip, o.eip, loc.empty() ? "" : "<" + loc + ">");
            row("eflags", r.eflags, o.eflags, eflags_string(r.eflags));
            // The flags one by one, changed ones highlighted.
            static const struct { uint32_t bit; const char* n; } flags[] = {
                {kFlagCF, "CF"}, {kFlagPF, "PF"}, {kFlagAF, "AF"}, {kFlagZF, "ZF"}, {kFlagSF, "SF"},
                {kFlagTF, "TF"}, {kFlagIF, "IF"}, {kFlagDF, "DF"}, {kFlagOF, "OF"}};
            ImGui::TextColored(kDim, "       ");
            for (auto& f : flags) {
                ImGui::SameLine();
                bool on = r.eflags & f.bit, was = o.eflags & f.bit;
                ImGui::TextColored(on != was ? kChanged : on ? ImGui::GetStyleColorVec4(ImGuiCol_Text) : kDim, "%s", f.n);
            }
            ImGui::Separator();
            for (int k = 0; k < 6; k++) {
                ImGui::TextColored(kDim, "%s", kSegNames[k]);
                ImGui::SameLine();
                ImGui::Text("%04x", r.sel[k]);
                if (k % 3 != 2) ImGui::SameLine(float(90 * (k % 3 + 1)));
            }
            row("fs_base", r.fs_base, o.fs_base, "");
            row("gs_base", r.gs_base, o.gs_base, "");
            ImGui::Separator();
            ImGui::TextColored(kDim, "retired %llu instructions", static_cast<unsigned long long>(r.icount));
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("x87")) {
            const X87State& x = r.x87;
            ImGui::Text("fctrl %04x  fstat %04x  top %u", x.cw, x.status_word(), x.top);
            ImGui::Text("ftag  %04x  fop %03x  fip %08x", x87_full_tag_word(x), x.fop, x.fip);
            ImGui::Separator();
            for (int i = 0; i < 8; i++) {
                const F80& v = x.r[(x.top + i) & 7];
                bool empty = !(x.valid & (1u << ((x.top + i) & 7)));
                // Through the x87 module: converting on the host FPU disturbs the condition codes
                // it tracks for the guest (x87_state.h).
                double value = empty ? 0.0 : x87_value_as_double(v);
                bool changed = std::memcmp(&v, &o.x87.r[(o.x87.top + i) & 7], 10) != 0;
                ImGui::TextColored(changed ? kChanged : empty ? kDim : ImGui::GetStyleColorVec4(ImGuiCol_Text),
                                   "st%d %04x %016llx %s", i, v.se, static_cast<unsigned long long>(v.mant),
                                   empty ? "empty" : std::to_string(value).c_str());
            }
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("SSE")) {
            ImGui::Text("mxcsr %08x", r.sse.mxcsr);
            for (int i = 0; i < 8; i++) {
                uint32_t w[4];
                std::memcpy(w, r.sse.xmm[i].b, 16);
                bool changed = std::memcmp(r.sse.xmm[i].b, o.sse.xmm[i].b, 16) != 0;
                ImGui::TextColored(changed ? kChanged : ImGui::GetStyleColorVec4(ImGuiCol_Text), "xmm%d %08x %08x %08x %08x",
                                   i, w[3], w[2], w[1], w[0]);
            }
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

void DebugWindow::draw_stack() {
    float x = kDisasmW + kRegsW;
    place(x, kToolbarH, float(kWidth) - x, kTopH);
    ImGui::Begin("Stack", nullptr, kPane);
    if (m_dbg.process() && !m_dbg.running()) {
        for (const StackEntry& e : m_dbg.stack(48)) {
            if (!e.readable) {
                ImGui::TextColored(kDim, "%08x  (unreadable)", e.address);
                break;
            }
            bool top = e.address == m_dbg.process()->cpu.m_regs[kEsp];
            ImGui::TextColored(top ? kCurrent : kDim, "%08x", e.address);
            ImGui::SameLine();
            ImGui::TextColored(e.return_address ? kSymbol : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%08x", e.value);
            if (!e.annotation.empty()) {
                ImGui::SameLine();
                ImGui::TextColored(e.return_address ? kSymbol : kDim, "%s", e.annotation.c_str());
            }
        }
    }
    ImGui::End();
}

void DebugWindow::draw_gate() {
    float y = kToolbarH + kTopH;
    place(0, y, kDisasmW, float(kHeight) - y);
    ImGui::Begin("Gate: linux-gate.so.1 and the kernel entry", nullptr, kPane);
    if (!m_dbg.process() || m_dbg.running()) { ImGui::End(); return; }
    GateView g = m_dbg.gate_view();
    ImGui::TextColored(kDim, "CPU model");
    ImGui::SameLine(140);
    ImGui::Text("%s", g.cpu_model.c_str());
    ImGui::TextColored(kDim, "vDSO mapped");
    ImGui::SameLine(140);
    ImGui::Text("%08x  %s", g.vdso_base, g.variant.c_str());
    ImGui::TextColored(kDim, "AT_SYSINFO");
    ImGui::SameLine(140);
    ImGui::Text("%08x <__kernel_vsyscall>   AT_SYSINFO_EHDR %08x", g.at_sysinfo, g.at_sysinfo_ehdr);
    ImGui::TextColored(kDim, "SYSENTER_RETURN");
    ImGui::SameLine(140);
    ImGui::Text("%08x", g.sysenter_return);
    ImGui::TextColored(kDim, "EIP");
    ImGui::SameLine(140);
    ImGui::TextColored(g.in_vdso ? kGate : ImGui::GetStyleColorVec4(ImGuiCol_Text), "%08x %s %s", g.eip,
                       g.where.empty() ? "" : ("<" + g.where + ">").c_str(), g.in_vdso ? "inside the vDSO" : "outside the vDSO");
    if (!g.step_note.empty()) ImGui::TextWrapped("%s", g.step_note.c_str());
    ImGui::Separator();
    if (g.pending.valid) {
        const GateCall& c = g.pending;
        ImGui::TextColored(kHead, "System call about to be made (%s%s)", c.sysenter ? "sysenter" : "int $0x80",
                           c.via_vdso ? " via __kernel_vsyscall" : "");
        ImGui::Text("eax = %u  %s", c.nr, c.name.c_str());
        static const char* const regs[6] = {"ebx", "ecx", "edx", "esi", "edi", "ebp"};
        for (int k = 0; k < 6; k++) {
            ImGui::TextColored(kDim, "arg%d %s", k + 1, k == 5 ? "" : regs[k]);
            ImGui::SameLine(90);
            ImGui::Text("%08x", c.args[k]);
            if (k == 5) {
                ImGui::SameLine();
                ImGui::TextColored(kDim, "from %s", c.arg6_source.c_str());
            }
        }
        ImGui::TextWrapped("%s", c.decoded.c_str());
        ImGui::Separator();
    }
    if (g.last.valid) {
        const GateCall& c = g.last;
        ImGui::TextColored(kHead, "Last kernel entry: %s at %08x%s", c.sysenter ? "sysenter" : "int $0x80", c.insn_eip,
                           c.via_vdso ? " (in __kernel_vsyscall)" : "");
        ImGui::TextWrapped("%s", c.decoded.c_str());
        if (c.exited) ImGui::Text("result: the process exited");
        else if (c.regs_replaced) ImGui::Text("result: a new register state");
        else ImGui::Text("result: eax = %d (0x%x)", c.result, static_cast<uint32_t>(c.result));
        ImGui::TextColored(kDim, "exit");
        ImGui::SameLine(60);
        ImGui::TextWrapped("%s", c.exit_path.c_str());
        if (c.have_cost) {
            ImGui::TextColored(kGate, "modelled cost: %.0f cycles (gate %.0f + kernel %.0f)", double(c.cost_mcycles) / 1000.0,
                               double(c.gate_mcycles) / 1000.0, double(c.kernel_mcycles) / 1000.0);
            ImGui::TextColored(kGate, "%s", c.cost_note.c_str());
        } else {
            ImGui::TextColored(kDim, "modelled cost: no cost model in this build");
        }
    } else {
        ImGui::TextColored(kDim, "No kernel gate crossed yet.");
    }
    ImGui::End();
}

void DebugWindow::draw_bottom_tabs() {
    float y = kToolbarH + kTopH;
    place(kDisasmW, y, float(kWidth) - kDisasmW, float(kHeight) - y);
    ImGui::Begin("##bottom", nullptr, kPane | ImGuiWindowFlags_NoTitleBar);
    if (ImGui::BeginTabBar("bottomtabs")) {
        auto flags = [&](int k) {
            return m_bottom_tab == k ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
        };
        if (ImGui::BeginTabItem("Syscall log", nullptr, flags(0))) {
            ImGui::BeginChild("log");
            const auto& log = m_dbg.syscall_log();
            for (const std::string& l : log) ImGui::TextUnformatted(l.c_str());
            if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 20) ImGui::SetScrollHereY(1.0f);
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Memory", nullptr, flags(1))) {
            draw_memory();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Breakpoints", nullptr, flags(2))) {
            draw_breakpoints();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Memory map", nullptr, flags(3))) {
            ImGui::BeginChild("maps");
            ImGui::TextUnformatted(m_dbg.memory_map().c_str());
            ImGui::EndChild();
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Auxv", nullptr, flags(4))) {
            ImGui::TextUnformatted(format_auxv(m_dbg).c_str());
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Console", nullptr, flags(5))) {
            draw_console();
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    m_bottom_tab = -1;
    ImGui::End();
}

void DebugWindow::draw_memory() {
    ImGui::SetNextItemWidth(200);
    if (ImGui::InputText("address", m_mem_text, sizeof m_mem_text, ImGuiInputTextFlags_EnterReturnsTrue)) {
        uint32_t a;
        m_mem_error.clear();
        if (m_dbg.resolve(m_mem_text, a, m_mem_error)) m_mem_addr = a & ~15u;
    }
    auto go = [&](const char* label, uint32_t a) {
        ImGui::SameLine();
        if (ImGui::Button(label)) {
            m_mem_addr = a & ~15u;
            std::snprintf(m_mem_text, sizeof m_mem_text, "0x%x", a);
        }
    };
    go("0xffffe000 (vDSO)", 0xffffe000);
    if (Process* p = m_dbg.process()) {
        go("ESP", p->cpu.m_regs[kEsp]);
        go("EIP", p->cpu.m_eip);
    }
    if (!m_mem_error.empty()) ImGui::TextColored(kChanged, "%s", m_mem_error.c_str());
    ImGui::BeginChild("hex");
    for (int row = 0; row < 64; row++) {
        uint32_t a = m_mem_addr + uint32_t(row) * 16;
        uint8_t b[16];
        bool ok[16];
        m_dbg.read_memory(a, 16, b, ok);
        char line[128];
        int n = std::snprintf(line, sizeof line, "%08x  ", a);
        for (int k = 0; k < 16; k++) n += std::snprintf(line + n, sizeof line - size_t(n), ok[k] ? "%02x " : "?? ", b[k]);
        n += std::snprintf(line + n, sizeof line - size_t(n), " ");
        for (int k = 0; k < 16; k++) line[n++] = ok[k] && b[k] >= 32 && b[k] < 127 ? char(b[k]) : '.';
        line[n] = 0;
        std::string sym = m_dbg.symbols().describe(a);
        SymbolRef r = m_dbg.symbols().find(a);
        ImGui::TextUnformatted(line);
        if (r.sym && r.offset < 16) {
            ImGui::SameLine();
            ImGui::TextColored(kSymbol, "<%s>", r.sym->name.c_str());
        }
    }
    ImGui::EndChild();
}

void DebugWindow::draw_breakpoints() {
    ImGui::SetNextItemWidth(220);
    bool add = ImGui::InputText("location", m_bp_text, sizeof m_bp_text, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(220);
    add |= ImGui::InputText("if", m_cond_text, sizeof m_cond_text, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    add |= ImGui::Button("Add breakpoint");
    if (add && m_bp_text[0]) {
        m_bp_error.clear();
        if (m_dbg.add_breakpoint(m_bp_text, m_cond_text, m_bp_error)) m_bp_text[0] = m_cond_text[0] = 0;
    }
    ImGui::SetNextItemWidth(220);
    bool watch = ImGui::InputText("address or symbol (4 bytes)", m_watch_text, sizeof m_watch_text,
                                  ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    watch |= ImGui::Button("Add watchpoint");
    if (watch && m_watch_text[0]) {
        uint32_t a;
        m_bp_error.clear();
        if (m_dbg.resolve(m_watch_text, a, m_bp_error) && m_dbg.add_watchpoint(a, 4, m_bp_error)) m_watch_text[0] = 0;
    }
    if (!m_bp_error.empty()) ImGui::TextColored(kChanged, "%s", m_bp_error.c_str());
    ImGui::Separator();
    int remove = 0;
    for (const Breakpoint& b : m_dbg.breakpoints()) {
        ImGui::PushID(b.id);
        if (ImGui::SmallButton("x")) remove = b.id;
        ImGui::SameLine();
        ImGui::Text("#%d %s %s%s%s  hits %llu", b.id, b.resolved ? fmt_hex(b.address).c_str() : "pending",
                    b.location.c_str(), b.condition.empty() ? "" : "  if ", b.condition.c_str(),
                    static_cast<unsigned long long>(b.hits));
        ImGui::PopID();
    }
    for (const Watchpoint& w : m_dbg.watchpoints()) {
        ImGui::PushID(w.id);
        if (ImGui::SmallButton("x")) remove = w.id;
        ImGui::SameLine();
        ImGui::Text("#%d watch %08x (%u bytes)  hits %llu", w.id, w.address, w.len, static_cast<unsigned long long>(w.hits));
        ImGui::PopID();
    }
    if (remove && !m_dbg.remove_breakpoint(remove)) m_dbg.remove_watchpoint(remove);
}

void DebugWindow::draw_console() {
    ImGui::BeginChild("console", ImVec2(0, -30));
    for (const std::string& l : m_console) ImGui::TextUnformatted(l.c_str());
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 20) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::InputText("##cmd", m_console_text, sizeof m_console_text, ImGuiInputTextFlags_EnterReturnsTrue)) {
        std::string out;
        m_console.push_back(std::string("(gate386) ") + m_console_text);
        if (m_commands) {
            m_commands->execute(m_console_text, out);
            if (m_commands->quit_requested()) m_quit = true;
        }
        size_t s = 0;
        while (s < out.size()) {
            size_t e = out.find('\n', s);
            if (e == std::string::npos) e = out.size();
            m_console.push_back(out.substr(s, e - s));
            s = e + 1;
        }
        while (m_console.size() > 2000) m_console.pop_front();
        m_console_text[0] = 0;
        m_scroll_to_eip = true;
        ImGui::SetKeyboardFocusHere(-1);
    }
}

void DebugWindow::draw_help() {
    ImGui::SetNextWindowPos(ImVec2(380, 160), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(640, 420), ImGuiCond_Always);
    ImGui::Begin("Help: keyboard shortcuts", &m_show_help, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings);
    static const char* const keys[][2] = {
        {"F11", "step into: one instruction (a sysenter or int $0x80 runs the kernel side)"},
        {"F10", "step over: a call runs to its return"},
        {"Shift+F11", "step out: run until the current function returns"},
        {"Ctrl+F10", "run to the cursor (the selected disassembly line)"},
        {"F5", "continue"},
        {"Shift+F5, Esc, Pause", "pause a running program"},
        {"Ctrl+Shift+F5", "restart the program"},
        {"F9", "toggle a breakpoint at the cursor (double-click a line does the same)"},
        {"F12", "save a screenshot (gate386-debug-N.png, in $GATE386_SCREENSHOT_DIR if set)"},
        {"Ctrl+T", "AT&T / Intel syntax"},
        {"F1", "this help"},
        {"Ctrl+Q", "quit"},
    };
    for (auto& k : keys) {
        ImGui::TextColored(kCurrent, "%s", k[0]);
        ImGui::SameLine(170);
        ImGui::TextWrapped("%s", k[1]);
    }
    ImGui::Separator();
    ImGui::TextWrapped("Breakpoints take symbols (write, __kernel_vsyscall+0x5), addresses and conditions "
                       "($eax == 4, *(uint32*)0x804c01c != 0). The Console tab runs the --debug-script commands "
                       "(break, watch, stepi, print, x/8xb, info gate, ...).");
    ImGui::End();
}

}  // namespace gate386
