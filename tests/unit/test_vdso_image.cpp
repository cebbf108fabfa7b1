// linux-gate.so.1 read back with our own small ELF reader: headers, sections, .dynamic, symbols
// looked up the way the kernel's tools/testing/selftests/vDSO/parse_vdso.c does (DT_HASH and
// DT_GNU_HASH, versions checked through DT_VERSYM/DT_VERDEF), and the exact gate bytes.
#include <doctest.h>
#include <elf.h>

#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "vdso/vdso_image.h"

using namespace gate386;

namespace {

// --- a small independent ELF32 reader over the page bytes ---------------------------------------
class ElfPage {
public:
    explicit ElfPage(const std::vector<uint8_t>& bytes) : m_bytes(bytes) {
        REQUIRE(m_bytes.size() >= sizeof(Elf32_Ehdr));
        std::memcpy(&m_ehdr, m_bytes.data(), sizeof m_ehdr);
    }

    const Elf32_Ehdr& ehdr() const { return m_ehdr; }

    template <typename T>
    T at(uint32_t offset) const {
        T v{};
        REQUIRE(offset + sizeof(T) <= m_bytes.size());
        std::memcpy(&v, m_bytes.data() + offset, sizeof(T));
        return v;
    }
    // The page is mapped at the PT_LOAD vaddr with offset 0, so vaddr → offset is a subtraction.
    uint32_t off(uint32_t vaddr) const {
        REQUIRE(vaddr >= kVdsoBase);
        REQUIRE(vaddr - kVdsoBase < m_bytes.size());
        return vaddr - kVdsoBase;
    }
    std::string str(uint32_t offset) const {
        std::string s;
        while (offset < m_bytes.size() && m_bytes[offset] != 0) s.push_back(static_cast<char>(m_bytes[offset++]));
        REQUIRE(offset < m_bytes.size());
        return s;
    }

    std::vector<Elf32_Phdr> phdrs() const {
        std::vector<Elf32_Phdr> v;
        for (int i = 0; i < m_ehdr.e_phnum; ++i) v.push_back(at<Elf32_Phdr>(m_ehdr.e_phoff + i * m_ehdr.e_phentsize));
        return v;
    }
    std::vector<Elf32_Shdr> shdrs() const {
        std::vector<Elf32_Shdr> v;
        for (int i = 0; i < m_ehdr.e_shnum; ++i) v.push_back(at<Elf32_Shdr>(m_ehdr.e_shoff + i * m_ehdr.e_shentsize));
        return v;
    }
    std::string section_name(const Elf32_Shdr& sh) const {
        Elf32_Shdr strtab = shdrs().at(m_ehdr.e_shstrndx);
        return str(strtab.sh_offset + sh.sh_name);
    }
    std::optional<Elf32_Shdr> section(const std::string& name) const {
        for (const Elf32_Shdr& sh : shdrs())
            if (section_name(sh) == name) return sh;
        return std::nullopt;
    }
    int section_index(const std::string& name) const {
        auto v = shdrs();
        for (size_t i = 0; i < v.size(); ++i)
            if (section_name(v[i]) == name) return static_cast<int>(i);
        return -1;
    }
    std::optional<uint32_t> dynamic(int32_t tag) const {
        for (const Elf32_Phdr& ph : phdrs()) {
            if (ph.p_type != PT_DYNAMIC) continue;
            for (uint32_t o = ph.p_offset; o + sizeof(Elf32_Dyn) <= ph.p_offset + ph.p_filesz; o += sizeof(Elf32_Dyn)) {
                Elf32_Dyn d = at<Elf32_Dyn>(o);
                if (d.d_tag == DT_NULL) break;
                if (d.d_tag == tag) return d.d_un.d_val;
            }
        }
        return std::nullopt;
    }
    size_t size() const { return m_bytes.size(); }
    uint8_t byte(uint32_t offset) const { return m_bytes.at(offset); }

private:
    const std::vector<uint8_t>& m_bytes;
    Elf32_Ehdr m_ehdr{};
};

uint32_t sysv_hash(const std::string& name) {  // gABI "Hash Table Function"
    uint32_t h = 0, g;
    for (unsigned char c : name) {
        h = (h << 4) + c;
        if ((g = h & 0xf0000000)) h ^= g >> 24;
        h &= ~g;
    }
    return h;
}

uint32_t gnu_hash(const std::string& name) {
    uint32_t h = 5381;
    for (unsigned char c : name) h = (h << 5) + h + c;
    return h;
}

// parse_vdso.c's view of the object: dynamic pointers, then lookups by name + version.
struct VdsoParser {
    const ElfPage& elf;
    uint32_t symtab = 0, strtab = 0, versym = 0, verdef = 0, hash = 0, gnu = 0;
    bool has_versym = false, has_hash = false, has_gnu = false;

