// linux-gate.so.1, synthesized at run time: a complete ELF32 ET_DYN shared object of exactly one
// 4096-byte page, linked for 0xffffe000 (Linux 2.6's FIX_VSYSCALL), as the i386 kernel maps it.
//
//   +0x000  ELF header, program headers (PT_LOAD R+X of the whole page, PT_DYNAMIC,
//           PT_GNU_EH_FRAME), .hash, .gnu.hash, .dynsym, .dynstr, .gnu.version, .gnu.version_d
//   +0x400  .text (gaps padded with 0x90):
//             0xffffe400 __kernel_vsyscall      LINUX_2.5  sysenter or int $0x80 gate
//             0xffffe420 __kernel_sigreturn     LINUX_2.5  58 b8 77 00 00 00 cd 80
//             0xffffe440 __kernel_rt_sigreturn  LINUX_2.5  b8 ad 00 00 00 cd 80
//             0xffffe460 ... __vdso_clock_gettime, __vdso_gettimeofday, __vdso_time,
//                        __vdso_clock_getres, __vdso_clock_gettime64, __vdso_getcpu (LINUX_2.6)
//           .eh_frame_hdr, .eh_frame, .dynamic, .shstrtab, section headers
//
// The time functions read the [vvar] page at kVvarBase (see vvar.h) and RDTSC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gate386 {

enum class VdsoVariant { Sysenter, Int80 };  // the CPU has SEP → Sysenter

// Kernel2612: 51 52 55 | 89 e5 0f 34 | 90×7 | eb f3 | 5d 5a 59 c3  (restart onto the jmp at +0xe)
// Modern:     51 52 55 | 89 e5 0f 34 | cd 80 | 5d 5a 59 c3         (restart onto int $0x80 at +7)
// The Int80 variant (cd 80 c3) ignores the layout.
enum class VdsoLayout { Kernel2612, Modern };

struct VdsoSymbol {
    std::string name;
    uint32_t address = 0;
    uint32_t size = 0;
    std::string version;  // "LINUX_2.5" or "LINUX_2.6"
};

struct VdsoImage {
    std::vector<uint8_t> bytes;       // exactly kVdsoSize bytes, to be mapped at `base`
    std::vector<VdsoSymbol> symbols;  // exported functions, in address order
    uint32_t base = 0;                // kVdsoBase: AT_SYSINFO_EHDR
    uint32_t entry = 0;               // __kernel_vsyscall: AT_SYSINFO and e_entry
    // Where sysexit returns (the kernel's SYSENTER_RETURN / int80 landing pad): 0xffffe410 for
    // Kernel2612, 0xffffe409 for Modern (after the int $0x80); 0 for the Int80 variant.
    uint32_t sysenter_return = 0;
    // Where a restarted system call entered through __kernel_vsyscall resumes (the kernel's
    // "eip -= 2" from the return address): 0xffffe40e (the jmp back to mov %esp,%ebp) for
    // Kernel2612, 0xffffe407 (the int $0x80) for Modern, 0xffffe400 (the int $0x80) for Int80.
    uint32_t restart_jmp = 0;
};

constexpr uint32_t kVdsoBase = 0xffffe000;
constexpr uint32_t kVvarBase = 0xffffd000;
constexpr uint32_t kVdsoSize = 4096;

VdsoImage build_vdso_image(VdsoVariant variant, VdsoLayout layout = VdsoLayout::Kernel2612);

const VdsoSymbol* find_symbol(const VdsoImage& image, std::string_view name);

}  // namespace gate386
