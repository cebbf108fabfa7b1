// Round trip through the binutils: write the page with write_vdso_file and hold file -b,
// objdump -T, objdump -d and readelf --symbols against what the seed walkthrough
// (/work/shared/acceptance/seed-walkthrough.sh) and the article check. Then read the time
// functions' disassembly: no int on any fast path, the right syscall number on each fallback.
#include <doctest.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "vdso/vdso_file.h"
#include "vdso/vdso_image.h"

using namespace gate386;

namespace {

std::string run(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
}

bool have(const char* tool) { return !run(std::string("command -v ") + tool + " 2>/dev/null").empty(); }

// A temporary directory holding the dumped page; removed on destruction.
struct TempPage {
    std::string dir, path;
    explicit TempPage(const VdsoImage& img, const char* name = "linux-gate.dso") {
        char tmpl[] = "/tmp/gate386-vdso-XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        path = dir + "/" + name;
        write_vdso_file(img, path);
    }
    ~TempPage() {
        std::remove(path.c_str());
        rmdir(dir.c_str());
    }
};

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> v;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);) v.push_back(l);
    return v;
}

std::vector<std::string> split(const std::string& s, const char* separators = " \t") {
    std::vector<std::string> v;
    size_t i = 0;
    for (;;) {
        i = s.find_first_not_of(separators, i);
        if (i == std::string::npos) return v;
        size_t j = s.find_first_of(separators, i);
        v.push_back(s.substr(i, j == std::string::npos ? std::string::npos : j - i));
        if (j == std::string::npos) return v;
        i = j;
    }
}

std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : " ") + p;
    return out;
}

bool is_hex(const std::string& s) {
    return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// The acceptance script's normalisation of objdump -d lines ("ffffe4xx:\tBYTES\tINSN" becomes
// "ffffe4xx BYTES | INSN" with blanks squeezed), done without std::regex (GCC 12 warns inside
// <regex> under the sanitizer build).
std::string normalise_disassembly(const std::string& dis) {
    std::string out;
    for (const std::string& l : lines(dis)) {
        std::vector<std::string> fields;
        size_t i = 0;
        for (size_t j; (j = l.find('\t', i)) != std::string::npos; i = j + 1) fields.push_back(l.substr(i, j - i));
        fields.push_back(l.substr(i));
        if (fields.size() < 3 || fields[0].size() != 9 || fields[0].rfind("ffffe4", 0) != 0 || fields[0][8] != ':')
            continue;
        std::string insn;
        for (size_t k = 2; k < fields.size(); ++k) insn += (k > 2 ? " " : "") + fields[k];
        if (!out.empty()) out += "\n";
        out += fields[0].substr(0, 8) + " " + join(split(fields[1])) + " | " + join(split(insn));
    }
    return out;
}

struct Insn {
    uint32_t address;
    std::string mnemonic;
    std::string operands;
};

// objdump -d of the whole page, split by function label ("ffffe460 <name>:").
std::map<std::string, std::vector<Insn>> disassemble_functions(const std::string& path) {
    std::map<std::string, std::vector<Insn>> fns;
    std::string current;
    for (const std::string& l : lines(run("objdump -d --no-show-raw-insn " + path))) {
        std::vector<std::string> t = split(l);
        if (t.size() == 2 && is_hex(t[0]) && t[1].size() > 3 && t[1].front() == '<' && t[1].substr(t[1].size() - 2) == ">:") {
            current = t[1].substr(1, t[1].size() - 3);
            continue;
        }
        if (current.empty() || t.size() < 2 || t[0].back() != ':' || !is_hex(t[0].substr(0, t[0].size() - 1))) continue;
        std::vector<std::string> rest(t.begin() + 2, t.end());
        fns[current].push_back({static_cast<uint32_t>(std::stoul(t[0], nullptr, 16)), t[1], join(rest)});
    }
    return fns;
}

// A line whose whitespace-separated fields are exactly `want`.
bool has_line(const std::string& text, const std::vector<std::string>& want) {
    for (const std::string& l : lines(text))
        if (split(l) == want) return true;
    return false;
}

}  // namespace

TEST_CASE("vdso tools: write_vdso_file writes the 4096 bytes") {
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    TempPage page(img);
    FILE* f = std::fopen(page.path.c_str(), "rb");
    REQUIRE(f);
    std::vector<uint8_t> back(8192);
    size_t n = std::fread(back.data(), 1, back.size(), f);
    std::fclose(f);
    back.resize(n);
    CHECK(back == img.bytes);
    CHECK_THROWS(write_vdso_file(img, "/nonexistent-dir/x/linux-gate.so"));
}

TEST_CASE("vdso tools: file -b") {
    if (!have("file")) {
        MESSAGE("file(1) not installed; skipping");
        return;
    }
    for (VdsoVariant v : {VdsoVariant::Sysenter, VdsoVariant::Int80}) {
        TempPage page(build_vdso_image(v));
        std::string out = run("file -b " + page.path);
        CAPTURE(out);
        CHECK(out.rfind("ELF 32-bit LSB shared object, Intel 80386, version 1 (SYSV)", 0) == 0);
    }
}

