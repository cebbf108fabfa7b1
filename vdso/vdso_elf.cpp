#include "vdso/vdso_elf.h"

#include <elf.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <stdexcept>

namespace gate386::vdso_detail {

static_assert(std::endian::native == std::endian::little, "the page is written with host stores");

uint32_t elf_sysv_hash(std::string_view name) {
    uint32_t h = 0;
    for (unsigned char c : name) {
        h = (h << 4) + c;
        uint32_t g = h & 0xf0000000;
        if (g) h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

uint32_t elf_gnu_hash(std::string_view name) {
    uint32_t h = 5381;
    for (unsigned char c : name) h = h * 33 + c;
    return h;
}

namespace {

// Hash table shapes. Small fixed sizes keep the output identical run to run.
constexpr uint32_t kSysvBuckets = 5;
constexpr uint32_t kGnuBuckets = 4;
constexpr uint32_t kGnuBloomWords = 2;  // power of two, 32-bit words in ELFCLASS32
constexpr uint32_t kGnuBloomShift = 5;

// Version indices in .gnu.version (1 is the file itself, VER_NDX_GLOBAL).
constexpr uint16_t kVerBase = 1, kVer25 = 2, kVer26 = 3;

class Page {
public:
    Page() : m_bytes(kVdsoSize, 0) {}
    template <typename T>
    void put(uint32_t offset, const T& value) {
        check(offset, sizeof(T));
        std::memcpy(m_bytes.data() + offset, &value, sizeof(T));
    }
    void put_bytes(uint32_t offset, const std::vector<uint8_t>& bytes) {
        check(offset, static_cast<uint32_t>(bytes.size()));
        std::copy(bytes.begin(), bytes.end(), m_bytes.begin() + offset);
    }
    std::vector<uint8_t>& bytes() { return m_bytes; }

private:
    void check(uint32_t offset, uint32_t size) const {
        if (offset > kVdsoSize || size > kVdsoSize - offset)
            throw std::length_error("linux-gate.so.1 does not fit in one page");
    }
    std::vector<uint8_t> m_bytes;
};

class StringTable {
public:
    StringTable() { m_data.push_back(0); }
    uint32_t add(const std::string& s) {
        auto it = m_index.find(s);
        if (it != m_index.end()) return it->second;
        uint32_t at = static_cast<uint32_t>(m_data.size());
        m_data.insert(m_data.end(), s.begin(), s.end());
        m_data.push_back(0);
        m_index.emplace(s, at);
        return at;
    }
    const std::vector<uint8_t>& data() const { return m_data; }
    uint32_t size() const { return static_cast<uint32_t>(m_data.size()); }

private:
    std::vector<uint8_t> m_data;
    std::map<std::string, uint32_t> m_index;
};

uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) & ~(a - 1); }

struct Section {
    const char* name;
    uint32_t type;
    uint32_t flags;
    uint32_t offset;
    uint32_t size;
    uint32_t link;
    uint32_t info;
    uint32_t align;
    uint32_t entsize;
};

enum SectionIndex : uint16_t {
    kShNull, kShHash, kShGnuHash, kShDynsym, kShDynstr, kShVersym, kShVerdef, kShText,
    kShEhFrameHdr, kShEhFrame, kShDynamic, kShSymtab, kShShstrtab, kShCount
};

}  // namespace

std::vector<uint8_t> build_elf_page(const TextSection& text, uint32_t entry) {
    Page page;
    const uint32_t base = kVdsoBase;
    constexpr uint32_t kPhnum = 3;

    // --- .dynsym order: grouped by .gnu.hash bucket, as the GNU hash table requires ----------------
    std::vector<VdsoSymbol> syms = text.symbols;
    std::stable_sort(syms.begin(), syms.end(), [](const VdsoSymbol& a, const VdsoSymbol& b) {
        return elf_gnu_hash(a.name) % kGnuBuckets < elf_gnu_hash(b.name) % kGnuBuckets;
    });
    const uint32_t nsyms = static_cast<uint32_t>(syms.size()) + 1;  // + the null symbol

    StringTable dynstr;
    uint32_t soname_str = dynstr.add(kSoname);
    uint32_t v25_str = dynstr.add(kVersion25);
    uint32_t v26_str = dynstr.add(kVersion26);
    std::vector<uint32_t> name_str;
    for (const VdsoSymbol& s : syms) name_str.push_back(dynstr.add(s.name));

    // --- layout of the part before .text ---------------------------------------------------------
    Section sec[kShCount] = {};
    uint32_t off = sizeof(Elf32_Ehdr) + kPhnum * sizeof(Elf32_Phdr);
    auto place = [&](SectionIndex i, const char* name, uint32_t type, uint32_t flags, uint32_t size,
                     uint32_t align, uint32_t entsize, uint32_t link, uint32_t info) {
        off = align_up(off, align);
        sec[i] = Section{name, type, flags, off, size, link, info, align, entsize};
        off += size;
    };
    const uint32_t gnu_hash_size = 16 + 4 * (kGnuBloomWords + kGnuBuckets + (nsyms - 1));
    const uint32_t verdef_size = 3 * sizeof(Elf32_Verdef) + 4 * sizeof(Elf32_Verdaux);
    place(kShHash, ".hash", SHT_HASH, SHF_ALLOC, 4 * (2 + kSysvBuckets + nsyms), 4, 4, kShDynsym, 0);
    place(kShGnuHash, ".gnu.hash", SHT_GNU_HASH, SHF_ALLOC, gnu_hash_size, 4, 4, kShDynsym, 0);
    place(kShDynsym, ".dynsym", SHT_DYNSYM, SHF_ALLOC, nsyms * sizeof(Elf32_Sym), 4, sizeof(Elf32_Sym), kShDynstr, 1);
    place(kShDynstr, ".dynstr", SHT_STRTAB, SHF_ALLOC, dynstr.size(), 1, 0, 0, 0);
    place(kShVersym, ".gnu.version", SHT_GNU_versym, SHF_ALLOC, nsyms * 2, 2, 2, kShDynsym, 0);
    place(kShVerdef, ".gnu.version_d", SHT_GNU_verdef, SHF_ALLOC, verdef_size, 4, 0, kShDynstr, 3);
    if (off > text.address - base) throw std::length_error("dynamic symbol data overflows into .text");

    // --- .text, .eh_frame_hdr, .eh_frame ---------------------------------------------------------
    off = text.address - base;
    place(kShText, ".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, static_cast<uint32_t>(text.bytes.size()), 32, 0,
          0, 0);
    off = align_up(off, 4);
    dwarf::EhFrameSections eh = dwarf::encode_eh_frame(text.fdes, base + off);
    place(kShEhFrameHdr, ".eh_frame_hdr", SHT_PROGBITS, SHF_ALLOC, static_cast<uint32_t>(eh.eh_frame_hdr.size()), 4, 0,
          0, 0);
    off = eh.eh_frame_address - base;
    place(kShEhFrame, ".eh_frame", SHT_PROGBITS, SHF_ALLOC, static_cast<uint32_t>(eh.eh_frame.size()), 4, 0, 0, 0);
    if (sec[kShEhFrame].offset != eh.eh_frame_address - base) throw std::logic_error(".eh_frame misplaced");

    // --- .dynamic --------------------------------------------------------------------------------
    auto addr = [&](SectionIndex i) { return base + sec[i].offset; };
    std::vector<Elf32_Dyn> dynamic;
    auto dyn = [&](int32_t tag, uint32_t value) {
        Elf32_Dyn d{};
        d.d_tag = tag;
        d.d_un.d_val = value;
        dynamic.push_back(d);
    };
    dyn(DT_SONAME, soname_str);
    dyn(DT_HASH, addr(kShHash));
    dyn(DT_GNU_HASH, addr(kShGnuHash));
    dyn(DT_STRTAB, addr(kShDynstr));
    dyn(DT_SYMTAB, addr(kShDynsym));
    dyn(DT_STRSZ, dynstr.size());
    dyn(DT_SYMENT, sizeof(Elf32_Sym));
    dyn(DT_VERSYM, addr(kShVersym));
    dyn(DT_VERDEF, addr(kShVerdef));
    dyn(DT_VERDEFNUM, 3);
    dyn(DT_NULL, 0);
    place(kShDynamic, ".dynamic", SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE,
          static_cast<uint32_t>(dynamic.size() * sizeof(Elf32_Dyn)), 4, sizeof(Elf32_Dyn), kShDynstr, 0);

    // A static .symtab (names in .dynstr) as well: objdump -d labels code from .symtab when there
    // is one and would otherwise print dynamic names with their version, "<__kernel_vsyscall@@LINUX_2.5+0x3>".
    place(kShSymtab, ".symtab", SHT_SYMTAB, 0, nsyms * sizeof(Elf32_Sym), 4, sizeof(Elf32_Sym), kShDynstr, 1);

    StringTable shstr;
    std::vector<uint32_t> sh_name(kShCount, 0);
    for (int i = 1; i < kShCount; ++i) {
        if (i == kShShstrtab) sh_name[i] = shstr.add(".shstrtab");
        else sh_name[i] = shstr.add(sec[i].name);
    }
    place(kShShstrtab, ".shstrtab", SHT_STRTAB, 0, shstr.size(), 1, 0, 0, 0);
    const uint32_t shoff = align_up(off, 4);
    if (shoff + kShCount * sizeof(Elf32_Shdr) > kVdsoSize)
        throw std::length_error("linux-gate.so.1 does not fit in one page");

    // --- write: ELF header ---------------------------------------------------------------------
    Elf32_Ehdr eh_hdr{};
    std::memcpy(eh_hdr.e_ident, ELFMAG, SELFMAG);
    eh_hdr.e_ident[EI_CLASS] = ELFCLASS32;
    eh_hdr.e_ident[EI_DATA] = ELFDATA2LSB;
    eh_hdr.e_ident[EI_VERSION] = EV_CURRENT;
    eh_hdr.e_ident[EI_OSABI] = ELFOSABI_SYSV;
    eh_hdr.e_type = ET_DYN;
    eh_hdr.e_machine = EM_386;
    eh_hdr.e_version = EV_CURRENT;
    eh_hdr.e_entry = entry;
    eh_hdr.e_phoff = sizeof(Elf32_Ehdr);
    eh_hdr.e_shoff = shoff;
    eh_hdr.e_flags = 0;
    eh_hdr.e_ehsize = sizeof(Elf32_Ehdr);
    eh_hdr.e_phentsize = sizeof(Elf32_Phdr);
    eh_hdr.e_phnum = kPhnum;
    eh_hdr.e_shentsize = sizeof(Elf32_Shdr);
    eh_hdr.e_shnum = kShCount;
    eh_hdr.e_shstrndx = kShShstrtab;
    page.put(0, eh_hdr);

    // --- program headers -------------------------------------------------------------------------
    auto phdr = [](uint32_t type, uint32_t offset, uint32_t vaddr, uint32_t size, uint32_t flags, uint32_t align) {
        Elf32_Phdr p{};
        p.p_type = type;
        p.p_offset = offset;
        p.p_vaddr = vaddr;
        p.p_paddr = vaddr;
        p.p_filesz = size;
        p.p_memsz = size;
        p.p_flags = flags;
        p.p_align = align;
        return p;
    };
    uint32_t ph = sizeof(Elf32_Ehdr);
    page.put(ph, phdr(PT_LOAD, 0, base, kVdsoSize, PF_R | PF_X, kVdsoSize));
    page.put(ph + 32, phdr(PT_DYNAMIC, sec[kShDynamic].offset, addr(kShDynamic), sec[kShDynamic].size, PF_R, 4));
    page.put(ph + 64, phdr(PT_GNU_EH_FRAME, sec[kShEhFrameHdr].offset, addr(kShEhFrameHdr),
                           sec[kShEhFrameHdr].size, PF_R, 4));

    // --- .dynsym, .gnu.version -----------------------------------------------------------------
    for (uint32_t i = 0; i < nsyms; ++i) {
        Elf32_Sym s{};
        uint16_t version = 0;  // VER_NDX_LOCAL for the null symbol
        if (i > 0) {
            const VdsoSymbol& v = syms[i - 1];
            s.st_name = name_str[i - 1];
            s.st_value = v.address;
            s.st_size = v.size;
            s.st_info = ELF32_ST_INFO(STB_GLOBAL, STT_FUNC);
            s.st_other = STV_DEFAULT;
            s.st_shndx = kShText;
            if (v.version == kVersion25) version = kVer25;
            else if (v.version == kVersion26) version = kVer26;
            else throw std::logic_error("unknown symbol version " + v.version);
        }
        page.put(sec[kShDynsym].offset + i * sizeof(Elf32_Sym), s);
        page.put(sec[kShSymtab].offset + i * sizeof(Elf32_Sym), s);
        page.put<uint16_t>(sec[kShVersym].offset + i * 2, version);
    }
    page.put_bytes(sec[kShDynstr].offset, dynstr.data());

    // --- .hash (SysV): nbucket, nchain, buckets, chains -------------------------------------------
    {
        std::vector<uint32_t> bucket(kSysvBuckets, 0), chain(nsyms, 0);
        for (uint32_t i = nsyms - 1; i >= 1; --i) {  // prepend in reverse: chains come out ascending
            uint32_t b = elf_sysv_hash(syms[i - 1].name) % kSysvBuckets;
            chain[i] = bucket[b];
            bucket[b] = i;
        }
        uint32_t o = sec[kShHash].offset;
        page.put(o, kSysvBuckets);
        page.put(o + 4, nsyms);
        for (uint32_t b = 0; b < kSysvBuckets; ++b) page.put(o + 8 + 4 * b, bucket[b]);
        for (uint32_t i = 0; i < nsyms; ++i) page.put(o + 8 + 4 * kSysvBuckets + 4 * i, chain[i]);
    }

    // --- .gnu.hash: nbuckets, symoffset, bloom_size, bloom_shift, bloom[], buckets[], chain[] ----
    {
        constexpr uint32_t kSymOffset = 1;  // every symbol after the null one is hashed
        std::vector<uint32_t> bloom(kGnuBloomWords, 0), bucket(kGnuBuckets, 0), chain(nsyms - 1, 0);
        for (uint32_t i = 1; i < nsyms; ++i) {
            uint32_t h = elf_gnu_hash(syms[i - 1].name);
            bloom[(h / 32) % kGnuBloomWords] |= (1u << (h % 32)) | (1u << ((h >> kGnuBloomShift) % 32));
            uint32_t b = h % kGnuBuckets;
            if (bucket[b] == 0) bucket[b] = i;
            bool last = i + 1 == nsyms || elf_gnu_hash(syms[i].name) % kGnuBuckets != b;
            chain[i - kSymOffset] = (h & ~1u) | (last ? 1u : 0u);
        }
        uint32_t o = sec[kShGnuHash].offset;
        page.put(o, kGnuBuckets);
        page.put(o + 4, kSymOffset);
        page.put(o + 8, kGnuBloomWords);
        page.put(o + 12, kGnuBloomShift);
        o += 16;
        for (uint32_t w : bloom) { page.put(o, w); o += 4; }
        for (uint32_t b : bucket) { page.put(o, b); o += 4; }
        for (uint32_t c : chain) { page.put(o, c); o += 4; }
    }

    // --- .gnu.version_d: linux-gate.so.1 (base), LINUX_2.5, LINUX_2.6 (parent LINUX_2.5) ----------
    {
        struct Def {
            uint16_t flags, ndx;
            const char* name;
            uint32_t name_str;
            int parent_str;  // -1: none
        };
        const Def defs[] = {
            {VER_FLG_BASE, kVerBase, kSoname, soname_str, -1},
            {0, kVer25, kVersion25, v25_str, -1},
            {0, kVer26, kVersion26, v26_str, static_cast<int>(v25_str)},
        };
        uint32_t o = sec[kShVerdef].offset;
        for (size_t i = 0; i < std::size(defs); ++i) {
            const Def& d = defs[i];
            uint16_t cnt = d.parent_str >= 0 ? 2 : 1;
            uint32_t record = sizeof(Elf32_Verdef) + cnt * sizeof(Elf32_Verdaux);
            Elf32_Verdef vd{};
            vd.vd_version = VER_DEF_CURRENT;
            vd.vd_flags = d.flags;
            vd.vd_ndx = d.ndx;
            vd.vd_cnt = cnt;
            vd.vd_hash = elf_sysv_hash(d.name);
            vd.vd_aux = sizeof(Elf32_Verdef);
            vd.vd_next = i + 1 < std::size(defs) ? record : 0;
            page.put(o, vd);
            Elf32_Verdaux aux{};
            aux.vda_name = d.name_str;
            aux.vda_next = cnt > 1 ? sizeof(Elf32_Verdaux) : 0;
            page.put(o + sizeof(Elf32_Verdef), aux);
            if (cnt > 1) {
                Elf32_Verdaux parent{};
                parent.vda_name = static_cast<uint32_t>(d.parent_str);
                parent.vda_next = 0;
                page.put(o + sizeof(Elf32_Verdef) + sizeof(Elf32_Verdaux), parent);
            }
            o += record;
        }
        if (o != sec[kShVerdef].offset + verdef_size) throw std::logic_error(".gnu.version_d size");
    }

    // --- .text, .eh_frame_hdr, .eh_frame, .dynamic, .shstrtab ------------------------------------
    page.put_bytes(sec[kShText].offset, text.bytes);
    page.put_bytes(sec[kShEhFrameHdr].offset, eh.eh_frame_hdr);
    page.put_bytes(sec[kShEhFrame].offset, eh.eh_frame);
    for (size_t i = 0; i < dynamic.size(); ++i)
        page.put(sec[kShDynamic].offset + static_cast<uint32_t>(i * sizeof(Elf32_Dyn)), dynamic[i]);
    page.put_bytes(sec[kShShstrtab].offset, shstr.data());

    // --- section headers -------------------------------------------------------------------------
    for (int i = 1; i < kShCount; ++i) {
        const Section& s = sec[i];
        Elf32_Shdr sh{};
        sh.sh_name = sh_name[i];
        sh.sh_type = s.type;
        sh.sh_flags = s.flags;
        sh.sh_addr = (s.flags & SHF_ALLOC) ? base + s.offset : 0;
        sh.sh_offset = s.offset;
        sh.sh_size = s.size;
        sh.sh_link = s.link;
        sh.sh_info = s.info;
        sh.sh_addralign = s.align;
        sh.sh_entsize = s.entsize;
        page.put(shoff + i * static_cast<uint32_t>(sizeof(Elf32_Shdr)), sh);
    }
    return std::move(page.bytes());
}

}  // namespace gate386::vdso_detail
