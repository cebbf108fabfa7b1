// The two gates as a 2.6-era kernel implements them (reference/linux-gate.md): six arguments and
// every other register through int $0x80 and through __kernel_vsyscall's sysenter, arg6 from
// [ebp], -EFAULT for a bad ebp, SYSEXIT's register state, the IRET exit with work pending, and the
// restart that lands a sysenter call on the vDSO's jmp at 0xffffe40e. Plus their prices.
#include <doctest.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <sys/mman.h>
#include <vector>

#include "core/process.h"
#include "core/vdso_mapping.h"
#include "cpu/cpu_models.h"
#include "syscalls/gate_costs.h"
#include "syscalls/gates.h"
#include "syscalls/syscall_table.h"

using namespace gate386;

namespace {

constexpr uint32_t kCode = 0x08048000, kData = 0x08050000, kStackTop = 0x08070000;
constexpr uint32_t kTestNr = 500;         // an unassigned i386 number, taken by the test handler
constexpr uint32_t kVsysPtr = kData;      // holds __kernel_vsyscall for `call *kVsysPtr`
constexpr uint32_t kSaved = kData + 0x100;   // where the guest stores its registers after the call

struct Seen {
    int calls = 0;
    uint32_t args[6] = {};
    int32_t first_result = 42;   // e.g. -ERESTARTNOINTR to force one restart
};
Seen g_seen;

int32_t test_call(Process&, const SyscallArgs& a) {
    g_seen.calls++;
    for (int k = 0; k < 6; k++) g_seen.args[k] = a[k];
    if (g_seen.calls == 1) return g_seen.first_result;
    return 42;
}

// A tiny i386 assembler for the few instructions the tests need.
struct Asm {
    std::vector<uint8_t> b;
    void u32(uint32_t v) { for (int k = 0; k < 4; k++) b.push_back(uint8_t(v >> (8 * k))); }
    void mov_imm(Gpr r, uint32_t v) { b.push_back(uint8_t(0xb8 + r)); u32(v); }
    void store(Gpr r, uint32_t addr) { b.push_back(0x89); b.push_back(uint8_t(0x05 | (r << 3))); u32(addr); }
    void call_indirect(uint32_t addr) { b.push_back(0xff); b.push_back(0x15); u32(addr); }
    void int80() { b.push_back(0xcd); b.push_back(0x80); }
    void exit_group() { mov_imm(kEax, 252); mov_imm(kEbx, 0); int80(); }
    // Stores EAX..EDI (Gpr order) at kSaved.
    void save_all() { for (int r = 0; r < 8; r++) store(Gpr(r), kSaved + 4 * r); }
};

const uint32_t kArgs[6] = {0x11111111, 0x22222222, 0x33333333, 0x44444444, 0x55555555, 0x66666666};

std::unique_ptr<Process> make_process(const char* model, const char* gate = "auto") {
    Options o;
    o.cpu = model;
    o.gate = gate;
    auto p = std::make_unique<Process>(o);
    install_cpu_model(*p, *find_cpu_model(model));
    map_vdso(*p);
    REQUIRE(p->mem.map(kCode, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC, true, false, -1, 0) == kCode);
    REQUIRE(p->mem.map(kData, 0x1000, PROT_READ | PROT_WRITE, true, false, -1, 0) == kData);
    REQUIRE(p->mem.map(kStackTop - 0x10000, 0x10000, PROT_READ | PROT_WRITE, true, false, -1, 0) == kStackTop - 0x10000);
    std::memcpy(p->mem.host(kVsysPtr), &p->vdso_entry, 4);
    p->cpu.m_regs[kEsp] = kStackTop - 0x100;
    p->cpu.m_eip = kCode;
    // The test handler on an unassigned number (syscall_info registers the real table first).
    syscall_info(0);
    register_syscall(kTestNr, test_call, "xxxxxx");
    g_seen = Seen{};
    return p;
}

void load(Process& p, const Asm& a) {
    std::memcpy(p.mem.host(kCode), a.b.data(), a.b.size());
    p.cache.invalidate_all();
}

uint32_t saved(Process& p, Gpr r) {
    uint32_t v;
    std::memcpy(&v, p.mem.host(kSaved + 4 * r), 4);
    return v;
}

// mov $kTestNr,%eax; the six arguments; then the gate; then save every register and exit.
Asm six_arg_call(bool via_vdso) {
    Asm a;
    a.mov_imm(kEax, kTestNr);
    a.mov_imm(kEbx, kArgs[0]);
    a.mov_imm(kEcx, kArgs[1]);
    a.mov_imm(kEdx, kArgs[2]);
    a.mov_imm(kEsi, kArgs[3]);
    a.mov_imm(kEdi, kArgs[4]);
    a.mov_imm(kEbp, kArgs[5]);
    if (via_vdso) a.call_indirect(kVsysPtr);
    else a.int80();
    a.save_all();
    a.exit_group();
    return a;
}

void check_preserved(Process& p) {
    CHECK(g_seen.calls == 1);
    for (int k = 0; k < 6; k++) CHECK(g_seen.args[k] == kArgs[k]);
    CHECK(saved(p, kEax) == 42);
    CHECK(saved(p, kEbx) == kArgs[0]);
    CHECK(saved(p, kEcx) == kArgs[1]);
    CHECK(saved(p, kEdx) == kArgs[2]);
    CHECK(saved(p, kEsi) == kArgs[3]);
    CHECK(saved(p, kEdi) == kArgs[4]);
    CHECK(saved(p, kEbp) == kArgs[5]);
    CHECK(saved(p, kEsp) == kStackTop - 0x100);
}

// The state right after `sysenter` inside __kernel_vsyscall, as if `call *AT_SYSINFO` ran with
// the six arguments: return address, then the vDSO's pushes of ecx, edx, ebp, and ebp = esp.
void enter_vdso_sysenter(Process& p, uint32_t return_to) {
    Cpu& c = p.cpu;
    uint32_t sp = kStackTop - 0x100;
    auto push = [&](uint32_t v) { sp -= 4; std::memcpy(p.mem.host(sp), &v, 4); };
    push(return_to);
    push(kArgs[1]);
    push(kArgs[2]);
    push(kArgs[5]);
    c.m_regs[kEax] = kTestNr;
    c.m_regs[kEbx] = kArgs[0];
    c.m_regs[kEcx] = kArgs[1];
    c.m_regs[kEdx] = kArgs[2];
    c.m_regs[kEsi] = kArgs[3];
    c.m_regs[kEdi] = kArgs[4];
    c.m_regs[kEsp] = sp;
    c.m_regs[kEbp] = sp;
    c.m_eip = p.vdso_entry + 7;   // after 0f 34 at +5
}

}  // namespace

