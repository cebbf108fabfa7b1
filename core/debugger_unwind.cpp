#include "core/debugger_unwind.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace gate386 {

namespace {

// DW_EH_PE_* pointer encodings (LSB, "DWARF Exception Header Encoding").
enum : uint8_t {
    kPeAbsptr = 0x00, kPeUleb128 = 0x01, kPeUdata2 = 0x02, kPeUdata4 = 0x03, kPeUdata8 = 0x04,
    kPeSleb128 = 0x09, kPeSdata2 = 0x0a, kPeSdata4 = 0x0b, kPeSdata8 = 0x0c,
    kPePcrel = 0x10, kPeDatarel = 0x30, kPeIndirect = 0x80, kPeOmit = 0xff,
};

constexpr int kRa = 8;   // the return-address column: eip

struct Reader {
    const uint8_t* p;
    const uint8_t* end;
    uint32_t vaddr;      // address of *p in the image
    bool ok = true;

    bool need(size_t n) {
        if (size_t(end - p) < n) ok = false;
        return ok;
    }
    uint8_t u8() {
        if (!need(1)) return 0;
        vaddr++;
        return *p++;
    }
    uint16_t u16() { uint16_t v = 0; if (need(2)) { std::memcpy(&v, p, 2); p += 2; vaddr += 2; } return v; }
    uint32_t u32() { uint32_t v = 0; if (need(4)) { std::memcpy(&v, p, 4); p += 4; vaddr += 4; } return v; }
    uint64_t u64() { uint64_t v = 0; if (need(8)) { std::memcpy(&v, p, 8); p += 8; vaddr += 8; } return v; }
    uint64_t uleb() {
        uint64_t v = 0;
        unsigned shift = 0;
        for (;;) {
            uint8_t b = u8();
            if (!ok) return 0;
            if (shift < 64) v |= uint64_t(b & 0x7f) << shift;
            shift += 7;
            if (!(b & 0x80)) return v;
        }
    }
    int64_t sleb() {
        int64_t v = 0;
        unsigned shift = 0;
        uint8_t b;
        do {
            b = u8();
            if (!ok) return 0;
            if (shift < 64) v |= int64_t(b & 0x7f) << shift;
            shift += 7;
        } while (b & 0x80);
        if (shift < 64 && (b & 0x40)) v |= -(int64_t(1) << shift);
        return v;
    }
    // An encoded pointer; indirect pointers cannot be followed in a file image (unused in CFI).
    uint32_t pointer(uint8_t enc) {
        if (enc == kPeOmit) return 0;
        uint32_t at = vaddr;
        uint32_t v = 0;
        switch (enc & 0x0f) {
        case kPeAbsptr: case kPeUdata4: case kPeSdata4: v = u32(); break;
        case kPeUdata2: v = u16(); break;
        case kPeSdata2: v = static_cast<uint32_t>(static_cast<int16_t>(u16())); break;
        case kPeUdata8: case kPeSdata8: v = static_cast<uint32_t>(u64()); break;
        case kPeUleb128: v = static_cast<uint32_t>(uleb()); break;
        case kPeSleb128: v = static_cast<uint32_t>(sleb()); break;
        default: ok = false; return 0;
        }
        if ((enc & 0x70) == kPePcrel) v += at;
        return v;
    }
};

}  // namespace

struct Cie {
    uint32_t code_align = 1;
    int32_t data_align = -4;
    uint32_t ra = kRa;
    uint8_t fde_enc = kPeAbsptr;
    bool has_z = false;
    bool signal = false;
    const uint8_t* insns = nullptr;
    const uint8_t* insns_end = nullptr;
    uint32_t insns_vaddr = 0;
};

struct Fde {
    uint32_t start = 0, end = 0;       // file addresses
    uint32_t cie = 0;                  // index into CfiImage::cies
    const uint8_t* insns = nullptr;
    const uint8_t* insns_end = nullptr;
    uint32_t insns_vaddr = 0;
};

struct CfiImage {
    std::vector<uint8_t> bytes;        // a copy of the .eh_frame section
    std::vector<Cie> cies;
    std::vector<Fde> fdes;             // sorted by start
};