TEST_CASE("vdso tools: objdump -T lists the LINUX_2.5 and LINUX_2.6 symbols") {
    if (!have("objdump")) {
        MESSAGE("objdump not installed; skipping");
        return;
    }
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    TempPage page(img);
    std::string out = run("objdump -T " + page.path);
    CAPTURE(out);
    // The acceptance script's patterns ("ffffe400 g +DF \\.text\\s+00000014 +LINUX_2\\.5 +__kernel_vsyscall"),
    // field by field.
    CHECK(has_line(out, {"ffffe400", "g", "DF", ".text", "00000014", "LINUX_2.5", "__kernel_vsyscall"}));
    CHECK(has_line(out, {"ffffe420", "g", "DF", ".text", "00000008", "LINUX_2.5", "__kernel_sigreturn"}));
    CHECK(has_line(out, {"ffffe440", "g", "DF", ".text", "00000007", "LINUX_2.5", "__kernel_rt_sigreturn"}));
    for (const char* name : {"__vdso_clock_gettime", "__vdso_gettimeofday", "__vdso_time", "__vdso_clock_getres",
                             "__vdso_clock_gettime64", "__vdso_getcpu"}) {
        CAPTURE(name);
        const VdsoSymbol* s = find_symbol(img, name);
        REQUIRE(s);
        char addr[16], size[16];
        std::snprintf(addr, sizeof addr, "%08x", s->address);
        std::snprintf(size, sizeof size, "%08x", s->size);
        CHECK(has_line(out, {addr, "g", "DF", ".text", size, "LINUX_2.6", name}));
    }
    for (const std::string& l : lines(out))
        if (l.rfind("ffffe400 ", 0) == 0) CHECK(l.rfind("ffffe400 g ", 0) == 0);
    CHECK(out.find("file format elf32-i386") != std::string::npos);
}

TEST_CASE("vdso tools: objdump -d of __kernel_vsyscall matches the article") {
    if (!have("objdump")) {
        MESSAGE("objdump not installed; skipping");
        return;
    }
    TempPage page(build_vdso_image(VdsoVariant::Sysenter));
    std::string dis = normalise_disassembly(
        run("objdump -d --start-address=0xffffe400 --stop-address=0xffffe414 " + page.path));
    const char* expect =
        "ffffe400 51 | push %ecx\n"
        "ffffe401 52 | push %edx\n"
        "ffffe402 55 | push %ebp\n"
        "ffffe403 89 e5 | mov %esp,%ebp\n"
        "ffffe405 0f 34 | sysenter\n"
        "ffffe407 90 | nop\n"
        "ffffe408 90 | nop\n"
        "ffffe409 90 | nop\n"
        "ffffe40a 90 | nop\n"
        "ffffe40b 90 | nop\n"
        "ffffe40c 90 | nop\n"
        "ffffe40d 90 | nop\n"
        "ffffe40e eb f3 | jmp ffffe403 <__kernel_vsyscall+0x3>\n"
        "ffffe410 5d | pop %ebp\n"
        "ffffe411 5a | pop %edx\n"
        "ffffe412 59 | pop %ecx\n"
        "ffffe413 c3 | ret";
    CHECK(dis == expect);

    TempPage modern(build_vdso_image(VdsoVariant::Sysenter, VdsoLayout::Modern));
    std::string mdis = normalise_disassembly(
        run("objdump -d --start-address=0xffffe400 --stop-address=0xffffe40d " + modern.path));
    CHECK(mdis ==
          "ffffe400 51 | push %ecx\n"
          "ffffe401 52 | push %edx\n"
          "ffffe402 55 | push %ebp\n"
          "ffffe403 89 e5 | mov %esp,%ebp\n"
          "ffffe405 0f 34 | sysenter\n"
          "ffffe407 cd 80 | int $0x80\n"
          "ffffe409 5d | pop %ebp\n"
          "ffffe40a 5a | pop %edx\n"
          "ffffe40b 59 | pop %ecx\n"
          "ffffe40c c3 | ret");
}

TEST_CASE("vdso tools: the int $0x80 page (CPU without SEP)") {
    if (!have("objdump")) {
        MESSAGE("objdump not installed; skipping");
        return;
    }
    TempPage page(build_vdso_image(VdsoVariant::Int80), "old.dso");
    std::string out = run("objdump -d --start-address=0xffffe400 --stop-address=0xffffe403 " + page.path +
                          " | grep -E '^ffffe40' | tr -s ' \\t' ' '");
    CAPTURE(out);
    CHECK(out.find("ffffe400: cd 80 int $0x80") != std::string::npos);
    CHECK(out.find("ffffe402: c3 ret") != std::string::npos);
}

