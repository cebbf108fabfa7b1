#include "vdso/dwarf_cfi.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace gate386::dwarf {

void put_uleb(std::vector<uint8_t>& out, uint64_t value) {
    do {
        uint8_t byte = value & 0x7f;
        value >>= 7;
        if (value != 0) byte |= 0x80;
        out.push_back(byte);
    } while (value != 0);
}

void put_sleb(std::vector<uint8_t>& out, int64_t value) {
    for (;;) {
        uint8_t byte = value & 0x7f;
        value >>= 7;  // arithmetic shift: sign bits flow in
        bool done = (value == 0 && !(byte & 0x40)) || (value == -1 && (byte & 0x40));
        if (!done) byte |= 0x80;
        out.push_back(byte);
        if (done) return;
    }
}

void put_u16(std::vector<uint8_t>& out, uint16_t value) {
    out.push_back(value & 0xff);
    out.push_back(value >> 8);
}

void put_u32(std::vector<uint8_t>& out, uint32_t value) {
    for (int i = 0; i < 4; ++i) out.push_back((value >> (8 * i)) & 0xff);
}

static void patch_u32(std::vector<uint8_t>& out, size_t at, uint32_t value) {
    for (int i = 0; i < 4; ++i) out[at + i] = (value >> (8 * i)) & 0xff;
}

void CfiProgram::at(uint32_t address) {
    if (address < m_loc) throw std::logic_error("CFI location moves backwards");
    uint32_t delta = (address - m_loc) / kCodeAlign;
    if (delta == 0) return;
    if (delta < 0x40) {
        m_bytes.push_back(kCfaAdvanceLoc | delta);
    } else if (delta <= 0xff) {
        m_bytes.push_back(kCfaAdvanceLoc1);
        m_bytes.push_back(delta);
    } else if (delta <= 0xffff) {
        m_bytes.push_back(kCfaAdvanceLoc2);
        put_u16(m_bytes, delta);
    } else {
        m_bytes.push_back(kCfaAdvanceLoc4);
        put_u32(m_bytes, delta);
    }
    m_loc = address;
}

void CfiProgram::def_cfa(uint8_t reg, uint32_t offset) {
    m_bytes.push_back(kCfaDefCfa);
    put_uleb(m_bytes, reg);
    put_uleb(m_bytes, offset);
}

void CfiProgram::def_cfa_offset(uint32_t offset) {
    m_bytes.push_back(kCfaDefCfaOffset);
    put_uleb(m_bytes, offset);
}

void CfiProgram::offset(uint8_t reg, uint32_t cfa_distance) {
    if (reg >= 0x40 || cfa_distance % 4 != 0) throw std::logic_error("bad DW_CFA_offset");
    m_bytes.push_back(kCfaOffset | reg);
    put_uleb(m_bytes, cfa_distance / 4);  // factored by data alignment -4
}

void CfiProgram::restore(uint8_t reg) {
    if (reg >= 0x40) throw std::logic_error("bad DW_CFA_restore");
    m_bytes.push_back(kCfaRestore | reg);
}

void CfiProgram::def_cfa_deref_esp(int32_t esp_offset) {
    std::vector<uint8_t> expr;
    expr.push_back(kOpBreg0 + kRegEsp);
    put_sleb(expr, esp_offset);
    expr.push_back(kOpDeref);
    m_bytes.push_back(kCfaDefCfaExpression);
    put_uleb(m_bytes, expr.size());
    m_bytes.insert(m_bytes.end(), expr.begin(), expr.end());
}

void CfiProgram::expression_esp(uint8_t reg, int32_t esp_offset) {
    std::vector<uint8_t> expr;
    expr.push_back(kOpBreg0 + kRegEsp);
    put_sleb(expr, esp_offset);
    m_bytes.push_back(kCfaExpression);
    put_uleb(m_bytes, reg);
    put_uleb(m_bytes, expr.size());
    m_bytes.insert(m_bytes.end(), expr.begin(), expr.end());
}