namespace {

// The .eh_frame section: [offset, size) in the image and its address.
bool find_eh_frame(const uint8_t* data, size_t size, uint64_t& off, uint64_t& len, uint32_t& vaddr) {
    Elf32_Ehdr eh;
    if (size < sizeof eh) return false;
    std::memcpy(&eh, data, sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS32) return false;
    if (eh.e_shentsize == sizeof(Elf32_Shdr) && eh.e_shnum && uint64_t(eh.e_shoff) + uint64_t(eh.e_shnum) * sizeof(Elf32_Shdr) <= size &&
        eh.e_shstrndx < eh.e_shnum) {
        auto sh = [&](unsigned k) {
            Elf32_Shdr s;
            std::memcpy(&s, data + eh.e_shoff + k * sizeof s, sizeof s);
            return s;
        };
        Elf32_Shdr strs = sh(eh.e_shstrndx);
        for (unsigned k = 0; k < eh.e_shnum; k++) {
            Elf32_Shdr s = sh(k);
            if (s.sh_type != SHT_PROGBITS || uint64_t(strs.sh_offset) + s.sh_name + 10 > size) continue;
            if (std::strncmp(reinterpret_cast<const char*>(data + strs.sh_offset + s.sh_name), ".eh_frame", 10) != 0) continue;
            if (uint64_t(s.sh_offset) + s.sh_size > size) return false;
            off = s.sh_offset;
            len = s.sh_size;
            vaddr = s.sh_addr;
            return true;
        }
    }
    // No section headers: PT_GNU_EH_FRAME's .eh_frame_hdr points at .eh_frame (to its end of
    // the loaded segment).
    for (unsigned k = 0; k < eh.e_phnum; k++) {
        Elf32_Phdr ph;
        uint64_t at = uint64_t(eh.e_phoff) + uint64_t(k) * eh.e_phentsize;
        if (at + sizeof ph > size) break;
        std::memcpy(&ph, data + at, sizeof ph);
        if (ph.p_type != PT_GNU_EH_FRAME || uint64_t(ph.p_offset) + 8 > size) continue;
        Reader r{data + ph.p_offset + 1, data + size, ph.p_vaddr + 1};
        uint8_t ptr_enc = r.u8();
        r.u8();
        r.u8();
        uint32_t eh_frame = r.pointer(ptr_enc);
        if (!r.ok) return false;
        // Its file offset, through the segment that holds it.
        for (unsigned j = 0; j < eh.e_phnum; j++) {
            Elf32_Phdr ld;
            std::memcpy(&ld, data + eh.e_phoff + uint64_t(j) * eh.e_phentsize, sizeof ld);
            if (ld.p_type != PT_LOAD || eh_frame < ld.p_vaddr || eh_frame >= ld.p_vaddr + ld.p_filesz) continue;
            off = ld.p_offset + (eh_frame - ld.p_vaddr);
            len = ld.p_filesz - (eh_frame - ld.p_vaddr);
            if (off + len > size) len = size - off;
            vaddr = eh_frame;
            return true;
        }
    }
    return false;
}

}  // namespace

