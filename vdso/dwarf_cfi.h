// DWARF call-frame information for the vDSO: a small encoder for CFA programs, CIE/FDE records
// (.eh_frame) and the binary-search table (.eh_frame_hdr) that unwinders use to find an FDE.
// Encodings follow the DWARF 4 spec §6.4 and the LSB "Exception Frames" chapter; register
// numbers are the i386 SysV ones gcc uses in .eh_frame (4 = esp, 5 = ebp, 8 = eip).
#pragma once

#include <cstdint>
#include <vector>

namespace gate386::dwarf {

// i386 DWARF register numbers (SysV i386 psABI, as gcc and gdb use them on ELF).
inline constexpr uint8_t kRegEax = 0;
inline constexpr uint8_t kRegEcx = 1;
inline constexpr uint8_t kRegEdx = 2;
inline constexpr uint8_t kRegEbx = 3;
inline constexpr uint8_t kRegEsp = 4;
inline constexpr uint8_t kRegEbp = 5;
inline constexpr uint8_t kRegEsi = 6;
inline constexpr uint8_t kRegEdi = 7;
inline constexpr uint8_t kRegEip = 8;
inline constexpr uint8_t kRegEflags = 9;
inline constexpr uint8_t kRegEs = 40;
inline constexpr uint8_t kRegCs = 41;
inline constexpr uint8_t kRegSs = 42;
inline constexpr uint8_t kRegDs = 43;
inline constexpr uint8_t kRegFs = 44;
inline constexpr uint8_t kRegGs = 45;

// Call frame instruction opcodes (DWARF 4 §7.23).
inline constexpr uint8_t kCfaAdvanceLoc = 0x40;  // high 2 bits; delta in the low 6
inline constexpr uint8_t kCfaOffset = 0x80;  // high 2 bits; register in the low 6, ULEB factored offset follows
inline constexpr uint8_t kCfaRestore = 0xc0;  // high 2 bits; register in the low 6
inline constexpr uint8_t kCfaNop = 0x00;
inline constexpr uint8_t kCfaAdvanceLoc1 = 0x02;
inline constexpr uint8_t kCfaAdvanceLoc2 = 0x03;
inline constexpr uint8_t kCfaAdvanceLoc4 = 0x04;
inline constexpr uint8_t kCfaRememberState = 0x0a;
inline constexpr uint8_t kCfaRestoreState = 0x0b;
inline constexpr uint8_t kCfaDefCfa = 0x0c;
inline constexpr uint8_t kCfaDefCfaOffset = 0x0e;
inline constexpr uint8_t kCfaDefCfaExpression = 0x0f;
inline constexpr uint8_t kCfaExpression = 0x10;

// DWARF expression opcodes used here.
inline constexpr uint8_t kOpDeref = 0x06;
inline constexpr uint8_t kOpBreg0 = 0x70;  // DW_OP_breg0 + n: push (register n + SLEB offset)

// Pointer encodings (LSB "DWARF Exception Header Encoding").
inline constexpr uint8_t kPeUdata4 = 0x03;
inline constexpr uint8_t kPeSdata4 = 0x0b;
inline constexpr uint8_t kPePcrel = 0x10;
inline constexpr uint8_t kPeDatarel = 0x30;

// Which CIE an FDE hangs off: ordinary code ("zR", CFA = esp+4, return address at CFA-4), or a
// signal trampoline ("zRS": the unwinder must not subtract 1 from the pc of the frame above it).
enum class CieKind : uint8_t { Normal, Signal };

constexpr int kCodeAlign = 1;
constexpr int kDataAlign = -4;

void put_uleb(std::vector<uint8_t>& out, uint64_t value);
void put_sleb(std::vector<uint8_t>& out, int64_t value);
void put_u16(std::vector<uint8_t>& out, uint16_t value);
void put_u32(std::vector<uint8_t>& out, uint32_t value);

// Builds the instruction stream of one FDE. Instructions are placed at code addresses that never
// decrease; `at(address)` emits the advance_loc that moves the row there.
class CfiProgram {
public:
    explicit CfiProgram(uint32_t start) : m_loc(start) {}

    void at(uint32_t address);
    void def_cfa(uint8_t reg, uint32_t offset);
    void def_cfa_offset(uint32_t offset);
    // Register saved at CFA - cfa_distance (cfa_distance a positive multiple of 4).
    void offset(uint8_t reg, uint32_t cfa_distance);
    void restore(uint8_t reg);
    // CFA = *(esp + esp_offset): the stack pointer saved in a sigcontext.
    void def_cfa_deref_esp(int32_t esp_offset);
    // Register saved at address esp + esp_offset.
    void expression_esp(uint8_t reg, int32_t esp_offset);

    uint32_t location() const { return m_loc; }
    const std::vector<uint8_t>& bytes() const { return m_bytes; }

private:
    uint32_t m_loc;
    std::vector<uint8_t> m_bytes;
};

struct Fde {
    uint32_t start = 0;  // first covered address
    uint32_t end = 0;    // one past the last covered address
    CieKind cie = CieKind::Normal;
    std::vector<uint8_t> program;
};

struct EhFrameSections {
    std::vector<uint8_t> eh_frame_hdr;
    std::vector<uint8_t> eh_frame;
    uint32_t eh_frame_address = 0;  // eh_frame follows eh_frame_hdr, 4-aligned
};

// Size of .eh_frame_hdr for `fde_count` FDEs.
constexpr uint32_t eh_frame_hdr_size(uint32_t fde_count) { return 12 + 8 * fde_count; }

// Encodes .eh_frame_hdr at `hdr_address` immediately followed by .eh_frame (CIEs as needed,
// then one FDE per entry, then a zero terminator). Every address is absolute, so the bytes are
// only valid at these addresses (pc-relative fields are computed from them).
EhFrameSections encode_eh_frame(const std::vector<Fde>& fdes, uint32_t hdr_address);

}  // namespace gate386::dwarf