namespace {

// Pads a CIE/FDE whose length field sits at `start` to a multiple of 4 with DW_CFA_nop and
// fills in the length (which excludes the length field itself).
void close_record(std::vector<uint8_t>& out, size_t start) {
    while ((out.size() - start) % 4 != 0) out.push_back(kCfaNop);
    patch_u32(out, start, static_cast<uint32_t>(out.size() - start - 4));
}

void emit_cie(std::vector<uint8_t>& out, CieKind kind) {
    size_t start = out.size();
    put_u32(out, 0);  // length, patched
    put_u32(out, 0);  // CIE id: 0 marks a CIE in .eh_frame
    out.push_back(1);  // version
    const char* augmentation = kind == CieKind::Signal ? "zRS" : "zR";
    for (const char* p = augmentation; *p; ++p) out.push_back(static_cast<uint8_t>(*p));
    out.push_back(0);
    put_uleb(out, kCodeAlign);
    put_sleb(out, kDataAlign);
    out.push_back(kRegEip);  // return address column (a byte in CIE version 1)
    put_uleb(out, 1);        // augmentation data length ('z')
    out.push_back(kPePcrel | kPeSdata4);  // 'R': FDE addresses are pc-relative sdata4
    if (kind == CieKind::Normal) {
        // On entry to a function: CFA = esp + 4, return address at CFA - 4.
        CfiProgram init(0);
        init.def_cfa(kRegEsp, 4);
        init.offset(kRegEip, 4);
        out.insert(out.end(), init.bytes().begin(), init.bytes().end());
    }
    // Signal frames get their whole rule set from the FDE (the CFA is an expression).
    close_record(out, start);
}

}  // namespace

EhFrameSections encode_eh_frame(const std::vector<Fde>& fdes, uint32_t hdr_address) {
    EhFrameSections result;
    uint32_t hdr_size = eh_frame_hdr_size(static_cast<uint32_t>(fdes.size()));
    result.eh_frame_address = (hdr_address + hdr_size + 3) & ~3u;
    const uint32_t base = result.eh_frame_address;
    std::vector<uint8_t>& out = result.eh_frame;

    int64_t cie_offset[2] = {-1, -1};
    for (const Fde& fde : fdes) {
        int kind = static_cast<int>(fde.cie);
        if (cie_offset[kind] < 0) {
            cie_offset[kind] = static_cast<int64_t>(out.size());
            emit_cie(out, fde.cie);
        }
    }

    struct TableEntry {
        uint32_t pc;
        uint32_t fde_address;
    };
    std::vector<TableEntry> table;
    for (const Fde& fde : fdes) {
        if (fde.end <= fde.start) throw std::logic_error("empty FDE range");
        size_t start = out.size();
        table.push_back({fde.start, base + static_cast<uint32_t>(start)});
        put_u32(out, 0);  // length, patched
        // CIE pointer: distance from this field back to the CIE.
        put_u32(out, static_cast<uint32_t>(out.size() - cie_offset[static_cast<int>(fde.cie)]));
        uint32_t field = base + static_cast<uint32_t>(out.size());
        put_u32(out, fde.start - field);  // pc_begin, pcrel sdata4
        put_u32(out, fde.end - fde.start);  // pc_range, same format without the pcrel
        put_uleb(out, 0);  // augmentation data length
        out.insert(out.end(), fde.program.begin(), fde.program.end());
        close_record(out, start);
    }
    put_u32(out, 0);  // zero terminator, as crtend.o supplies for a linked .eh_frame

    std::stable_sort(table.begin(), table.end(),
                     [](const TableEntry& a, const TableEntry& b) { return a.pc < b.pc; });
    std::vector<uint8_t>& hdr = result.eh_frame_hdr;
    hdr.push_back(1);                         // version
    hdr.push_back(kPePcrel | kPeSdata4);      // eh_frame_ptr encoding
    hdr.push_back(kPeUdata4);                 // fde_count encoding
    hdr.push_back(kPeDatarel | kPeSdata4);    // table encoding: relative to the header start
    put_u32(hdr, base - (hdr_address + 4));  // eh_frame_ptr
    put_u32(hdr, static_cast<uint32_t>(table.size()));
    for (const TableEntry& e : table) {
        put_u32(hdr, e.pc - hdr_address);
        put_u32(hdr, e.fde_address - hdr_address);
    }
    if (hdr.size() != hdr_size) throw std::logic_error("eh_frame_hdr size mismatch");
    return result;
}

}  // namespace gate386::dwarf