std::shared_ptr<const CfiImage> parse_cfi_image(const uint8_t* data, size_t size) {
    uint64_t off = 0, len = 0;
    uint32_t base = 0;
    if (!find_eh_frame(data, size, off, len, base) || len == 0) return nullptr;
    auto img = std::make_shared<CfiImage>();
    img->bytes.assign(data + off, data + off + len);
    const uint8_t* b = img->bytes.data();
    const uint8_t* e = b + img->bytes.size();
    std::map<size_t, uint32_t> cie_at;   // section offset → index
    size_t pos = 0;
    while (pos + 4 <= img->bytes.size()) {
        uint32_t length;
        std::memcpy(&length, b + pos, 4);
        if (length == 0 || length == 0xffffffffu) break;   // terminator (or 64-bit DWARF: not on i386)
        size_t start = pos + 4;
        size_t next = start + length;
        if (next > img->bytes.size()) break;
        uint32_t id;
        std::memcpy(&id, b + start, 4);
        Reader r{b + start + 4, b + next, base + static_cast<uint32_t>(start + 4)};
        if (id == 0) {
            Cie c;
            uint8_t version = r.u8();
            std::string aug;
            for (char ch; r.ok && (ch = static_cast<char>(r.u8())) != 0;) aug += ch;
            if (aug.find("eh") != std::string::npos) r.u32();
            c.code_align = static_cast<uint32_t>(r.uleb());
            c.data_align = static_cast<int32_t>(r.sleb());
            c.ra = version == 1 ? r.u8() : static_cast<uint32_t>(r.uleb());
            if (!aug.empty() && aug[0] == 'z') {
                c.has_z = true;
                uint64_t alen = r.uleb();
                const uint8_t* aend = r.p + alen;
                for (size_t k = 1; k < aug.size() && r.ok; k++) {
                    if (aug[k] == 'R') c.fde_enc = r.u8();
                    else if (aug[k] == 'L') r.u8();
                    else if (aug[k] == 'P') r.pointer(r.u8());
                    else if (aug[k] == 'S') c.signal = true;
                }
                if (aend <= r.end && aend >= r.p) { r.vaddr += static_cast<uint32_t>(aend - r.p); r.p = aend; }
            } else {
                for (char ch : aug) if (ch == 'S') c.signal = true;
            }
            if (r.ok) {
                c.insns = r.p;
                c.insns_end = b + next;
                c.insns_vaddr = r.vaddr;
                cie_at[pos] = static_cast<uint32_t>(img->cies.size());
                img->cies.push_back(c);
            }
        } else {
            size_t cie_pos = start - id;
            auto it = cie_at.find(cie_pos);
            if (it != cie_at.end()) {
                const Cie& c = img->cies[it->second];
                Fde f;
                f.cie = it->second;
                f.start = r.pointer(c.fde_enc);
                f.end = f.start + r.pointer(c.fde_enc & 0x0f);
                if (c.has_z) {
                    uint64_t alen = r.uleb();
                    if (alen <= uint64_t(r.end - r.p)) { r.p += alen; r.vaddr += static_cast<uint32_t>(alen); }
                }
                f.insns = r.p;
                f.insns_end = b + next;
                f.insns_vaddr = r.vaddr;
                if (r.ok && f.end > f.start) img->fdes.push_back(f);
            }
        }
        pos = next;
    }
    (void)e;
    std::sort(img->fdes.begin(), img->fdes.end(), [](const Fde& a, const Fde& b2) { return a.start < b2.start; });
    return img;
}