TEST_CASE("six arguments and every register survive a call through int $0x80") {
    auto p = make_process("pentium4");
    load(*p, six_arg_call(false));
    CHECK(run_process(*p) == 0);
    check_preserved(*p);
    CHECK(p->costs.calls[kTestNr].count[0] == 1);
}

TEST_CASE("six arguments and every register survive a call through __kernel_vsyscall (sysenter)") {
    auto p = make_process("pentium4");
    REQUIRE(p->vdso_entry == 0xffffe400);
    REQUIRE(p->sysenter_return == 0xffffe410);
    load(*p, six_arg_call(true));
    CHECK(run_process(*p) == 0);
    check_preserved(*p);   // arg6 arrived from [ebp], where the vDSO pushed the caller's ebp
    CHECK(p->costs.calls[kTestNr].count[1] == 1);
}

TEST_CASE("the Pentium Pro maps the int80 page, and a call through it keeps every register") {
    auto p = make_process("pentiumpro");
    CHECK(vdso_variant_for(*p) == VdsoVariant::Int80);
    load(*p, six_arg_call(true));
    CHECK(run_process(*p) == 0);
    check_preserved(*p);
    CHECK(p->costs.calls[kTestNr].count[0] == 1);
    CHECK(p->costs.calls[kTestNr].count[1] == 0);
}

TEST_CASE("sysenter: arg6 from [ebp], SYSEXIT's registers, and -EFAULT for an unreadable ebp") {
    auto p = make_process("pentium4");
    Cpu& c = p->cpu;
    enter_vdso_sysenter(*p, kCode);
    uint32_t user_sp = c.m_regs[kEsp];
    gate_sysenter(*p);
    CHECK(g_seen.args[5] == kArgs[5]);
    CHECK(c.m_regs[kEax] == 42);
    CHECK(c.m_eip == 0xffffe410);            // SYSENTER_RETURN
    CHECK(c.m_regs[kEdx] == 0xffffe410);     // SYSEXIT: EDX = return address
    CHECK(c.m_regs[kEcx] == user_sp);        //          ECX = user stack
    CHECK(c.m_regs[kEsp] == user_sp);
    CHECK(c.m_regs[kEbp] == 0);
    CHECK(c.m_regs[kEbx] == kArgs[0]);
    CHECK(c.m_regs[kEsi] == kArgs[3]);
    CHECK(c.m_regs[kEdi] == kArgs[4]);

    // A sysenter whose ebp points nowhere: the kernel cannot fetch arg6.
    g_seen = Seen{};
    c.m_regs[kEax] = kTestNr;
    c.m_regs[kEbp] = 0x00001000;
    c.m_eip = p->vdso_entry + 7;
    gate_sysenter(*p);
    CHECK(static_cast<int32_t>(c.m_regs[kEax]) == -EFAULT);
    CHECK(g_seen.calls == 0);
    CHECK(c.m_eip == 0xffffe410);
}