    explicit VdsoParser(const ElfPage& e) : elf(e) {
        symtab = elf.off(elf.dynamic(DT_SYMTAB).value());
        strtab = elf.off(elf.dynamic(DT_STRTAB).value());
        if (auto v = elf.dynamic(DT_VERSYM)) { versym = elf.off(*v); has_versym = true; }
        if (auto v = elf.dynamic(DT_VERDEF)) verdef = elf.off(*v);
        if (auto v = elf.dynamic(DT_HASH)) { hash = elf.off(*v); has_hash = true; }
        if (auto v = elf.dynamic(DT_GNU_HASH)) { gnu = elf.off(*v); has_gnu = true; }
        if (has_versym) REQUIRE(elf.dynamic(DT_VERDEF).has_value());
    }

    Elf32_Sym sym(uint32_t i) const { return elf.at<Elf32_Sym>(symtab + i * sizeof(Elf32_Sym)); }

    bool match_version(uint32_t index, const std::string& version) const {
        if (!has_versym) return true;
        uint16_t ver = elf.at<uint16_t>(versym + 2 * index) & 0x7fff;
        uint32_t d = verdef;
        for (;;) {
            Elf32_Verdef vd = elf.at<Elf32_Verdef>(d);
            if (!(vd.vd_flags & VER_FLG_BASE) && (vd.vd_ndx & 0x7fff) == ver) {
                Elf32_Verdaux aux = elf.at<Elf32_Verdaux>(d + vd.vd_aux);
                return vd.vd_hash == sysv_hash(version) && elf.str(strtab + aux.vda_name) == version;
            }
            if (vd.vd_next == 0) return false;
            d += vd.vd_next;
        }
    }

    bool candidate(uint32_t index, const std::string& name, const std::string& version) const {
        Elf32_Sym s = sym(index);
        int type = ELF32_ST_TYPE(s.st_info), bind = ELF32_ST_BIND(s.st_info);
        if (type != STT_FUNC && type != STT_NOTYPE) return false;
        if (bind != STB_GLOBAL && bind != STB_WEAK) return false;
        if (s.st_shndx == SHN_UNDEF) return false;
        if (elf.str(strtab + s.st_name) != name) return false;
        return match_version(index, version);
    }

    std::optional<uint32_t> lookup_sysv(const std::string& name, const std::string& version) const {
        REQUIRE(has_hash);
        uint32_t nbucket = elf.at<uint32_t>(hash), nchain = elf.at<uint32_t>(hash + 4);
        uint32_t buckets = hash + 8, chains = buckets + 4 * nbucket;
        int guard = 0;
        for (uint32_t i = elf.at<uint32_t>(buckets + 4 * (sysv_hash(name) % nbucket)); i != STN_UNDEF;
             i = elf.at<uint32_t>(chains + 4 * i)) {
            REQUIRE(i < nchain);
            REQUIRE(++guard < 100);
            if (candidate(i, name, version)) return sym(i).st_value;
        }
        return std::nullopt;
    }