namespace {

struct Rule {
    enum Kind : uint8_t { Same, Undefined, Offset, ValOffset, Register, Expression, ValExpression } kind = Same;
    int32_t offset = 0;
    uint32_t reg = 0;
    const uint8_t* expr = nullptr;
    size_t expr_len = 0;
};

struct Row {
    uint32_t cfa_reg = 4;
    int32_t cfa_offset = 4;
    const uint8_t* cfa_expr = nullptr;
    size_t cfa_expr_len = 0;
    Rule rules[9];
};

// Runs CFA instructions until the location passes `pc` (DWARF 4 §6.4.2).
bool run_cfa(const uint8_t* p, const uint8_t* end, uint32_t vaddr, const Cie& cie, uint32_t loc, uint32_t pc,
             Row& row, const Row& initial) {
    Reader r{p, end, vaddr};
    std::vector<Row> stack;
    auto rule = [&](uint64_t reg) -> Rule* { return reg < 9 ? &row.rules[reg] : nullptr; };
    while (r.ok && r.p < r.end) {
        uint8_t op = r.u8();
        uint8_t hi = op & 0xc0, lo = op & 0x3f;
        if (hi == 0x40) {   // advance_loc
            loc += lo * cie.code_align;
            if (loc > pc) return true;
            continue;
        }
        if (hi == 0x80) {   // offset
            int64_t off = static_cast<int64_t>(r.uleb()) * cie.data_align;
            if (Rule* x = rule(lo)) { x->kind = Rule::Offset; x->offset = static_cast<int32_t>(off); }
            continue;
        }
        if (hi == 0xc0) {   // restore
            if (lo < 9) row.rules[lo] = initial.rules[lo];
            continue;
        }
        switch (op) {
        case 0x00: break;   // nop
        case 0x01: loc = r.pointer(cie.fde_enc); if (loc > pc) return true; break;
        case 0x02: loc += r.u8() * cie.code_align; if (loc > pc) return true; break;
        case 0x03: loc += r.u16() * cie.code_align; if (loc > pc) return true; break;
        case 0x04: loc += r.u32() * cie.code_align; if (loc > pc) return true; break;
        case 0x05: {   // offset_extended
            uint64_t reg = r.uleb();
            int64_t off = static_cast<int64_t>(r.uleb()) * cie.data_align;
            if (Rule* x = rule(reg)) { x->kind = Rule::Offset; x->offset = static_cast<int32_t>(off); }
            break;
        }
        case 0x06: { uint64_t reg = r.uleb(); if (reg < 9) row.rules[reg] = initial.rules[reg]; break; }
        case 0x07: { if (Rule* x = rule(r.uleb())) x->kind = Rule::Undefined; break; }
        case 0x08: { if (Rule* x = rule(r.uleb())) x->kind = Rule::Same; break; }
        case 0x09: {
            uint64_t reg = r.uleb(), reg2 = r.uleb();
            if (Rule* x = rule(reg)) { x->kind = Rule::Register; x->reg = static_cast<uint32_t>(reg2); }
            break;
        }
        case 0x0a: stack.push_back(row); break;
        case 0x0b:
            if (!stack.empty()) {
                // The CFA is not part of the remembered state... in practice both are restored.
                row = stack.back();
                stack.pop_back();
            }
            break;
        case 0x0c:
            row.cfa_reg = static_cast<uint32_t>(r.uleb());
            row.cfa_offset = static_cast<int32_t>(r.uleb());
            row.cfa_expr = nullptr;
            break;
        case 0x0d: row.cfa_reg = static_cast<uint32_t>(r.uleb()); row.cfa_expr = nullptr; break;
        case 0x0e: row.cfa_offset = static_cast<int32_t>(r.uleb()); break;
        case 0x0f: {
            uint64_t n = r.uleb();
            if (!r.need(n)) return false;
            row.cfa_expr = r.p;
            row.cfa_expr_len = n;
            r.p += n;
            r.vaddr += static_cast<uint32_t>(n);
            break;
        }
        case 0x10: case 0x16: {   // expression, val_expression
            uint64_t reg = r.uleb(), n = r.uleb();
            if (!r.need(n)) return false;
            if (Rule* x = rule(reg)) {
                x->kind = op == 0x10 ? Rule::Expression : Rule::ValExpression;
                x->expr = r.p;
                x->expr_len = n;
            }
            r.p += n;
            r.vaddr += static_cast<uint32_t>(n);
            break;
        }
        case 0x11: {   // offset_extended_sf
            uint64_t reg = r.uleb();
            int64_t off = r.sleb() * cie.data_align;
            if (Rule* x = rule(reg)) { x->kind = Rule::Offset; x->offset = static_cast<int32_t>(off); }
            break;
        }
        case 0x12:
            row.cfa_reg = static_cast<uint32_t>(r.uleb());
            row.cfa_offset = static_cast<int32_t>(r.sleb() * cie.data_align);
            row.cfa_expr = nullptr;
            break;
        case 0x13: row.cfa_offset = static_cast<int32_t>(r.sleb() * cie.data_align); break;
        case 0x14: case 0x15: {   // val_offset(_sf)
            uint64_t reg = r.uleb();
            int64_t off = op == 0x14 ? static_cast<int64_t>(r.uleb()) * cie.data_align : r.sleb() * cie.data_align;
            if (Rule* x = rule(reg)) { x->kind = Rule::ValOffset; x->offset = static_cast<int32_t>(off); }
            break;
        }
        case 0x2e: r.uleb(); break;   // GNU_args_size
        case 0x2f: {                  // GNU_negative_offset_extended
            uint64_t reg = r.uleb();
            int64_t off = -static_cast<int64_t>(r.uleb()) * cie.data_align;
            if (Rule* x = rule(reg)) { x->kind = Rule::Offset; x->offset = static_cast<int32_t>(off); }
            break;
        }
        default: return false;   // an instruction this unwinder does not know
        }
    }
    return r.ok;
}

// A DWARF expression (the subset CFI uses: PLT entries, signal frames). `push` starts the stack.
bool eval_expr(const uint8_t* p, size_t n, const UnwindRegs& regs, const UnwindRead& read, bool push, uint32_t initial,
               uint32_t& out) {
    std::vector<uint32_t> st;
    if (push) st.push_back(initial);
    Reader r{p, p + n, 0};
    auto pop = [&](uint32_t& v) {
        if (st.empty()) return false;
        v = st.back();
        st.pop_back();
        return true;
    };
    while (r.ok && r.p < r.end) {
        uint8_t op = r.u8();
        uint32_t a, b;
        if (op >= 0x30 && op <= 0x4f) { st.push_back(op - 0x30u); continue; }   // lit0..31
        if (op >= 0x70 && op <= 0x78) {                                          // breg0..8
            int64_t off = r.sleb();
            if (!regs.known[op - 0x70]) return false;
            st.push_back(regs.r[op - 0x70] + static_cast<uint32_t>(off));
            continue;
        }
        switch (op) {
        case 0x06: if (!pop(a) || !read(a, b)) return false; st.push_back(b); break;   // deref
        case 0x08: st.push_back(r.u8()); break;
        case 0x09: st.push_back(static_cast<uint32_t>(static_cast<int8_t>(r.u8()))); break;
        case 0x0a: st.push_back(r.u16()); break;
        case 0x0b: st.push_back(static_cast<uint32_t>(static_cast<int16_t>(r.u16()))); break;
        case 0x0c: case 0x0d: st.push_back(r.u32()); break;
        case 0x10: st.push_back(static_cast<uint32_t>(r.uleb())); break;
        case 0x11: st.push_back(static_cast<uint32_t>(r.sleb())); break;
        case 0x12: if (st.empty()) return false; st.push_back(st.back()); break;   // dup
        case 0x13: if (!pop(a)) return false; break;                               // drop
        case 0x16: if (st.size() < 2) return false; std::swap(st[st.size() - 1], st[st.size() - 2]); break;
        case 0x1a: if (!pop(b) || !pop(a)) return false; st.push_back(a & b); break;
        case 0x1c: if (!pop(b) || !pop(a)) return false; st.push_back(a - b); break;
        case 0x21: if (!pop(b) || !pop(a)) return false; st.push_back(a | b); break;
        case 0x22: if (!pop(b) || !pop(a)) return false; st.push_back(a + b); break;
        case 0x23: if (!pop(a)) return false; st.push_back(a + static_cast<uint32_t>(r.uleb())); break;
        case 0x24: if (!pop(b) || !pop(a)) return false; st.push_back(a << (b & 31)); break;
        case 0x25: if (!pop(b) || !pop(a)) return false; st.push_back(a >> (b & 31)); break;
        case 0x29: if (!pop(b) || !pop(a)) return false; st.push_back(a == b); break;
        case 0x2a: if (!pop(b) || !pop(a)) return false; st.push_back(int32_t(a) >= int32_t(b)); break;
        case 0x2b: if (!pop(b) || !pop(a)) return false; st.push_back(int32_t(a) > int32_t(b)); break;
        case 0x2c: if (!pop(b) || !pop(a)) return false; st.push_back(int32_t(a) <= int32_t(b)); break;
        case 0x2d: if (!pop(b) || !pop(a)) return false; st.push_back(int32_t(a) < int32_t(b)); break;
        case 0x2e: if (!pop(b) || !pop(a)) return false; st.push_back(a != b); break;
        case 0x96: break;   // nop
        default: return false;
        }
    }
    return r.ok && pop(out);
}

// Files parsed once per path and modification time.
std::shared_ptr<const CfiImage> cfi_of_file(const std::string& path) {
    struct Entry { int64_t mtime; uint64_t size; std::shared_ptr<const CfiImage> img; };
    static std::map<std::string, Entry> cache;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
    auto it = cache.find(path);
    if (it != cache.end() && it->second.mtime == st.st_mtime && it->second.size == uint64_t(st.st_size)) return it->second.img;
    std::shared_ptr<const CfiImage> img;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0 && st.st_size > 0) {
        void* m = mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (m != MAP_FAILED) {
            img = parse_cfi_image(static_cast<const uint8_t*>(m), size_t(st.st_size));
            munmap(m, size_t(st.st_size));
        }
    }
    if (fd >= 0) close(fd);
    cache[path] = {st.st_mtime, uint64_t(st.st_size), img};
    return img;
}

}  // namespace