TEST_CASE("a sysenter call forced to -ERESTARTNOINTR restarts on the jmp at 0xffffe40e and runs again") {
    auto p = make_process("pentium4");
    Cpu& c = p->cpu;
    Asm after;   // where __kernel_vsyscall returns to
    after.save_all();
    after.exit_group();
    load(*p, after);
    g_seen.first_result = -kErestartNointr;
    enter_vdso_sysenter(*p, kCode);
    uint32_t user_sp = c.m_regs[kEsp];
    gate_sysenter(*p);
    CHECK(g_seen.calls == 1);
    CHECK(static_cast<int32_t>(c.m_regs[kEax]) == -kErestartNointr);
    uint64_t gate_before = p->costs.gate_mc;

    // What signal delivery does on the way out (no handler runs): IRET exit, then the restart.
    CHECK(gate_signal_return(*p, nullptr));
    CHECK(c.m_eip == 0xffffe40e);                // SYSENTER_RETURN - 2: the jmp back to mov %esp,%ebp
    CHECK(c.m_regs[kEax] == kTestNr);            // orig_eax
    CHECK(c.m_regs[kEcx] == kArgs[1]);           // IRET restored what SYSEXIT would have clobbered
    CHECK(c.m_regs[kEdx] == kArgs[2]);
    CHECK(c.m_regs[kEbp] == user_sp);
    CHECK(c.m_regs[kEsp] == user_sp);
    CHECK(p->costs.iret_exits == 1);
    const GatePrices& pr = p->costs.prices;
    CHECK(p->costs.gate_mc - gate_before == pr.int80_exit - pr.sysenter_exit);
    CHECK_FALSE(gate_signal_return(*p, nullptr));   // once only

    // The restarted call runs from the vDSO with the same six arguments, then returns normally.
    CHECK(run_process(*p) == 0);
    CHECK(g_seen.calls == 2);
    for (int k = 0; k < 6; k++) CHECK(g_seen.args[k] == kArgs[k]);
    CHECK(saved(*p, kEax) == 42);
    CHECK(saved(*p, kEbx) == kArgs[0]);
    CHECK(saved(*p, kEcx) == kArgs[1]);
    CHECK(saved(*p, kEdx) == kArgs[2]);
    CHECK(saved(*p, kEbp) == kArgs[5]);
    CHECK(saved(*p, kEsp) == kStackTop - 0x100);   // the vDSO's ret popped the return address
}

TEST_CASE("an int $0x80 call restarts on the int instruction itself") {
    auto p = make_process("pentium3");
    Asm a;
    a.mov_imm(kEax, kTestNr);
    a.mov_imm(kEbx, kArgs[0]);
    size_t int_at = a.b.size();
    a.int80();
    load(*p, a);
    Cpu& c = p->cpu;
    c.m_regs[kEax] = kTestNr;
    c.m_eip = kCode + static_cast<uint32_t>(int_at) + 2;   // as after executing the int
    g_seen.first_result = -kErestartNohand;
    gate_int80(*p);
    CHECK(gate_signal_return(*p, nullptr));
    CHECK(c.m_eip == kCode + int_at);
    CHECK(c.m_regs[kEax] == kTestNr);
}

TEST_CASE("the restart rules: handlers, SA_RESTART and restart_syscall") {
    struct Case {
        int32_t result;
        bool handler;
        uint32_t flags;
        bool restart;
        uint32_t eax;
    };
    const Case cases[] = {
        {-kErestartSys, true, 0, false, static_cast<uint32_t>(-EINTR)},
        {-kErestartSys, true, kSaRestart, true, kTestNr},
        {-kErestartSys, false, 0, true, kTestNr},
        {-kErestartNointr, true, 0, true, kTestNr},
        {-kErestartNohand, true, kSaRestart, false, static_cast<uint32_t>(-EINTR)},
        {-kErestartNohand, false, 0, true, kTestNr},
        {-kErestartRestartblock, true, 0, false, static_cast<uint32_t>(-EINTR)},
        {-kErestartRestartblock, false, 0, true, kNrRestartSyscall},
        {-EINTR, false, 0, false, static_cast<uint32_t>(-EINTR)},
    };
    for (const Case& k : cases) {
        CAPTURE(k.result);
        CAPTURE(k.handler);
        auto p = make_process("pentium4");
        g_seen.first_result = k.result;
        enter_vdso_sysenter(*p, kCode);
        gate_sysenter(*p);
        GuestSigaction act;
        act.handler = 0x08048800;
        act.flags = k.flags;
        CHECK(gate_signal_return(*p, k.handler ? &act : nullptr) == k.restart);
        CHECK(p->cpu.m_regs[kEax] == k.eax);
        CHECK(p->cpu.m_eip == (k.restart ? 0xffffe40eu : 0xffffe410u));
    }
}

TEST_CASE("a call is priced gate entry + exit + common path + its work, and RDTSC can read it") {
    auto p = make_process("pentium4");
    p->identity.rdtsc_model = true;
    load(*p, six_arg_call(true));
    CHECK(run_process(*p) == 0);
    const CostModel& cm = p->costs;
    const GatePrices& pr = cm.prices;
    // The test call (default work) and exit_group (one way, int80).
    CHECK(cm.gate_mc == pr.sysenter_entry + pr.sysenter_exit + pr.int80_entry);
    CHECK(cm.kernel_mc == 2 * (pr.common + pr.work[0]));
    CHECK(cm.clock == cm.user_mc() + cm.gate_mc + cm.kernel_mc);
    CHECK(cm.user_mc() > 0);
    CHECK(p->identity.model_clock == &cm.clock);
}