    std::optional<uint32_t> lookup_gnu(const std::string& name, const std::string& version) const {
        REQUIRE(has_gnu);
        uint32_t nbuckets = elf.at<uint32_t>(gnu), symoffset = elf.at<uint32_t>(gnu + 4);
        uint32_t bloom_size = elf.at<uint32_t>(gnu + 8), bloom_shift = elf.at<uint32_t>(gnu + 12);
        uint32_t bloom = gnu + 16, buckets = bloom + 4 * bloom_size, chain = buckets + 4 * nbuckets;
        uint32_t h = gnu_hash(name);
        uint32_t word = elf.at<uint32_t>(bloom + 4 * ((h / 32) % bloom_size));
        uint32_t mask = (1u << (h % 32)) | (1u << ((h >> bloom_shift) % 32));
        if ((word & mask) != mask) return std::nullopt;
        uint32_t i = elf.at<uint32_t>(buckets + 4 * (h % nbuckets));
        if (i == 0) return std::nullopt;
        for (int guard = 0;; ++i) {
            REQUIRE(++guard < 100);
            uint32_t hv = elf.at<uint32_t>(chain + 4 * (i - symoffset));
            if (((hv ^ h) >> 1) == 0 && candidate(i, name, version)) return sym(i).st_value;
            if (hv & 1) return std::nullopt;
        }
    }
};

struct Expected {
    const char* name;
    uint32_t address;  // 0: anywhere after the LINUX_2.5 stubs
    uint32_t size;     // 0: any non-zero size
    const char* version;
};

std::vector<Expected> expected_symbols(VdsoVariant variant, VdsoLayout layout) {
    uint32_t vsyscall_size = variant == VdsoVariant::Int80 ? 3 : layout == VdsoLayout::Modern ? 13 : 0x14;
    return {
        {"__kernel_vsyscall", 0xffffe400, vsyscall_size, "LINUX_2.5"},
        {"__kernel_sigreturn", 0xffffe420, 8, "LINUX_2.5"},
        {"__kernel_rt_sigreturn", 0xffffe440, 7, "LINUX_2.5"},
        {"__vdso_clock_gettime", 0, 0, "LINUX_2.6"},
        {"__vdso_gettimeofday", 0, 0, "LINUX_2.6"},
        {"__vdso_time", 0, 0, "LINUX_2.6"},
        {"__vdso_clock_getres", 0, 0, "LINUX_2.6"},
        {"__vdso_clock_gettime64", 0, 0, "LINUX_2.6"},
        {"__vdso_getcpu", 0, 0, "LINUX_2.6"},
    };
}

struct Config {
    VdsoVariant variant;
    VdsoLayout layout;
    const char* name;
};
const Config kConfigs[] = {
    {VdsoVariant::Sysenter, VdsoLayout::Kernel2612, "sysenter/2.6.12"},
    {VdsoVariant::Sysenter, VdsoLayout::Modern, "sysenter/modern"},
    {VdsoVariant::Int80, VdsoLayout::Kernel2612, "int80"},
};

std::vector<uint8_t> slice(const VdsoImage& img, uint32_t address, uint32_t size) {
    uint32_t o = address - kVdsoBase;
    return std::vector<uint8_t>(img.bytes.begin() + o, img.bytes.begin() + o + size);
}

}  // namespace

TEST_CASE("vdso image: ELF header") {
    for (const Config& c : kConfigs) {
        CAPTURE(c.name);
        VdsoImage img = build_vdso_image(c.variant, c.layout);
        REQUIRE(img.bytes.size() == 4096);
        CHECK(img.base == 0xffffe000);
        CHECK(img.entry == 0xffffe400);
        ElfPage elf(img.bytes);
        const Elf32_Ehdr& h = elf.ehdr();
        CHECK(std::memcmp(h.e_ident, "\177ELF", 4) == 0);
        CHECK(h.e_ident[EI_CLASS] == ELFCLASS32);
        CHECK(h.e_ident[EI_DATA] == ELFDATA2LSB);
        CHECK(h.e_ident[EI_VERSION] == EV_CURRENT);
        CHECK(h.e_ident[EI_OSABI] == ELFOSABI_SYSV);
        CHECK(h.e_type == ET_DYN);
        CHECK(h.e_machine == EM_386);
        CHECK(h.e_version == EV_CURRENT);
        CHECK(h.e_entry == 0xffffe400);
        CHECK(h.e_ehsize == sizeof(Elf32_Ehdr));
        CHECK(h.e_phentsize == sizeof(Elf32_Phdr));
        CHECK(h.e_phnum == 3);
        CHECK(h.e_shentsize == sizeof(Elf32_Shdr));
        CHECK(h.e_shstrndx < h.e_shnum);
        CHECK(h.e_shoff + h.e_shnum * h.e_shentsize <= 4096);
        CHECK(h.e_phoff + h.e_phnum * h.e_phentsize <= 0x400);
    }
}