TEST_CASE("vdso tools: readelf --symbols shows default versions") {
    if (!have("readelf")) {
        MESSAGE("readelf not installed; skipping");
        return;
    }
    TempPage page(build_vdso_image(VdsoVariant::Sysenter), "kernel-gate.so");
    // Full names need --wide: without it readelf >= 2.36 squeezes a versioned dynamic symbol into
    // 21 columns ("__ker[...]@@LINUX_2.5"), for any file, the kernel's own vDSO included.
    std::string out = run("readelf --wide --symbols " + page.path + " 2>&1");
    CAPTURE(out);
    for (const char* want : {"__kernel_vsyscall@@LINUX_2.5", "__kernel_sigreturn@@LINUX_2.5",
                             "__kernel_rt_sigreturn@@LINUX_2.5", "__vdso_clock_gettime@@LINUX_2.6",
                             "__vdso_gettimeofday@@LINUX_2.6", "__vdso_time@@LINUX_2.6",
                             "__vdso_clock_getres@@LINUX_2.6", "__vdso_clock_gettime64@@LINUX_2.6",
                             "__vdso_getcpu@@LINUX_2.6"})
        CHECK(out.find(want) != std::string::npos);
    CHECK(out.find("Warning") == std::string::npos);

    // The plain form the acceptance script runs: the ffffe400 FUNC line carries @@LINUX_2.5.
    std::string plain = run("readelf --symbols " + page.path + " 2>&1");
    CAPTURE(plain);
    bool found = false;
    for (const std::string& l : lines(plain)) {
        std::vector<std::string> t = split(l);
        found = found || (t.size() == 8 && t[1] == "ffffe400" && t[2] == "20" && t[3] == "FUNC" && t[4] == "GLOBAL" &&
                          t[5] == "DEFAULT" && t[7].rfind("__k", 0) == 0 && t[7].size() > 11 &&
                          t[7].substr(t[7].size() - 11) == "@@LINUX_2.5");
    }
    CHECK(found);

    // readelf's full dump must be clean too (no warnings about hashes, versions or frames).
    std::string all = run("readelf -a -W --debug-dump=frames " + page.path + " 2>&1");
    CAPTURE(all);
    CHECK(all.find("Warning") == std::string::npos);
    CHECK(all.find("Error") == std::string::npos);
    CHECK(all.find("Library soname: [linux-gate.so.1]") != std::string::npos);
    CHECK(all.find("Augmentation:          \"zRS\"") != std::string::npos);
}

TEST_CASE("vdso tools: time functions' machine code (objdump -d)") {
    if (!have("objdump")) {
        MESSAGE("objdump not installed; skipping");
        return;
    }
    VdsoImage img = build_vdso_image(VdsoVariant::Sysenter);
    TempPage page(img);
    auto fns = disassemble_functions(page.path);
    const std::map<std::string, int> fallback_nr{
        {"__vdso_clock_gettime", 265}, {"__vdso_gettimeofday", 78}, {"__vdso_time", 13},
        {"__vdso_clock_getres", 266},  {"__vdso_clock_gettime64", 403}, {"__vdso_getcpu", -1},
    };
    for (const auto& [name, nr] : fallback_nr) {
        CAPTURE(name);
        REQUIRE(fns.count(name));
        const VdsoSymbol* sym = find_symbol(img, name);
        REQUIRE(sym);
        std::vector<Insn> code;
        for (const Insn& i : fns[name])
            if (i.address < sym->address + sym->size) code.push_back(i);
        REQUIRE(!code.empty());
        for (const Insn& i : code) CHECK(i.mnemonic != "(bad)");
        // The fast path is the straight line from the entry to the first ret (every fallback sits
        // after it, reached only by a forward jump): no int, no sysenter, no call in it.
        size_t first_ret = 0;
        while (first_ret < code.size() && code[first_ret].mnemonic != "ret") ++first_ret;
        REQUIRE(first_ret < code.size());
        bool reads_tsc = false;
        for (size_t k = 0; k <= first_ret; ++k) {
            CAPTURE(code[k].address);
            CHECK(code[k].mnemonic != "int");
            CHECK(code[k].mnemonic != "sysenter");
            CHECK(code[k].mnemonic.rfind("call", 0) != 0);
            reads_tsc = reads_tsc || code[k].mnemonic == "rdtsc";
        }
        bool needs_tsc = name != "__vdso_clock_getres" && name != "__vdso_getcpu";
        CHECK(reads_tsc == needs_tsc);
        // Fallbacks: each int $0x80 is preceded by mov $nr,%eax with this function's syscall.
        int ints = 0;
        for (size_t k = 0; k < code.size(); ++k) {
            if (code[k].mnemonic != "int") continue;
            ++ints;
            CHECK(code[k].operands == "$0x80");
            REQUIRE(k > 0);
            char want[64];
            std::snprintf(want, sizeof want, "$0x%x,%%eax", nr);
            CHECK(code[k - 1].mnemonic == "mov");
            CHECK(code[k - 1].operands == want);
            CHECK(k > first_ret);
        }
        CHECK(ints == (nr < 0 ? 0 : 1));
        // The vvar page is read at its absolute address.
        bool reads_vvar = false;
        for (const Insn& i : code) reads_vvar = reads_vvar || i.operands.find("0xffffd0") != std::string::npos ||
                                               i.operands.find("-0x2f") != std::string::npos;
        CHECK(reads_vvar == (name != "__vdso_getcpu"));
    }
}
