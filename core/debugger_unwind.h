// Call-frame unwinding for the debugger's backtrace: the DWARF CFI of .eh_frame (DWARF 4 §6.4,
// the LSB's .eh_frame format) of every loaded module — the program, its libraries and
// linux-gate.so.1, whose CFI describes __kernel_vsyscall's pushes and the sigreturn frames.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace gate386 {

// i386 DWARF register numbers: 0 eax 1 ecx 2 edx 3 ebx 4 esp 5 ebp 6 esi 7 edi 8 eip.
struct UnwindRegs {
    uint32_t r[9] = {};
    bool known[9] = {};
};

using UnwindRead = std::function<bool(uint32_t addr, uint32_t& value)>;

struct CfiImage;   // the parsed CIEs and FDEs of one image (file addresses)

class CfiUnwinder {
public:
    CfiUnwinder();
    ~CfiUnwinder();
    void clear();
    // Adds the image whose bytes are `data` (an ELF file or a memory image), mapped with `bias`
    // over [start, end). Files are parsed once per path and modification.
    void add_file(const std::string& path, uint32_t bias, uint32_t start, uint32_t end);
    void add_memory_image(const std::vector<uint8_t>& bytes, uint32_t bias, uint32_t start, uint32_t end);
    bool empty() const { return m_modules.empty(); }

    // Replaces `regs` (a frame) by its caller's. `caller_pc` says the pc is a return address
    // (look up the call, pc - 1). Sets `signal_frame` for an FDE of a signal trampoline.
    bool step(UnwindRegs& regs, bool caller_pc, const UnwindRead& read, bool& signal_frame) const;
    bool covers(uint32_t pc) const;

private:
    struct Module {
        std::shared_ptr<const CfiImage> image;
        uint32_t bias = 0, start = 0, end = 0;
    };
    std::vector<Module> m_modules;
};

// Parses the .eh_frame of an ELF32 image (sections first, PT_GNU_EH_FRAME otherwise); nullptr
// when it has none.
std::shared_ptr<const CfiImage> parse_cfi_image(const uint8_t* data, size_t size);

}  // namespace gate386