CfiUnwinder::CfiUnwinder() = default;
CfiUnwinder::~CfiUnwinder() = default;

void CfiUnwinder::clear() { m_modules.clear(); }

void CfiUnwinder::add_file(const std::string& path, uint32_t bias, uint32_t start, uint32_t end) {
    auto img = cfi_of_file(path);
    if (img) m_modules.push_back({img, bias, start, end});
}

void CfiUnwinder::add_memory_image(const std::vector<uint8_t>& bytes, uint32_t bias, uint32_t start, uint32_t end) {
    auto img = parse_cfi_image(bytes.data(), bytes.size());
    if (img) m_modules.push_back({img, bias, start, end});
}

bool CfiUnwinder::covers(uint32_t pc) const {
    for (const Module& m : m_modules) {
        if (pc < m.start || pc >= m.end) continue;
        uint32_t fpc = pc - m.bias;
        auto it = std::upper_bound(m.image->fdes.begin(), m.image->fdes.end(), fpc,
                                   [](uint32_t a, const Fde& f) { return a < f.start; });
        if (it != m.image->fdes.begin() && fpc < (it - 1)->end) return true;
    }
    return false;
}

bool CfiUnwinder::step(UnwindRegs& regs, bool caller_pc, const UnwindRead& read, bool& signal_frame) const {
    if (!regs.known[kRa] || !regs.known[4]) return false;
    uint32_t pc = regs.r[kRa];
    uint32_t look = caller_pc ? pc - 1 : pc;
    for (const Module& m : m_modules) {
        if (look < m.start || look >= m.end) continue;
        uint32_t fpc = look - m.bias;
        const auto& fdes = m.image->fdes;
        auto it = std::upper_bound(fdes.begin(), fdes.end(), fpc, [](uint32_t a, const Fde& f) { return a < f.start; });
        if (it == fdes.begin() || fpc >= (it - 1)->end) continue;
        const Fde& f = *(it - 1);
        const Cie& c = m.image->cies[f.cie];
        Row initial;
        for (Rule& x : initial.rules) x.kind = Rule::Same;
        if (!run_cfa(c.insns, c.insns_end, c.insns_vaddr, c, f.start, UINT32_MAX, initial, initial)) return false;
        Row row = initial;
        if (!run_cfa(f.insns, f.insns_end, f.insns_vaddr, c, f.start, fpc, row, initial)) return false;
        uint32_t cfa;
        if (row.cfa_expr) {
            if (!eval_expr(row.cfa_expr, row.cfa_expr_len, regs, read, false, 0, cfa)) return false;
        } else {
            if (row.cfa_reg > 8 || !regs.known[row.cfa_reg]) return false;
            cfa = regs.r[row.cfa_reg] + static_cast<uint32_t>(row.cfa_offset);
        }
        UnwindRegs out;
        for (int k = 0; k < 9; k++) {
            const Rule& x = row.rules[k];
            uint32_t v = 0;
            switch (x.kind) {
            case Rule::Same:
                // Callee-saved registers keep their value; the others are unknown in the caller.
                if (k == 3 || k == 5 || k == 6 || k == 7) { out.r[k] = regs.r[k]; out.known[k] = regs.known[k]; }
                break;
            case Rule::Undefined: break;
            case Rule::Offset:
                if (read(cfa + static_cast<uint32_t>(x.offset), v)) { out.r[k] = v; out.known[k] = true; }
                break;
            case Rule::ValOffset: out.r[k] = cfa + static_cast<uint32_t>(x.offset); out.known[k] = true; break;
            case Rule::Register:
                if (x.reg < 9 && regs.known[x.reg]) { out.r[k] = regs.r[x.reg]; out.known[k] = true; }
                break;
            case Rule::Expression:
                if (eval_expr(x.expr, x.expr_len, regs, read, true, cfa, v) && read(v, v)) { out.r[k] = v; out.known[k] = true; }
                break;
            case Rule::ValExpression:
                if (eval_expr(x.expr, x.expr_len, regs, read, true, cfa, v)) { out.r[k] = v; out.known[k] = true; }
                break;
            }
        }
        // The caller's stack pointer is the CFA unless a rule (signal frames) says otherwise.
        if (row.rules[4].kind == Rule::Same) { out.r[4] = cfa; out.known[4] = true; }
        if (c.ra != kRa && c.ra < 9) { out.r[kRa] = out.r[c.ra]; out.known[kRa] = out.known[c.ra]; }
        signal_frame = c.signal;
        if (!out.known[kRa]) return false;
        regs = out;
        return true;
    }
    return false;
}

}  // namespace gate386