TEST_CASE("vdso image: program headers") {
    for (const Config& c : kConfigs) {
        CAPTURE(c.name);
        VdsoImage img = build_vdso_image(c.variant, c.layout);
        ElfPage elf(img.bytes);
        auto ph = elf.phdrs();
        REQUIRE(ph.size() == 3);
        CHECK(ph[0].p_type == PT_LOAD);
        CHECK(ph[0].p_offset == 0);
        CHECK(ph[0].p_vaddr == 0xffffe000);
        CHECK(ph[0].p_filesz == 4096);
        CHECK(ph[0].p_memsz == 4096);
        CHECK(ph[0].p_flags == (PF_R | PF_X));
        CHECK(ph[0].p_align == 4096);

        auto dynamic = elf.section(".dynamic");
        auto eh_hdr = elf.section(".eh_frame_hdr");
        REQUIRE(dynamic);
        REQUIRE(eh_hdr);
        CHECK(ph[1].p_type == PT_DYNAMIC);
        CHECK(ph[1].p_vaddr == dynamic->sh_addr);
        CHECK(ph[1].p_offset == dynamic->sh_offset);
        CHECK(ph[1].p_filesz == dynamic->sh_size);
        CHECK((ph[1].p_flags & PF_W) == 0);  // glibc then treats the vDSO's dynamic section as read-only
        CHECK(ph[2].p_type == PT_GNU_EH_FRAME);
        CHECK(ph[2].p_vaddr == eh_hdr->sh_addr);
        CHECK(ph[2].p_offset == eh_hdr->sh_offset);
        CHECK(ph[2].p_filesz == eh_hdr->sh_size);
        for (const auto& p : ph) CHECK(p.p_vaddr - p.p_offset == 0xffffe000);
    }
}

TEST_CASE("vdso image: sections by name") {
    for (const Config& c : kConfigs) {
        CAPTURE(c.name);
        VdsoImage img = build_vdso_image(c.variant, c.layout);
        ElfPage elf(img.bytes);
        const struct {
            const char* name;
            uint32_t type;
        } want[] = {
            {".hash", SHT_HASH}, {".gnu.hash", SHT_GNU_HASH}, {".dynsym", SHT_DYNSYM},
            {".dynstr", SHT_STRTAB}, {".gnu.version", SHT_GNU_versym}, {".gnu.version_d", SHT_GNU_verdef},
            {".text", SHT_PROGBITS}, {".eh_frame_hdr", SHT_PROGBITS}, {".eh_frame", SHT_PROGBITS},
            {".dynamic", SHT_DYNAMIC}, {".shstrtab", SHT_STRTAB},
        };
        for (const auto& w : want) {
            CAPTURE(w.name);
            auto sh = elf.section(w.name);
            REQUIRE(sh);
            CHECK(sh->sh_type == w.type);
            CHECK(sh->sh_offset + sh->sh_size <= 4096);
            if (sh->sh_flags & SHF_ALLOC) CHECK(sh->sh_addr == 0xffffe000 + sh->sh_offset);
        }
        auto text = elf.section(".text");
        CHECK(text->sh_addr == 0xffffe400);
        CHECK(text->sh_offset == 0x400);
        CHECK((text->sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) == (SHF_ALLOC | SHF_EXECINSTR));

        // No two sections overlap, and none overlaps the headers.
        auto all = elf.shdrs();
        uint32_t header_end = elf.ehdr().e_phoff + elf.ehdr().e_phnum * elf.ehdr().e_phentsize;
        uint32_t shdr_start = elf.ehdr().e_shoff, shdr_end = shdr_start + elf.ehdr().e_shnum * elf.ehdr().e_shentsize;
        for (size_t i = 1; i < all.size(); ++i) {
            CAPTURE(elf.section_name(all[i]));
            CHECK(all[i].sh_offset >= header_end);
            CHECK((all[i].sh_offset + all[i].sh_size <= shdr_start || all[i].sh_offset >= shdr_end));
            for (size_t j = i + 1; j < all.size(); ++j) {
                bool disjoint = all[i].sh_offset + all[i].sh_size <= all[j].sh_offset ||
                                all[j].sh_offset + all[j].sh_size <= all[i].sh_offset;
                CHECK(disjoint);
            }
        }
        // Links: the hash tables and versym point at .dynsym, .dynsym and verdef at .dynstr.
        int dynsym = elf.section_index(".dynsym"), dynstr = elf.section_index(".dynstr");
        CHECK(elf.section(".hash")->sh_link == static_cast<uint32_t>(dynsym));
        CHECK(elf.section(".gnu.hash")->sh_link == static_cast<uint32_t>(dynsym));
        CHECK(elf.section(".gnu.version")->sh_link == static_cast<uint32_t>(dynsym));
        CHECK(elf.section(".dynsym")->sh_link == static_cast<uint32_t>(dynstr));
        CHECK(elf.section(".gnu.version_d")->sh_link == static_cast<uint32_t>(dynstr));
        CHECK(elf.section(".gnu.version_d")->sh_info == 3);
    }
}

