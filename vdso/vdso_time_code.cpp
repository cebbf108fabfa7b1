// The LINUX_2.6 time functions, hand-encoded i386: cdecl (arguments on the stack, result in eax,
// ebx/esi/edi/ebp preserved). They tell the time from RDTSC and the [vvar] page at 0xffffd000
// with no system call, under a seqlock retry, and fall back to int $0x80 for clocks the page
// does not serve. Return values follow the kernel's vDSO: 0, or the raw -errno of the fallback.
#include <cstddef>

#include "vdso/vdso_text.h"
#include "vdso/vvar.h"

namespace gate386::vdso_detail {

using namespace x86;

namespace {

constexpr uint32_t kVvarSeq = kVvarBase + offsetof(VvarData, seq);
constexpr uint32_t kVvarMult = kVvarBase + offsetof(VvarData, tsc_mult);
constexpr uint32_t kVvarShift = kVvarBase + offsetof(VvarData, tsc_shift);
constexpr uint32_t kVvarTscRef = kVvarBase + offsetof(VvarData, tsc_ref);
constexpr uint32_t kVvarClocks = kVvarBase + offsetof(VvarData, clocks);
constexpr int32_t kClkSec = offsetof(VvarClock, sec);
constexpr int32_t kClkNsec = offsetof(VvarClock, nsec);
constexpr int32_t kClkMode = offsetof(VvarClock, mode);
constexpr int32_t kClkRes = offsetof(VvarClock, res_nsec);
static_assert(sizeof(VvarClock) == 32, "clock index is scaled with shl $5");

constexpr uint32_t kNsPerSec = 1000000000;
constexpr uint32_t kUnserved = 0xffffffff;  // ecx marker: "make the system call"

// Reads a clock from the vvar page. Expects ebx, esi, edi, ebp pushed (it uses all of them) and
// the clock id in eax (< kVvarClockCount), or `fixed_clock` set. Leaves
//   eax = seconds (low), edx = seconds (high), ecx = nanoseconds, or ecx = kUnserved.
// Straight-line apart from the seqlock retry and its own forward branches, so the caller's CFI
// (CFA = esp + 20 throughout) stays valid.
void emit_read_clock(Emitter& e, int fixed_clock) {
    Label retry = e.new_label(), stable = e.new_label(), positive = e.new_label();
    Label fine = e.new_label(), check = e.new_label();

    if (fixed_clock >= 0) {
        e.mov_r_imm(ebp, kVvarClocks + static_cast<uint32_t>(fixed_clock) * sizeof(VvarClock));
    } else {
        e.shl_r_imm(eax, 5);                                  // shl $5,%eax
        e.lea_r_m(ebp, Mem{eax, std::nullopt, 1, static_cast<int32_t>(kVvarClocks)});  // lea vvar.clocks(%eax),%ebp
    }
    e.bind(retry);
    e.mov_r_m(esi, abs32(kVvarSeq));                          // mov vvar.seq,%esi
    e.test_r_imm(esi, 1);                                     // test $1,%esi   (writer active?)
    e.jcc(Cond::E, stable);                                   // jz stable
    e.pause();                                                // pause
    e.jmp(retry);                                             // jmp retry
    e.bind(stable);
    e.mov_r_imm(ecx, kUnserved);                              // mov $-1,%ecx
    e.alu_m_imm(Alu::Cmp, ptr(ebp, kClkMode), 0);             // cmpl $0,mode(%ebp)
    e.jcc(Cond::E, check, Jump::Near);                        // je check      (not served here)
    // delta = rdtsc - tsc_ref, clamped at 0 (a TSC read on another CPU may be slightly behind).
    e.rdtsc();                                                // rdtsc
    e.alu_r_m(Alu::Sub, eax, abs32(kVvarTscRef));             // sub vvar.tsc_ref,%eax
    e.alu_r_m(Alu::Sbb, edx, abs32(kVvarTscRef + 4));         // sbb vvar.tsc_ref+4,%edx
    e.jcc(Cond::NS, positive);                                // jns positive
    e.alu_r_r(Alu::Xor, eax, eax);                            // xor %eax,%eax
    e.alu_r_r(Alu::Xor, edx, edx);                            // xor %edx,%edx
    e.bind(positive);
    // edx:edi:ebx = delta * mult (96 bits): lo*mult + (hi*mult << 32).
    e.mov_r_r(ecx, edx);                                      // mov %edx,%ecx    (delta hi)
    e.mul_m(abs32(kVvarMult));                                // mull vvar.mult   (lo * mult)
    e.mov_r_r(ebx, eax);                                      // mov %eax,%ebx
    e.mov_r_r(edi, edx);                                      // mov %edx,%edi
    e.mov_r_r(eax, ecx);                                      // mov %ecx,%eax
    e.mul_m(abs32(kVvarMult));                                // mull vvar.mult   (hi * mult)
    e.alu_r_r(Alu::Add, edi, eax);                            // add %eax,%edi
    e.alu_r_imm(Alu::Adc, edx, 0);                            // adc $0,%edx
    // edi:ebx = product >> shift (shift <= 31; the nanoseconds fit 64 bits).
    e.mov_r_m(ecx, abs32(kVvarShift));                        // mov vvar.shift,%ecx
    e.shrd_r_r_cl(ebx, edi);                                  // shrd %cl,%edi,%ebx
    e.shrd_r_r_cl(edi, edx);                                  // shrd %cl,%edx,%edi
    // + base nanoseconds
    e.alu_r_m(Alu::Add, ebx, ptr(ebp, kClkNsec));             // add nsec(%ebp),%ebx
    e.alu_r_imm(Alu::Adc, edi, 0);                            // adc $0,%edi
    // edi:eax = ns / 1e9, edx = ns % 1e9, by two 64/32 divisions (neither can overflow).
    e.mov_r_imm(ecx, kNsPerSec);                              // mov $1000000000,%ecx
    e.mov_r_r(eax, edi);                                      // mov %edi,%eax
    e.alu_r_r(Alu::Xor, edx, edx);                            // xor %edx,%edx
    e.div_r(ecx);                                             // div %ecx
    e.mov_r_r(edi, eax);                                      // mov %eax,%edi    (quotient hi)
    e.mov_r_r(eax, ebx);                                      // mov %ebx,%eax
    e.div_r(ecx);                                             // div %ecx         (eax lo, edx ns)
    e.mov_r_r(ebx, eax);                                      // mov %eax,%ebx
    e.mov_r_r(ecx, edx);                                      // mov %edx,%ecx    (nanoseconds)
    // Coarse clocks: round the nanoseconds down to the tick.
    e.alu_m_imm(Alu::Cmp, ptr(ebp, kClkMode), kVvarModeCoarse);  // cmpl $2,mode(%ebp)
    e.jcc(Cond::NE, fine);                                    // jne fine
    e.mov_r_r(eax, ecx);                                      // mov %ecx,%eax
    e.alu_r_r(Alu::Xor, edx, edx);                            // xor %edx,%edx
    e.div_m(ptr(ebp, kClkRes));                               // divl res(%ebp)
    e.alu_r_r(Alu::Sub, ecx, edx);                            // sub %edx,%ecx
    e.bind(fine);
    // seconds = base + quotient
    e.mov_r_r(eax, ebx);                                      // mov %ebx,%eax
    e.alu_r_m(Alu::Add, eax, ptr(ebp, kClkSec));              // add sec(%ebp),%eax
    e.alu_r_m(Alu::Adc, edi, ptr(ebp, kClkSec + 4));          // adc sec+4(%ebp),%edi
    e.mov_r_r(edx, edi);                                      // mov %edi,%edx
    e.bind(check);
    e.alu_r_m(Alu::Cmp, esi, abs32(kVvarSeq));                // cmp vvar.seq,%esi
    e.jcc(Cond::NE, retry, Jump::Near);                       // jne retry    (a writer came by)
}

void push_callee_saved(Emitter& e) {
    e.push_r(ebp);
    e.push_r(ebx);
    e.push_r(esi);
    e.push_r(edi);
}

void pop_callee_saved(Emitter& e) {
    e.pop_r(edi);
    e.pop_r(esi);
    e.pop_r(ebx);
    e.pop_r(ebp);
}

// The fallback: push %ebx; mov 4(%esp)..,%ebx/%ecx; mov $nr,%eax; int $0x80; pop %ebx; ret
void emit_syscall_fallback(Emitter& e, uint32_t nr, int args) {
    e.push_r(ebx);
    if (args >= 1) e.mov_r_m(ebx, ptr(esp, 8));  // first argument, past the saved ebx
    if (args >= 2) e.mov_r_m(ecx, ptr(esp, 12));
    e.mov_r_imm(eax, nr);
    e.int_imm(0x80);
    e.pop_r(ebx);
    e.ret();
}

// Stack offsets of the arguments while the four callee-saved registers are pushed.
constexpr int32_t kArg1Pushed = 4 * 4 + 4;
constexpr int32_t kArg2Pushed = kArg1Pushed + 4;

// int __vdso_clock_gettime(clockid_t, struct old_timespec32 *)         / fallback 265
// int __vdso_clock_gettime64(clockid_t, struct __kernel_timespec *)    / fallback 403
void emit_clock_gettime(Emitter& e, TextSection& text, bool wide) {
    uint32_t start = e.here();
    e.begin_function();
    Label syscall = e.new_label(), no_store = e.new_label();
    e.mov_r_m(eax, ptr(esp, 4));                              // mov 4(%esp),%eax   (clock id)
    e.alu_r_imm(Alu::Cmp, eax, kVvarClockCount);              // cmp $8,%eax
    e.jcc(Cond::AE, syscall, Jump::Near);                     // jae syscall  (also CPU clocks < 0)
    push_callee_saved(e);
    emit_read_clock(e, -1);
    e.mov_r_m(ebx, ptr(esp, kArg2Pushed));                    // mov 24(%esp),%ebx  (ts)
    e.alu_r_imm(Alu::Cmp, ecx, static_cast<int32_t>(kNsPerSec));  // cmp $1e9,%ecx  (unserved?)
    e.jcc(Cond::AE, no_store);                                // jae no_store
    e.mov_m_r(ptr(ebx, 0), eax);                              // mov %eax,(%ebx)   tv_sec
    if (wide) {
        e.mov_m_r(ptr(ebx, 4), edx);                          // mov %edx,4(%ebx)  tv_sec high
        e.mov_m_r(ptr(ebx, 8), ecx);                          // mov %ecx,8(%ebx)  tv_nsec
        e.mov_m_imm(ptr(ebx, 12), 0);                         // movl $0,12(%ebx)
    } else {
        e.mov_m_r(ptr(ebx, 4), ecx);                          // mov %ecx,4(%ebx)  tv_nsec
    }
    e.bind(no_store);
    pop_callee_saved(e);                                      // (pops keep the flags of the cmp)
    e.jcc(Cond::AE, syscall);                                 // jae syscall
    e.alu_r_r(Alu::Xor, eax, eax);                            // xor %eax,%eax
    e.ret();
    e.bind(syscall);
    emit_syscall_fallback(e, wide ? kNrClockGettime64 : kNrClockGettime, 2);
    text.fdes.push_back(e.end_function());
    add_symbol(text, e, wide ? "__vdso_clock_gettime64" : "__vdso_clock_gettime", start, "LINUX_2.6");
}

// int __vdso_gettimeofday(struct old_timeval32 *tv, struct timezone *tz)  / fallback 78
void emit_gettimeofday(Emitter& e, TextSection& text) {
    uint32_t start = e.here();
    e.begin_function();
    Label syscall = e.new_label(), tz = e.new_label(), out = e.new_label();
    push_callee_saved(e);
    emit_read_clock(e, kClockRealtime);
    e.alu_r_imm(Alu::Cmp, ecx, static_cast<int32_t>(kNsPerSec));  // cmp $1e9,%ecx
    e.jcc(Cond::AE, out);                                     // jae out
    e.mov_r_m(ebx, ptr(esp, kArg1Pushed));                    // mov 20(%esp),%ebx  (tv)
    e.test_r_r(ebx, ebx);                                     // test %ebx,%ebx
    e.jcc(Cond::E, tz);                                       // jz tz
    e.mov_r_r(esi, eax);                                      // mov %eax,%esi   (seconds)
    e.mov_r_r(eax, ecx);                                      // mov %ecx,%eax
    e.alu_r_r(Alu::Xor, edx, edx);                            // xor %edx,%edx
    e.mov_r_imm(edi, 1000);                                   // mov $1000,%edi
    e.div_r(edi);                                             // div %edi        (microseconds)
    e.mov_m_r(ptr(ebx, 0), esi);                              // mov %esi,(%ebx)   tv_sec
    e.mov_m_r(ptr(ebx, 4), eax);                              // mov %eax,4(%ebx)  tv_usec
    e.bind(tz);
    e.mov_r_m(ebx, ptr(esp, kArg2Pushed));                    // mov 24(%esp),%ebx  (tz)
    e.test_r_r(ebx, ebx);                                     // test %ebx,%ebx
    e.jcc(Cond::E, out);                                      // jz out
    e.mov_m_imm(ptr(ebx, 0), 0);                              // movl $0,(%ebx)   tz_minuteswest
    e.mov_m_imm(ptr(ebx, 4), 0);                              // movl $0,4(%ebx)  tz_dsttime
    e.bind(out);
    e.alu_r_imm(Alu::Cmp, ecx, static_cast<int32_t>(kNsPerSec));  // cmp $1e9,%ecx
    pop_callee_saved(e);
    e.jcc(Cond::AE, syscall);                                 // jae syscall
    e.alu_r_r(Alu::Xor, eax, eax);                            // xor %eax,%eax
    e.ret();
    e.bind(syscall);
    emit_syscall_fallback(e, kNrGettimeofday, 2);
    text.fdes.push_back(e.end_function());
    add_symbol(text, e, "__vdso_gettimeofday", start, "LINUX_2.6");
}

// time_t __vdso_time(time_t *t)  / fallback 13
void emit_time(Emitter& e, TextSection& text) {
    uint32_t start = e.here();
    e.begin_function();
    Label syscall = e.new_label(), out = e.new_label();
    push_callee_saved(e);
    emit_read_clock(e, kClockRealtime);
    e.alu_r_imm(Alu::Cmp, ecx, static_cast<int32_t>(kNsPerSec));  // cmp $1e9,%ecx
    e.jcc(Cond::AE, out);                                     // jae out
    e.mov_r_m(ebx, ptr(esp, kArg1Pushed));                    // mov 20(%esp),%ebx  (t)
    e.test_r_r(ebx, ebx);                                     // test %ebx,%ebx
    e.jcc(Cond::E, out);                                      // jz out
    e.mov_m_r(ptr(ebx, 0), eax);                              // mov %eax,(%ebx)
    e.bind(out);
    e.alu_r_imm(Alu::Cmp, ecx, static_cast<int32_t>(kNsPerSec));  // cmp $1e9,%ecx
    pop_callee_saved(e);
    e.jcc(Cond::AE, syscall);                                 // jae syscall
    e.ret();                                                  // eax = seconds
    e.bind(syscall);
    emit_syscall_fallback(e, kNrTime, 1);
    text.fdes.push_back(e.end_function());
    add_symbol(text, e, "__vdso_time", start, "LINUX_2.6");
}

// int __vdso_clock_getres(clockid_t, struct old_timespec32 *)  / fallback 266
void emit_clock_getres(Emitter& e, TextSection& text) {
    uint32_t start = e.here();
    e.begin_function();
    Label syscall = e.new_label(), out = e.new_label();
    e.mov_r_m(eax, ptr(esp, 4));                              // mov 4(%esp),%eax
    e.alu_r_imm(Alu::Cmp, eax, kVvarClockCount);              // cmp $8,%eax
    e.jcc(Cond::AE, syscall);                                 // jae syscall
    e.shl_r_imm(eax, 5);                                      // shl $5,%eax
    Mem clock_field{eax, std::nullopt, 1, static_cast<int32_t>(kVvarClocks)};
    clock_field.disp = static_cast<int32_t>(kVvarClocks + kClkMode);
    e.alu_m_imm(Alu::Cmp, clock_field, 0);                    // cmpl $0,vvar.clocks.mode(%eax)
    e.jcc(Cond::E, syscall);                                  // je syscall
    clock_field.disp = static_cast<int32_t>(kVvarClocks + kClkRes);
    e.mov_r_m(ecx, clock_field);                              // mov vvar.clocks.res(%eax),%ecx
    e.mov_r_m(edx, ptr(esp, 8));                              // mov 8(%esp),%edx  (res)
    e.test_r_r(edx, edx);                                     // test %edx,%edx
    e.jcc(Cond::E, out);                                      // jz out
    e.mov_m_imm(ptr(edx, 0), 0);                              // movl $0,(%edx)   tv_sec
    e.mov_m_r(ptr(edx, 4), ecx);                              // mov %ecx,4(%edx) tv_nsec
    e.bind(out);
    e.alu_r_r(Alu::Xor, eax, eax);                            // xor %eax,%eax
    e.ret();
    e.bind(syscall);
    emit_syscall_fallback(e, kNrClockGetres, 2);
    text.fdes.push_back(e.end_function());
    add_symbol(text, e, "__vdso_clock_getres", start, "LINUX_2.6");
}

// int __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache): the guest sees one CPU, node 0.
// (No fallback needed; getcpu is 318 should one ever be.)
void emit_getcpu(Emitter& e, TextSection& text) {
    uint32_t start = e.here();
    e.begin_function();
    Label node = e.new_label(), out = e.new_label();
    e.mov_r_m(eax, ptr(esp, 4));                              // mov 4(%esp),%eax  (cpu)
    e.test_r_r(eax, eax);                                     // test %eax,%eax
    e.jcc(Cond::E, node);                                     // jz node
    e.mov_m_imm(ptr(eax, 0), 0);                              // movl $0,(%eax)
    e.bind(node);
    e.mov_r_m(eax, ptr(esp, 8));                              // mov 8(%esp),%eax  (node)
    e.test_r_r(eax, eax);                                     // test %eax,%eax
    e.jcc(Cond::E, out);                                      // jz out
    e.mov_m_imm(ptr(eax, 0), 0);                              // movl $0,(%eax)
    e.bind(out);
    e.alu_r_r(Alu::Xor, eax, eax);                            // xor %eax,%eax
    e.ret();
    text.fdes.push_back(e.end_function());
    add_symbol(text, e, "__vdso_getcpu", start, "LINUX_2.6");
}

}  // namespace

void emit_time_functions(Emitter& e, TextSection& text) {
    emit_clock_gettime(e, text, false);
    e.align(16);
    emit_gettimeofday(e, text);
    e.align(16);
    emit_time(e, text);
    e.align(16);
    emit_clock_getres(e, text);
    e.align(16);
    emit_clock_gettime(e, text, true);
    e.align(16);
    emit_getcpu(e, text);
}

}  // namespace gate386::vdso_detail