TEST_CASE("vdso image: dynamic entries") {
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    ElfPage elf(img.bytes);
    const struct {
        int32_t tag;
        const char* section;
    } pointers[] = {
        {DT_HASH, ".hash"}, {DT_GNU_HASH, ".gnu.hash"}, {DT_STRTAB, ".dynstr"}, {DT_SYMTAB, ".dynsym"},
        {DT_VERSYM, ".gnu.version"}, {DT_VERDEF, ".gnu.version_d"},
    };
    for (const auto& p : pointers) {
        CAPTURE(p.section);
        auto v = elf.dynamic(p.tag);
        REQUIRE(v);
        CHECK(*v == elf.section(p.section)->sh_addr);
    }
    CHECK(elf.dynamic(DT_STRSZ).value() == elf.section(".dynstr")->sh_size);
    CHECK(elf.dynamic(DT_SYMENT).value() == sizeof(Elf32_Sym));
    CHECK(elf.dynamic(DT_VERDEFNUM).value() == 3);
    auto soname = elf.dynamic(DT_SONAME);
    REQUIRE(soname);
    CHECK(elf.str(elf.section(".dynstr")->sh_offset + *soname) == "linux-gate.so.1");
    CHECK_FALSE(elf.dynamic(DT_NEEDED).has_value());
    CHECK_FALSE(elf.dynamic(DT_REL).has_value());
}

TEST_CASE("vdso image: version definitions") {
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    ElfPage elf(img.bytes);
    uint32_t strtab = elf.section(".dynstr")->sh_offset;
    uint32_t d = elf.section(".gnu.version_d")->sh_offset;
    struct Def {
        uint16_t flags, ndx;
        std::vector<std::string> names;
    };
    std::vector<Def> defs;
    for (int guard = 0; guard < 10; ++guard) {
        Elf32_Verdef vd = elf.at<Elf32_Verdef>(d);
        CHECK(vd.vd_version == VER_DEF_CURRENT);
        Def def{vd.vd_flags, vd.vd_ndx, {}};
        uint32_t a = d + vd.vd_aux;
        for (int k = 0; k < vd.vd_cnt; ++k) {
            Elf32_Verdaux aux = elf.at<Elf32_Verdaux>(a);
            def.names.push_back(elf.str(strtab + aux.vda_name));
            a += aux.vda_next;
        }
        CHECK(vd.vd_hash == sysv_hash(def.names.at(0)));
        defs.push_back(def);
        if (vd.vd_next == 0) break;
        d += vd.vd_next;
    }
    REQUIRE(defs.size() == 3);
    CHECK(defs[0].flags == VER_FLG_BASE);
    CHECK(defs[0].ndx == 1);
    CHECK(defs[0].names == std::vector<std::string>{"linux-gate.so.1"});
    CHECK(defs[1].flags == 0);
    CHECK(defs[1].ndx == 2);
    CHECK(defs[1].names == std::vector<std::string>{"LINUX_2.5"});
    CHECK(defs[2].ndx == 3);
    CHECK(defs[2].names == std::vector<std::string>{"LINUX_2.6", "LINUX_2.5"});  // parent LINUX_2.5
}

TEST_CASE("vdso image: symbols, sizes and versions in .dynsym") {
    for (const Config& c : kConfigs) {
        CAPTURE(c.name);
        VdsoImage img = build_vdso_image(c.variant, c.layout);
        ElfPage elf(img.bytes);
        VdsoParser p(elf);
        auto dynsym = elf.section(".dynsym");
        uint32_t count = dynsym->sh_size / sizeof(Elf32_Sym);
        auto expected = expected_symbols(c.variant, c.layout);
        CHECK(count == expected.size() + 1);
        CHECK(img.symbols.size() == expected.size());
        int text_index = elf.section_index(".text");
        auto text = elf.section(".text");
        CHECK(p.sym(0).st_name == 0);
        CHECK(p.sym(0).st_value == 0);
        for (const Expected& e : expected) {
            CAPTURE(e.name);
            bool found = false;
            for (uint32_t i = 1; i < count; ++i) {
                Elf32_Sym s = p.sym(i);
                if (elf.str(p.strtab + s.st_name) != e.name) continue;
                found = true;
                if (e.address) CHECK(s.st_value == e.address);
                else CHECK(s.st_value >= 0xffffe460);
                if (e.size) CHECK(s.st_size == e.size);
                else CHECK(s.st_size > 0);
                CHECK(s.st_value + s.st_size <= text->sh_addr + text->sh_size);
                CHECK(ELF32_ST_TYPE(s.st_info) == STT_FUNC);
                CHECK(ELF32_ST_BIND(s.st_info) == STB_GLOBAL);
                CHECK(s.st_shndx == text_index);
                uint16_t ver = elf.at<uint16_t>(p.versym + 2 * i);
                CHECK(ver == (std::string(e.version) == "LINUX_2.5" ? 2 : 3));
                CHECK(p.match_version(i, e.version));
                // The public list says the same.
                const VdsoSymbol* pub = find_symbol(img, e.name);
                REQUIRE(pub);
                CHECK(pub->address == s.st_value);
                CHECK(pub->size == s.st_size);
                CHECK(pub->version == e.version);
            }
            CHECK(found);
        }
        CHECK(find_symbol(img, "__vdso_nonexistent") == nullptr);
        for (size_t i = 1; i < img.symbols.size(); ++i) {
            CHECK(img.symbols[i - 1].address + img.symbols[i - 1].size <= img.symbols[i].address);
        }
    }
}

TEST_CASE("vdso image: lookup through .hash and .gnu.hash agree (parse_vdso.c style)") {
    for (const Config& c : kConfigs) {
        CAPTURE(c.name);
        VdsoImage img = build_vdso_image(c.variant, c.layout);
        ElfPage elf(img.bytes);
        VdsoParser p(elf);
        for (const Expected& e : expected_symbols(c.variant, c.layout)) {
            CAPTURE(e.name);
            auto by_sysv = p.lookup_sysv(e.name, e.version);
            auto by_gnu = p.lookup_gnu(e.name, e.version);
            REQUIRE(by_sysv);
            REQUIRE(by_gnu);
            CHECK(*by_sysv == *by_gnu);
            CHECK(*by_sysv == find_symbol(img, e.name)->address);
            // The wrong version must not match.
            std::string other = std::string(e.version) == "LINUX_2.5" ? "LINUX_2.6" : "LINUX_2.5";
            CHECK_FALSE(p.lookup_sysv(e.name, other).has_value());
            CHECK_FALSE(p.lookup_gnu(e.name, other).has_value());
        }
        for (const char* missing : {"__vdso_gettime", "gettimeofday", "__kernel_vsyscal", "", "LINUX_2.5"}) {
            CAPTURE(missing);
            CHECK_FALSE(p.lookup_sysv(missing, "LINUX_2.6").has_value());
            CHECK_FALSE(p.lookup_gnu(missing, "LINUX_2.6").has_value());
        }
        // .gnu.hash invariant: symbols after symoffset come grouped by bucket.
        uint32_t nb = elf.at<uint32_t>(p.gnu), symoffset = elf.at<uint32_t>(p.gnu + 4);
        uint32_t count = elf.section(".dynsym")->sh_size / sizeof(Elf32_Sym);
        uint32_t last_bucket = 0;
        for (uint32_t i = symoffset; i < count; ++i) {
            uint32_t b = gnu_hash(elf.str(p.strtab + p.sym(i).st_name)) % nb;
            CHECK(b >= last_bucket);
            last_bucket = b;
        }
    }
}

TEST_CASE("vdso image: exact gate bytes") {
    const std::vector<uint8_t> sigreturn{0x58, 0xb8, 0x77, 0x00, 0x00, 0x00, 0xcd, 0x80};
    const std::vector<uint8_t> rt_sigreturn{0xb8, 0xad, 0x00, 0x00, 0x00, 0xcd, 0x80};

    SUBCASE("sysenter, Linux 2.6.12") {
        VdsoImage img = build_vdso_image(VdsoVariant::Sysenter, VdsoLayout::Kernel2612);
        const std::vector<uint8_t> vsyscall{0x51, 0x52, 0x55, 0x89, 0xe5, 0x0f, 0x34, 0x90, 0x90, 0x90,
                                            0x90, 0x90, 0x90, 0x90, 0xeb, 0xf3, 0x5d, 0x5a, 0x59, 0xc3};
        CHECK(slice(img, 0xffffe400, 20) == vsyscall);
        CHECK(slice(img, 0xffffe420, 8) == sigreturn);
        CHECK(slice(img, 0xffffe440, 7) == rt_sigreturn);
        CHECK(img.sysenter_return == 0xffffe410);
        CHECK(img.restart_jmp == 0xffffe40e);
        CHECK(img.sysenter_return - 2 == img.restart_jmp);
    }
    SUBCASE("sysenter, modern") {
        VdsoImage img = build_vdso_image(VdsoVariant::Sysenter, VdsoLayout::Modern);
        const std::vector<uint8_t> vsyscall{0x51, 0x52, 0x55, 0x89, 0xe5, 0x0f, 0x34,
                                            0xcd, 0x80, 0x5d, 0x5a, 0x59, 0xc3};
        CHECK(slice(img, 0xffffe400, 13) == vsyscall);
        CHECK(slice(img, 0xffffe420, 8) == sigreturn);
        CHECK(slice(img, 0xffffe440, 7) == rt_sigreturn);
        CHECK(img.restart_jmp == 0xffffe407);      // the int $0x80
        CHECK(img.sysenter_return == 0xffffe409);  // after it
    }
    SUBCASE("int $0x80 (no SEP), either layout") {
        for (VdsoLayout layout : {VdsoLayout::Kernel2612, VdsoLayout::Modern}) {
            VdsoImage img = build_vdso_image(VdsoVariant::Int80, layout);
            CHECK(slice(img, 0xffffe400, 3) == std::vector<uint8_t>{0xcd, 0x80, 0xc3});
            CHECK(slice(img, 0xffffe420, 8) == sigreturn);
            CHECK(slice(img, 0xffffe440, 7) == rt_sigreturn);
            CHECK(img.restart_jmp == 0xffffe400);
            CHECK(img.sysenter_return == 0);
            CHECK(img.bytes == build_vdso_image(VdsoVariant::Int80, VdsoLayout::Kernel2612).bytes);
        }
    }
}

TEST_CASE("vdso image: .text padding is 0x90") {
    for (const Config& c : kConfigs) {
        CAPTURE(c.name);
        VdsoImage img = build_vdso_image(c.variant, c.layout);
        ElfPage elf(img.bytes);
        auto text = elf.section(".text");
        REQUIRE(text);
        std::set<uint32_t> covered;
        for (const VdsoSymbol& s : img.symbols)
            for (uint32_t a = s.address; a < s.address + s.size; ++a) covered.insert(a);
        int padding = 0;
        for (uint32_t a = text->sh_addr; a < text->sh_addr + text->sh_size; ++a) {
            if (covered.count(a)) continue;
            CAPTURE(a);
            CHECK(img.bytes[a - kVdsoBase] == 0x90);
            ++padding;
        }
        CHECK(padding > 0);
        // The byte before each sigreturn stub is a nop: its FDE starts there (see the unwind test).
        CHECK(img.bytes[0x41f] == 0x90);
        CHECK(img.bytes[0x43f] == 0x90);
    }
}

TEST_CASE("vdso image: deterministic and distinct per variant") {
    for (const Config& c : kConfigs) {
        CAPTURE(c.name);
        VdsoImage a = build_vdso_image(c.variant, c.layout);
        VdsoImage b = build_vdso_image(c.variant, c.layout);
        CHECK(a.bytes == b.bytes);
        REQUIRE(a.symbols.size() == b.symbols.size());
        for (size_t i = 0; i < a.symbols.size(); ++i) {
            CHECK(a.symbols[i].name == b.symbols[i].name);
            CHECK(a.symbols[i].address == b.symbols[i].address);
            CHECK(a.symbols[i].size == b.symbols[i].size);
        }
    }
    CHECK(build_vdso_image(VdsoVariant::Sysenter).bytes != build_vdso_image(VdsoVariant::Int80).bytes);
    CHECK(build_vdso_image(VdsoVariant::Sysenter, VdsoLayout::Modern).bytes !=
          build_vdso_image(VdsoVariant::Sysenter).bytes);
    // The default layout is Linux 2.6.12's.
    CHECK(build_vdso_image(VdsoVariant::Sysenter).bytes ==
          build_vdso_image(VdsoVariant::Sysenter, VdsoLayout::Kernel2612).bytes);
}
